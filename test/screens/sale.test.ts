// Taking a payment, through the pure screen machine.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ALIPAY, Driver, WECHAT, testCtx } from '../support/machine.ts';

const test = suite('screens: sale');

test('offline: a payment needs the network', () => {
  const d = new Driver(testCtx({ online: false })).keys('1');
  assert.is(d.screen, 'message');
  assert.match(d.text(), /A payment needs the network/);
});

test('amount → scan → confirm → submit, network read from the code', () => {
  const d = new Driver().keys('1 2500');
  assert.match(d.text(), /Amount: 25\.00/);
  d.keys('[OK]').scan(ALIPAY);
  assert.is(d.screen, 'sale.confirm');
  assert.match(d.text(), /Alipay/);
  assert.match(d.text(), /\*\*\*\*3456/);
  d.keys('[OK]');
  assert.is(d.screen, 'sale.processing');
  const [submit] = d.take('submit');
  assert.equal(submit?.draft, { type: 'sale', amountCents: 2500, channel: 'alipay', payCode: ALIPAY, operator: 'cashier' });
});

test('a zero amount is not taken; an unrecognised code asks for a refresh', () => {
  const d = new Driver().keys('1 [OK]');
  assert.match(d.text(), /above zero/);
  d.keys('100 [OK]').scan('12345');
  assert.is(d.screen, 'sale.scan');
  assert.match(d.text(), /refresh the code/);
  d.scan('90001261127080000001');
  assert.match(d.text(), /That is an order number/);
});

test('approved: result, receipts with the order number as a code', () => {
  const d = new Driver().keys('1 2500 [OK]').scan(WECHAT).keys('[OK]');
  d.answerSubmit('approved', { hostRef: 'H000009' });
  assert.match(d.text(), /Sale: APPROVED/);
  assert.match(d.text(), /90001261127080000001/);
  const prints = d.take('print');
  assert.is(prints.length, 2);
  assert.ok(prints[0]!.doc.lines.some((l) => l.kind === 'qr' && l.data === '90001261127080000001'));
});

test('declined code → scan again with the amount kept; no answer → result to follow', () => {
  const d = new Driver().keys('1 2500 [OK]').scan(WECHAT).keys('[OK]');
  d.answerSubmit('declined', { status: 'declined', code: 'AUTH_CODE_USED' });
  assert.match(d.text(), /DECLINED/);
  d.keys('[OK]');
  assert.is(d.screen, 'sale.scan');
  assert.match(d.text(), /25\.00/);
  const q = new Driver().keys('1 2500 [OK]').scan(WECHAT).keys('[OK]');
  q.answerSubmit('queued');
  assert.match(q.text(), /do not hand over the goods/);
  assert.is(q.take('print').length, 0);
});

test('refused while processing (network lost) → back to the amount', () => {
  const d = new Driver().keys('1 2500 [OK]').scan(WECHAT).keys('[OK]');
  d.send({ type: 'refused', refusal: { reason: 'needs_network' } });
  assert.match(d.text(), /needs the network/);
  d.keys('[OK]');
  assert.is(d.screen, 'sale.amount');
});

test.run();
