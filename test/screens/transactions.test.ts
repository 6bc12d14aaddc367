// The transaction list: status, reprint marked REPRINT, refund from the list.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Driver, testCtx } from '../support/machine.ts';
import type { TxnRecord } from '../../src/domain/types.ts';

const test = suite('screens: transactions');

const rec = (n: number, state: TxnRecord['state'], type: 'sale' | 'refund' = 'refund'): TxnRecord => ({
  txn: {
    id: `0193e0c2-0000-7000-8000-00000000000${n}`,
    type,
    orderId: `202611260000000${n}`,
    amountCents: 1000 * n,
    currency: 'CNY',
    channel: 'wechat',
    payCode: '**************6789',
    createdAt: `2026-11-27T0${n}:00:00Z`,
    offline: state === 'queued',
    terminalId: 'T1001',
    operator: 'supervisor',
  },
  state,
  attempts: 1,
  updatedAt: `2026-11-27T0${n}:00:00Z`,
});

test('lists recent transactions with their status, F3/F4 move the selection', () => {
  const d = new Driver().keys('3');
  assert.equal(d.take('loadTxns'), [{ type: 'loadTxns', limit: 50 }]);
  d.send({ type: 'txns', records: [rec(3, 'queued'), rec(2, 'approved', 'sale'), rec(1, 'declined')] });
  const text = d.text();
  assert.match(text, /11:00 REFUND 30\.00 QUEUED/);
  assert.match(text, /10:00 SALE 20\.00 APPROVED/);
  assert.match(text, /09:00 REFUND 10\.00 DECLINED/);
  assert.equal(d.machine.screen.id === 'txns.list' && d.machine.screen.index, 0);
  d.keys('[F4][F4][F4]');
  assert.match(d.text(), /3\/3/);
  d.keys('[F3]');
  assert.match(d.text(), /2\/3/);
});

test('reprint is marked REPRINT; refund from the list looks the order up', () => {
  const d = new Driver().keys('3').send({ type: 'txns', records: [rec(2, 'approved', 'sale')] }).keys('[OK]');
  assert.is(d.screen, 'txns.detail');
  assert.match(d.text(), /2026112600000002/);
  d.keys('1');
  const [print] = d.take('print');
  assert.ok(print!.doc.lines.some((l) => l.kind === 'text' && l.text.includes('REPRINT')));
  assert.match(d.text(), /Reprint sent/);
  d.keys('2');
  assert.is(d.screen, 'refund.lookup');
  assert.equal(d.take('lookupOrder'), [{ type: 'lookupOrder', orderId: '2026112600000002' }]);
});

test('empty list says so; CANCEL goes home', () => {
  const d = new Driver().keys('3').send({ type: 'txns', records: [] });
  assert.match(d.text(), /No transactions yet/);
  d.keys('[OK]');
  assert.is(d.screen, 'txns.list');
  d.keys('[CANCEL]');
  assert.is(d.screen, 'home');
});

test('refund from the list is refused without a PIN provisioned', () => {
  const d = new Driver(testCtx({ pins: { supervisor: false, technician: false } }))
    .keys('3')
    .send({ type: 'txns', records: [rec(2, 'approved', 'sale')] })
    .keys('[OK] 2');
  assert.is(d.screen, 'message');
});

test.run();
