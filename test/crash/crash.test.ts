// The crash harness (scripts/crash/): its judge must catch what it is there to
// catch, the control mode must refuse to run where it cannot, and a short
// run — 50 SIGKILLs of a real terminal process, the cable pulled at random,
// a real broker and the reference host — must end with nothing lost,
// doubled or unrecorded. `npm run crash -- --kills 1000` is the long run.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseConfig } from '../../config/load.ts';
import { main } from '../../src/cli.ts';
import { controlProblems } from '../../src/runtime/control.ts';
import { verdict } from '../../scripts/crash/check.ts';
import { runCrash } from '../../scripts/crash/harness.ts';
import { describe, summary } from '../../scripts/crash/report.ts';
import { refundsShown, screenOf } from '../../scripts/crash/screens.ts';
import { Witness } from '../../scripts/crash/witness.ts';
import type { StoredTxn } from '../../scripts/host/store.ts';
import type { TxnRecord } from '../../src/domain/types.ts';
import { tmpdir } from 'node:os';

const test = suite('crash harness');

const RESULT = (word: string, cents: string) =>
  ['Refund: ' + word, 'Order: 7700000000000001', `Refund amount: ${cents}`, '', 'Recorded offline: it will be', 'submitted automatically when the', 'network is back', '', '', 'OK home'].join('\n');

test('frames are read as the merchant reads them: result screens and replay-decline notices', () => {
  assert.equal(refundsShown(RESULT('QUEUED', '1,234.56')), [{ word: 'QUEUED', orderId: '7700000000000001', amountCents: 123456 }]);
  const home = ['scanpos CRASH1            ONLINE', 'No refunds queued', '! Queued refund 0.41 of order', '7700000000000004 DECLINED', '(INSUFFICIENT_BALANCE): see the', 'slip'].join('\n');
  assert.is(screenOf(home), 'home');
  assert.equal(refundsShown(home), [{ word: 'DECLINED', orderId: '7700000000000004', amountCents: 41, notice: true }]);
  assert.is(screenOf('Refund\nKey the order number or scan the\norder code on the receipt\nOrder: 7700000000000002_\n\nNeeds the network to look up\nthis order\n\n\nOK continue  CANCEL back'), 'order-refused');
});

const txn = (id: string, amountCents: number, status: 'approved' | 'declined', orderId = '7700000000000001'): StoredTxn =>
  ({ txn: { id, amountCents, orderId, type: 'refund', terminalId: 'CRASH1' }, result: { id, status, code: status === 'approved' ? 'OK' : 'INSUFFICIENT_BALANCE' } }) as unknown as StoredTxn;

test('the judge counts lost, duplicated and unrecorded refunds, and a decline never shown as lost', async () => {
  const witness = new Witness();
  for (const [cents, word] of [[1, 'APPROVED'], [2, 'QUEUED'], [3, 'QUEUED'], [4, 'QUEUED'], [5, 'QUEUED']] as const) {
    witness.confirmedAmount('7700000000000001', cents);
    witness.frame(RESULT(word, (cents / 100).toFixed(2)));
  }
  witness.confirmedAmount('7700000000000001', 6);
  const hostTxns = [txn('a', 1, 'approved'), txn('b', 2, 'approved'), txn('c', 2, 'approved'), txn('d', 3, 'declined'), txn('e', 5, 'approved'), txn('f', 6, 'approved'), txn('g', 7, 'approved')];
  const ledger = new Set(['a', 'b', 'c', 'd', 'e', 'g']);
  const result = await verdict({ witness, hostTxns, ledgerRecord: async (id) => (ledger.has(id) ? ({ state: id === 'd' ? 'declined' : 'approved' } as TxnRecord) : undefined) });
  assert.is(result.shown, 5);
  assert.is(result.atHost, 7);
  assert.is(result.lost, 2, '3 declined without being shown, 4 not at the host');
  assert.is(result.duplicated, 1, '2 twice');
  assert.is(result.unrecorded, 2, 'f not in the ledger, g never confirmed');
});

test('scanpos run --control refuses to run without a parent on an IPC channel, and with devices that are not simulated', async () => {
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    assert.is(await main(['run', '--config', 'terminal.json', '--control']), 2);
  } finally {
    process.stderr.write = write;
  }
  assert.match(written.join(''), /--control .*IPC channel/);
  const parsed = parseConfig({ display: { driver: 'tty' }, keypad: { driver: 'sim' } }, tmpdir());
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  assert.equal(
    controlProblems(parsed.config).map((p) => p.split(':')[0]),
    ['display.driver is "tty"'],
    'the default scanner is simulated already; keypad set to sim',
  );
});

// Orders the host declines are in: a refund shown QUEUED and declined on
// replay must reach the merchant as a home-screen alert, which is stored
// before the decline is, so no kill can lose it. Seed: CRASH_SEED, or 1.
test('50 kills of a refunding terminal: nothing shown APPROVED or QUEUED lost or doubled, nothing unrecorded at the host, every file reads back', async () => {
  const seed = Number(process.env.CRASH_SEED ?? 1);
  const report = await runCrash({ kills: 50, seed, broker: 'aedes', declines: true });
  const evidence = `${summary(report)}\n${describe(report).join('\n')}`;
  assert.is(report.kills, 50);
  assert.ok(report.shown > 50, `refunds shown: ${report.shown}\n${evidence}`);
  assert.is(report.lost, 0, evidence);
  assert.is(report.duplicated, 0, evidence);
  assert.is(report.unrecorded, 0, evidence);
  assert.equal(report.files.bad, [], evidence);
  assert.equal(report.problems, [], evidence);
  assert.ok(report.ok, evidence);
});

test.run();
