// Settlement through the pure screen machine.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Driver, testCtx } from '../support/machine.ts';
import type { SettlementReport } from '../../src/domain/settlement.ts';

const test = suite('screens: settlement');

const report = (kind: 'X' | 'Z', reconciliation?: SettlementReport['reconciliation']): SettlementReport => ({
  kind,
  batch: 3,
  terminalId: 'T1001',
  from: '2026-11-27T00:00:00Z',
  to: '2026-11-27T08:00:00Z',
  lines: [{ channel: 'wechat', type: 'refund', count: 2, amountCents: 2000 }],
  queued: [],
  ...(reconciliation ? { reconciliation } : {}),
});

test('X report: totals so far on screen and printed, nothing closed', () => {
  const d = new Driver().keys('4');
  assert.match(d.text(), /1 X report/);
  d.keys('1');
  assert.equal(d.take('settle'), [{ type: 'settle', kind: 'X' }]);
  d.send({ type: 'report', report: report('X') });
  assert.match(d.text(), /X REPORT 000003/);
  assert.match(d.text(), /WeChat Pay REFUND ×2 20\.00/);
  assert.not.match(d.text(), /closed/);
  assert.is(d.take('print').length, 1);
});

test('Z report with nothing queued: reconciled, TOTALS AGREED, batch closed', () => {
  const d = new Driver().keys('4 2');
  assert.equal(d.take('settle'), [{ type: 'settle', kind: 'Z' }]);
  d.send({ type: 'report', report: report('Z', { status: 'agreed' }) });
  assert.match(d.text(), /TOTALS AGREED/);
  assert.match(d.text(), /Batch 000003 closed/);
  const [print] = d.take('print');
  assert.ok(print!.doc.lines.some((l) => l.kind === 'text' && l.text === 'TOTALS AGREED'));
});

test('Z report while refunds are queued: warned, offered to submit them first', () => {
  const d = new Driver(testCtx({ queued: 2 })).keys('4 2');
  assert.is(d.screen, 'settle.queued');
  assert.match(d.text(), /2 transaction\(s\) still queued/);
  d.keys('1');
  assert.equal(d.take('sync'), [{ type: 'sync' }]);
  d.send({ type: 'synced', queued: 0 });
  assert.equal(d.take('settle'), [{ type: 'settle', kind: 'Z' }], 'queue empty: the Z report goes on');
  const stuck = new Driver(testCtx({ queued: 2 })).keys('4 2 1').send({ type: 'synced', queued: 1 });
  assert.is(stuck.screen, 'settle.queued');
  stuck.keys('2');
  assert.equal(stuck.take('settle'), [{ type: 'settle', kind: 'Z' }], 'closing anyway is the merchant’s choice');
});

test('Z report offline or not reconcilable: refused, nothing closed', () => {
  const d = new Driver(testCtx({ online: false })).keys('4 2');
  assert.match(d.text(), /needs the network/);
  assert.is(d.take('settle').length, 0);
  const f = new Driver().keys('4 2').send({ type: 'report_failed', reason: 'needs_network' });
  assert.match(f.text(), /needs the network/);
});

test('TOTALS NOT AGREED shows the lines that differ', () => {
  const d = new Driver().keys('4 2');
  d.send({
    type: 'report',
    report: report('Z', { status: 'not_agreed', differences: [{ channel: 'wechat', type: 'refund', terminal: { count: 2, amountCents: 2000 }, host: { count: 3, amountCents: 2500 } }] }),
  });
  assert.match(d.text(), /TOTALS NOT AGREED/);
  assert.match(d.text(), /WeChat Pay REFUND: here 2\/20\.00 host 3\/25\.00/);
});

test.run();
