// Remote commands on a whole terminal with simulated devices: each command's
// answer, and the refusals (replayed id, too old, ahead of the clock, forged).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { freshPayCode } from '../../scripts/host/demo-orders.ts';
import { generateOpsKeyPair } from '../../src/ops/envelope.ts';
import type { SimHost } from '../../hal/network/sim.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { inProcessHost } from '../../src/runtime/sim-host.ts';
import { TestTerminal, refundByKeys, tempDir } from '../support/terminal.ts';
import { answers, clockChecked, command, envelopeBytes, opsConfig, push, configPush, sendCommand, waitFor } from './support.ts';

const test = suite('ops: remote commands (simulated link)');
const TID = 'TT01';
const ORDER = '2026000000000001';
const minutes = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

async function withTerminal(body: (t: TestTerminal, restarts: string[], dir: string) => Promise<void>, dir = tempDir()): Promise<void> {
  const restarts: string[] = [];
  const t = await TestTerminal.start(opsConfig(dir), undefined, { onRestart: (reason) => restarts.push(reason) });
  try {
    await t.see(/TT01 ONLINE/);
    await clockChecked(t);
    await body(t, restarts, dir);
  } finally {
    await t.stop();
  }
}

const send = (t: TestTerminal, payload: Record<string, unknown>) => sendCommand(t, envelopeBytes(payload));

test('status: online, the applied config version, the queue', () =>
  withTerminal(async (t) => {
    await push(t, configPush(TID, 3, { receipt: { header: ['X'] } }));
    const cmd = command(TID, 'status');
    const answer = await send(t, cmd);
    assert.is(answer.v, 1);
    assert.is(answer.id, cmd.id);
    assert.is(answer.ok, true);
    const result = answer.result as { state: string; configVersion: number; queue: { pending: number }; app: string };
    assert.is(result.state, 'online');
    assert.is(result.configVersion, 3);
    assert.is(result.queue.pending, 0);
    assert.match(result.app, /^scanpos\//);
  }));

test('sync: the queue is submitted now; the answer says what is left', () =>
  withTerminal(async (t) => {
    // An order seen online, then a refund of it recorded offline.
    t.keys(`2 ${ORDER} [OK]`);
    await t.see(/Left: /);
    t.keys('[CANCEL][CANCEL]');
    t.devices.link!.silence(true); // the broker is up, the host silent: the refund is queued
    await refundByKeys(t, ORDER, '100', freshPayCode({ channel: 'wechat' }));
    await t.see(/Refund: QUEUED/, 5000);
    t.keys('[OK]');
    t.devices.link!.silence(false);
    const answer = await send(t, command(TID, 'sync'));
    assert.is(answer.ok, true);
    assert.equal((answer.result as { queue: { pending: number } }).queue.pending, 0);
  }));

test('settle: a Z report closed and reconciled with the host, in the answer', () =>
  withTerminal(async (t) => {
    const answer = await send(t, command(TID, 'settle'));
    assert.is(answer.ok, true, JSON.stringify(answer.error));
    const report = (answer.result as { report: { kind: string; batch: number; reconciliation: { status: string } } }).report;
    assert.is(report.kind, 'Z');
    assert.is(report.reconciliation.status, 'agreed');
    const again = await send(t, command(TID, 'settle'));
    assert.is((again.result as { report: { batch: number } }).report.batch, report.batch + 1, 'the batch was closed');
  }));

test('two settle commands at once: each closes one batch, each with its Z report', () =>
  withTerminal(async (t) => {
    const { ledger } = t.running;
    const first = ledger.batch().number;
    const before = answers(t).length;
    t.devices.link!.deliver('cmd', envelopeBytes(command(TID, 'settle')));
    t.devices.link!.deliver('cmd', envelopeBytes(command(TID, 'settle')));
    const both = await waitFor(() => (answers(t).length >= before + 2 ? answers(t).slice(before) : undefined), 'two answers', 5000);
    assert.equal(both.map((a) => a.ok), [true, true], JSON.stringify(both.map((a) => a.error)));
    const batches = both.map((a) => (a.result as { report: { batch: number } }).report.batch).sort((a, b) => a - b);
    assert.equal(batches, [first, first + 1]);
    assert.is(ledger.batch().number, first + 2);
    for (const n of batches) assert.ok(await ledger.report(n), `batch ${n} has its Z report`);
  }));

test('before the clock is checked with the host every command is refused clock_unchecked; the host is asked again, and the command sent again runs', async () => {
  let timeAnswered = false;
  let timeAsked = 0;
  const inner = await inProcessHost({ logger: silentLogger(), now: () => new Date() });
  const host: SimHost = (request) => {
    if (request.method !== 'time.get') return inner(request);
    timeAsked++;
    return timeAnswered ? inner(request) : Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'no time yet' } });
  };
  const asked = (n: number) => waitFor(() => (timeAsked >= n ? true : undefined), `the host asked for the time ${n} times`);
  const t = await TestTerminal.start(opsConfig(tempDir()), host, { onRestart: () => undefined });
  try {
    await t.see(/TT01 ONLINE/);
    await asked(1); // at connect
    const cmd = command(TID, 'status');
    const refused = await send(t, cmd);
    assert.equal([refused.id, refused.ok, refused.error?.code], [cmd.id, false, 'clock_unchecked']);
    await asked(2); // again, after the refusal
    timeAnswered = true;
    const again = await send(t, cmd);
    assert.is(again.error?.code, 'clock_unchecked', 'still not checked when it arrived');
    await clockChecked(t); // the refusal asked the host again
    const ran = await send(t, cmd);
    assert.is(ran.ok, true, 'a refused id is not used up');
  } finally {
    await t.stop();
  }
});

test('reboot on an idle terminal: answered, then the terminal restarts', () =>
  withTerminal(async (t, restarts) => {
    const answer = await send(t, command(TID, 'reboot'));
    assert.is(answer.ok, true);
    assert.equal(answer.result, { restart: 'now' });
    await waitFor(() => restarts[0], 'a restart');
  }));

test('reboot during a refund: answered at once, the restart waits for the end of the transaction', () =>
  withTerminal(async (t, restarts) => {
    t.keys(`2 ${ORDER} [OK]`);
    await t.see(/Left: /);
    const answer = await send(t, command(TID, 'reboot'));
    assert.equal(answer.result, { restart: 'after_transaction' });
    await new Promise((r) => setTimeout(r, 600));
    assert.is(restarts.length, 0, 'not in the middle of the refund');
    t.keys('[CANCEL][CANCEL]');
    await t.see(/TT01 ONLINE/);
    await waitFor(() => restarts[0], 'a restart once idle');
  }));

test('selftest: the self-test report (interactive tests skipped: nobody is at the terminal)', () =>
  withTerminal(async (t) => {
    const answer = await sendCommand(t, envelopeBytes(command(TID, 'selftest')), 15_000);
    assert.is(answer.ok, true, JSON.stringify(answer.error));
    const report = answer.result as { trigger: string; tests: Array<{ name: string; status: string }> };
    assert.is(report.trigger, 'remote');
    assert.ok(report.tests.length > 0);
    assert.ok(report.tests.some((x) => x.status === 'skipped'), 'keypad and display need a technician');
  }));

test('refused: an id used before (also after a restart), too old, ahead of the clock, another target, a forged signature', async () => {
  const dir = tempDir();
  const used = command(TID, 'status');
  await withTerminal(async (t) => {
    assert.is((await send(t, used)).ok, true);
    const replay = await send(t, used);
    assert.is(replay.ok, false);
    assert.is(replay.error?.code, 'id_reused');
    assert.is(replay.id, used.id);

    const old = await send(t, command(TID, 'status', { issuedAt: minutes(11) }));
    assert.is(old.error?.code, 'too_old');
    assert.is((await send(t, command(TID, 'status', { issuedAt: minutes(9) }))).ok, true, 'nine minutes is fine');
    const future = await send(t, command(TID, 'status', { issuedAt: minutes(-5) }));
    assert.is(future.error?.code, 'issued_in_future');
    assert.is((await send(t, command('TT99', 'status'))).error?.code, 'other_target');
    assert.is((await send(t, command('*', 'status'))).ok, true, 'a fleet-wide command');

    const forgedCmd = command(TID, 'reboot');
    const forged = await sendCommand(t, envelopeBytes(forgedCmd, { keyId: 'ops-test', privateKey: generateOpsKeyPair().privateKey }));
    assert.is(forged.ok, false);
    assert.is(forged.error?.code, 'bad_signature');
    assert.is(forged.id, forgedCmd.id, 'the id is echoed so ops know which command was refused');
    const junk = await sendCommand(t, Buffer.from('reboot please'));
    assert.equal([junk.id, junk.error?.code], [null, 'malformed']);
  }, dir);
  await withTerminal(async (t) => {
    const replay = await send(t, used);
    assert.is(replay.error?.code, 'id_reused', 'ids are remembered on disk');
  }, dir);
});

test.run();
