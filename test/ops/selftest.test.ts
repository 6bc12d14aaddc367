// The self-test's automatic checks against the simulators and a real temp folder.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SimPrinter } from '../../hal/printer/sim.ts';
import { SimLink, type SimHost } from '../../hal/network/sim.ts';
import type { Printer } from '../../hal/printer/types.ts';
import { checkPrinter } from '../../src/ops/selftest/printer.ts';
import { checkNetwork } from '../../src/ops/selftest/network.ts';
import { checkStorage } from '../../src/ops/selftest/storage.ts';
import { checkLedgerFiles } from '../../src/ops/selftest/ledger-files.ts';
import { runCheck } from '../../src/ops/selftest/runner.ts';
import { CHINESE_LINE, TEST_CODE, testPageDocument } from '../../src/domain/selftest.ts';
import { HostClient } from '../../src/sync/host-client.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { tempDir } from '../support/terminal.ts';
import { order } from '../support/machine.ts';

const test = suite('ops: self-test checks');

const page = testPageDocument({ locale: 'en', timezone: 'Asia/Shanghai', terminalId: 'T1001', merchantName: 'Demo' });

async function startedPrinter(): Promise<SimPrinter> {
  const printer = new SimPrinter();
  await printer.start();
  return printer;
}

test('printer: status and a test page with text, Chinese, a QR code and a bar code', async () => {
  const printer = await startedPrinter();
  const outcome = await checkPrinter(printer, { page });
  assert.is(outcome.status, 'pass');
  assert.match(outcome.detail, /paper ok, cover closed, test page printed/);
  const text = printer.lastText()!;
  assert.match(text, /PRINTER TEST/);
  assert.ok(text.includes(CHINESE_LINE));
  const kinds = printer.printed()[0]!.doc.lines.map((l) => l.kind);
  assert.ok(kinds.includes('qr') && kinds.includes('barcode'));
  assert.ok(text.includes(TEST_CODE));
});

test('printer: paper out or cover open fails with the reason and prints nothing; paper low passes with a warning', async () => {
  const printer = await startedPrinter();
  printer.setProblem('paper_out');
  assert.equal(await checkPrinter(printer, { page }), { status: 'fail', detail: 'paper out' });
  printer.setProblem('cover_open');
  assert.equal(await checkPrinter(printer, { page }), { status: 'fail', detail: 'cover open' });
  assert.is(printer.printed().length, 0);
  printer.setProblem(null);
  printer.setPaperLow(true);
  const low = await checkPrinter(printer, { noPageReason: 'status only at start-up' });
  assert.is(low.status, 'pass');
  assert.match(low.detail, /paper low/);
  assert.is(printer.printed().length, 0, 'no page asked for, none printed');
});

test('printer: a driver that cannot report its status is said to be so; status-only is then skipped', async () => {
  const sim = await startedPrinter();
  // A printer without DLE EOT (printer.statusQuery false) answers `unsupported`.
  const mute: Printer = { columns: 32, print: (d) => sim.print(d), status: async () => ({ ok: false, reason: 'unsupported' }), start: async () => {}, stop: async () => {} };
  const withPage = await checkPrinter(mute, { page });
  assert.is(withPage.status, 'pass');
  assert.match(withPage.detail, /cannot report paper or cover/);
  const statusOnly = await checkPrinter(mute, { noPageReason: 'status only at start-up' });
  assert.is(statusOnly.status, 'skipped');
  assert.match(statusOnly.detail, /cannot report/);
});

function network(host: SimHost) {
  const link = new SimLink({ terminalId: 'T1001', host });
  const client = new HostClient({ link, timeoutMs: () => 300, logger: silentLogger() });
  return { link, check: () => checkNetwork({ link, host: client, now: () => Date.now() }) };
}

const hostTime = (offsetMs: number): SimHost => async (r) =>
  r.method === 'time.get' ? { ok: true, result: { now: new Date(Date.now() + offsetMs).toISOString() } } : { ok: false, error: { code: 'UNKNOWN', message: '' } };

test('network: broker, host round trip and clock drift', async () => {
  const { link, check } = network(hostTime(0));
  await link.start();
  const ok = await check();
  assert.is(ok.status, 'pass');
  assert.match(ok.detail, /broker connected, host round trip \d+ ms, clock [+-]0\.\d s against the host/);
  link.silence(true);
  const silent = await check();
  assert.is(silent.status, 'fail');
  assert.match(silent.detail, /host did not answer time\.get \(timeout\)/);
  link.drop();
  assert.equal(await check(), { status: 'fail', detail: 'broker not connected' });
});

test('network: a clock more than a minute off the host fails', async () => {
  const { link, check } = network(hostTime(-120_000));
  await link.start();
  const outcome = await check();
  assert.is(outcome.status, 'fail');
  assert.match(outcome.detail, /clock \+120\.\d s against the host \(over 60 s: set the clock\)/);
});

async function ledgerDir(): Promise<string> {
  const dir = tempDir();
  const { ledger } = await Ledger.open({ dir, timezone: 'Asia/Shanghai' });
  await ledger.putOrder(order({ orderId: '2026112600000001' }));
  await ledger.putOrder(order({ orderId: '2026112600000002' }));
  await ledger.close();
  return dir;
}

const storage = (dir: string, over: { minFreeBytes?: number; ledgerFiles?: boolean } = {}) =>
  checkStorage({ dir, minFreeBytes: over.minFreeBytes ?? 0, freeBytes: async () => 5e9, ledgerFiles: over.ledgerFiles ?? true });

test('storage: write, fsync, read back, free space, ledger files intact; leaves no scratch file', async () => {
  const dir = await ledgerDir();
  const before = readdirSync(dir).sort();
  const outcome = await storage(dir);
  assert.is(outcome.status, 'pass');
  assert.match(outcome.detail, /write, fsync, read back ok, 5\.0 GB free, \d+ ledger file\(s\) intact/);
  assert.equal(readdirSync(dir).sort(), before);
});

test('storage: free space under the minimum fails; a scratch file left by a power cut is removed', async () => {
  const dir = await ledgerDir();
  writeFileSync(join(dir, '.selftest-1-1.tmp'), 'left over');
  const outcome = await storage(dir, { minFreeBytes: 20e9 });
  assert.is(outcome.status, 'fail');
  assert.match(outcome.detail, /free space 5\.0 GB, below the minimum 20\.0 GB/);
  assert.not.ok(readdirSync(dir).some((n) => n.startsWith('.selftest-')));
});

test('storage: a damaged journal record or snapshot is named, read-only', async () => {
  const dir = await ledgerDir();
  const journal = join(dir, 'orders.0.journal');
  const lines = readFileSync(journal, 'utf8').split('\n');
  lines[1] = lines[1]!.replace(/"paid"/, '"PAID"'); // the checksum no longer matches; a good record follows
  writeFileSync(journal, lines.join('\n'));
  mkdirSync(join(dir, 'days'), { recursive: true });
  writeFileSync(join(dir, 'days', '2026-11-20.json'), '{"format":"scanpos.day","vers');
  const damaged = readFileSync(journal);
  const report = await checkLedgerFiles(dir);
  assert.equal(report.problems, ['orders.0.journal: 1 damaged record(s)', 'days/2026-11-20.json: not valid JSON (truncated or corrupt)']);
  assert.ok(readFileSync(journal).equals(damaged), 'nothing repaired or rewritten');
  const outcome = await storage(dir);
  assert.is(outcome.status, 'fail');
  assert.match(outcome.detail, /ledger files damaged: orders\.0\.journal/);
  assert.is((await storage(dir, { ledgerFiles: false })).status, 'pass', 'the start-up check does not read the ledger files');
});

test('runner: a check that throws or hangs is a failed test with the reason', async () => {
  const options = { now: () => Date.now(), timeoutMs: 50 };
  const thrown = await runCheck('storage', async () => { throw new Error('EIO'); }, options);
  assert.equal([thrown.status, thrown.detail], ['fail', 'the test itself failed: EIO']);
  const hung = await runCheck('printer', () => new Promise(() => {}), options);
  assert.equal([hung.name, hung.status], ['printer', 'fail']);
  assert.match(hung.detail, /no result within/);
});

test.run();
