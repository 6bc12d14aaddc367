// The refund procedure, step by step, through the pure screen machine.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ALIPAY, Driver, WECHAT, order, testCtx } from '../support/machine.ts';

const test = suite('screens: refund');

test('home shows terminal id, online state, queued refunds and the menu', () => {
  const d = new Driver(testCtx({ queued: 2 }));
  const text = d.text();
  assert.match(text, /T1001/);
  assert.match(text, /ONLINE/);
  assert.match(text, /Queued: 2/);
  for (const item of ['1 Sale', '2 Refund', '3 Transactions', '4 Settlement', '9 Technician']) assert.ok(text.includes(item), item);
  d.send({ type: 'link', online: false });
  assert.match(d.text(), /OFFLINE/);
});

test('the order number is keyed, CLEAR deletes a digit, OK looks it up', () => {
  const d = new Driver().keys('2');
  assert.is(d.screen, 'refund.order');
  d.keys('20261126000000019[CLEAR]');
  assert.match(d.text(), /2026112600000001_/);
  d.keys('[OK]');
  assert.is(d.screen, 'refund.lookup');
  assert.equal(d.take('lookupOrder'), [{ type: 'lookupOrder', orderId: '2026112600000001' }]);
});

test('a too-short order number is refused on the spot', () => {
  const d = new Driver().keys('2 123 [OK]');
  assert.is(d.screen, 'refund.order');
  assert.match(d.text(), /6 to 32 digits/);
  assert.is(d.take('lookupOrder').length, 0);
});

test('scanning the receipt order code looks the order up; a pay code there is refused', () => {
  const d = new Driver().keys('2').scan(WECHAT);
  assert.is(d.screen, 'refund.order');
  assert.match(d.text(), /payment code: scan the order code/);
  d.scan('2026112600000001\r\n'.trim());
  assert.is(d.screen, 'refund.lookup');
  assert.is(d.take('lookupOrder')[0]?.orderId, '2026112600000001');
});

test('order check shows network, status, paid, refunded and what is left', () => {
  const o = order({ status: 'partially_refunded', refundedCents: 1200, refundCount: 1 });
  const d = new Driver().keys('2').keys(o.orderId).keys('[OK]').answerOrder(o);
  assert.is(d.screen, 'refund.check');
  const text = d.text();
  assert.match(text, /WeChat Pay/);
  assert.match(text, /partially refunded/);
  assert.match(text, /Paid: 88\.00/);
  assert.match(text, /Refunded: 12\.00/);
  assert.match(text, /Left: 76\.00/);
});

for (const [name, o, words] of [
  ['cancelled', order({ status: 'cancelled' }), /cancelled order cannot be refunded/],
  ['fully refunded', order({ status: 'refunded', refundedCents: 8800, refundCount: 1 }), /fully refunded/],
  ['older than 365 days', order({ paidAt: '2025-11-01T00:00:00Z' }), /older than 365 days/],
  ['50 refunds', order({ status: 'partially_refunded', refundedCents: 50, refundCount: 50 }), /most refunds allowed/],
] as const) {
  test(`an order ${name} is refused with the reason and OK goes home`, () => {
    const d = new Driver().keys('2').keys(o.orderId).keys('[OK]').answerOrder(o);
    assert.is(d.screen, 'refund.check');
    assert.match(d.text(), /NOT POSSIBLE/, 'nothing was sent: not a host decline');
    assert.match(d.text(), words);
    d.keys('[OK]');
    assert.is(d.screen, 'home');
  });
}

test('queued refunds count against the order: two offline refunds can never exceed it', () => {
  const o = order({ amountCents: 8800 });
  const d = new Driver().toAmount(o, { cents: 8000, count: 1 });
  assert.is(d.screen, 'refund.amount');
  assert.match(d.text(), /Left: 8\.00/);
  d.keys('900 [OK]');
  assert.match(d.text(), /Adjust the amount: at most 8\.00/);
  assert.is(d.screen, 'refund.amount');
  const full = new Driver().keys('2').keys(o.orderId).keys('[OK]').answerOrder(o, { cents: 8800, count: 2 });
  assert.match(full.text(), /fully refunded/);
});

test('an unknown order while offline needs the network; not found says so', () => {
  const d = new Driver().keys('2 2026112600000099 [OK]');
  d.send({ type: 'order', orderId: '2026112600000099', lookup: { ok: false, reason: 'offline_unknown' } });
  assert.is(d.screen, 'refund.order');
  assert.match(d.text(), /Needs the network to look up this order/);
  d.keys('[OK]').send({ type: 'order', orderId: '2026112600000099', lookup: { ok: false, reason: 'not_found' } });
  assert.match(d.text(), /Order not found/);
});

test('supervisor PIN: masked, wrong tries counted, lockout sends home', () => {
  const o = order();
  const d = new Driver().keys('2').keys(o.orderId).keys('[OK]').answerOrder(o).keys('[OK]');
  assert.is(d.screen, 'refund.pin');
  d.keys('1111');
  assert.match(d.text(), /PIN: \*\*\*\*_/);
  assert.not.match(d.text(), /1111/);
  d.keys('[OK]');
  assert.equal(d.take('verifyPin'), [{ type: 'verifyPin', role: 'supervisor', pin: '1111' }]);
  d.send({ type: 'pin', outcome: { result: 'wrong', triesLeft: 2 } });
  assert.match(d.text(), /Wrong PIN: 2 tries left/);
  d.keys('2222 [OK]').send({ type: 'pin', outcome: { result: 'locked', lockedUntil: d.at + 300_000 } });
  assert.is(d.screen, 'message');
  assert.match(d.text(), /locked .* until 16:05/);
  d.keys('[OK]');
  assert.is(d.screen, 'home');
  d.keys('2');
  assert.is(d.screen, 'message', 'refunds stay locked');
  d.keys('[OK]').advance(300_000).keys('2');
  assert.is(d.screen, 'refund.order', 'unlocked after 5 minutes');
});

test('no PIN provisioned: refunds refused with how to provision one', () => {
  const d = new Driver(testCtx({ pins: { supervisor: false, technician: false } })).keys('2');
  assert.is(d.screen, 'message');
  assert.match(d.text().replace(/\n/g, ' '), /hash-pin/);
});

test('amount: proposed = remaining, first digit replaces it, cents entry, CLEAR deletes a digit', () => {
  const d = new Driver().toAmount(order({ amountCents: 8800, refundedCents: 1200, status: 'partially_refunded', refundCount: 1 }));
  assert.match(d.text(), /Refund amount: 76\.00/);
  d.keys('1');
  assert.match(d.text(), /Refund amount: 0\.01/);
  d.keys('2');
  assert.match(d.text(), /Refund amount: 0\.12/);
  d.keys('3');
  assert.match(d.text(), /Refund amount: 1\.23/);
  d.keys('[CLEAR]');
  assert.match(d.text(), /Refund amount: 0\.12/);
  d.keys('[CLEAR][CLEAR][OK]');
  assert.match(d.text(), /above zero/);
  d.keys('99999 [OK]');
  assert.match(d.text(), /Adjust the amount: at most 76\.00/);
  assert.is(d.screen, 'refund.amount');
  d.keys('[CLEAR][CLEAR][CLEAR][CLEAR][CLEAR] 1200 [OK]');
  assert.is(d.screen, 'refund.scan');
  assert.match(d.text(), /WeChat Pay code/);
});

test('scan: unrecognised code asks for a refreshed code; another network names the order’s', () => {
  const d = new Driver().toAmount().keys('[OK]');
  d.scan('999');
  assert.match(d.text(), /ask the customer to refresh the code/);
  d.scan(ALIPAY);
  assert.match(d.text(), /This order was paid with WeChat Pay/);
  assert.is(d.screen, 'refund.scan');
  const ali = new Driver().toAmount(order({ channel: 'alipay' })).keys('[OK]').scan(WECHAT);
  assert.match(ali.text(), /paid with Alipay/);
});

test('scan time-out tells the merchant; CANCEL goes back to the amount', () => {
  const d = new Driver().toAmount().keys('[OK]');
  d.advance(59_000);
  assert.not.match(d.text(), /No code scanned/);
  d.advance(2_000);
  assert.match(d.text(), /No code scanned in time/);
  d.keys('[CANCEL]');
  assert.is(d.screen, 'refund.amount');
});

test('confirm shows order, network, masked code and amount; OK submits', () => {
  const d = new Driver().toAmount().keys('[CLEAR][CLEAR][CLEAR][CLEAR] 1200 [OK]').scan(WECHAT);
  assert.is(d.screen, 'refund.confirm');
  const text = d.text();
  assert.match(text, /2026112600000001/);
  assert.match(text, /WeChat Pay/);
  assert.match(text, /\*\*\*\*6789/);
  assert.not.match(text, new RegExp(WECHAT));
  assert.match(text, /12\.00/);
  d.keys('[OK]');
  assert.is(d.screen, 'refund.processing');
  const [submit] = d.effects.filter((e) => e.type === 'submit');
  assert.equal(submit, {
    type: 'submit',
    draft: { type: 'refund', orderId: '2026112600000001', amountCents: 1200, currency: 'CNY', channel: 'wechat', payCode: WECHAT, operator: 'supervisor' },
  });
});

test('APPROVED: success, receipts for merchant and customer, customer notified', () => {
  const d = new Driver().toAmount().keys('[OK]').scan(WECHAT).keys('[OK]');
  d.answerSubmit('approved', { hostRef: 'H000123' }, '+86*******0000');
  assert.is(d.screen, 'refund.result');
  assert.match(d.text(), /APPROVED/);
  assert.match(d.text(), /Customer notified: \+86\*+0000/);
  const prints = d.take('print');
  assert.is(prints.length, 2);
  assert.ok(prints[0]!.doc.lines.some((l) => l.kind === 'text' && l.text === 'MERCHANT COPY'));
  assert.ok(prints[1]!.doc.lines.some((l) => l.kind === 'text' && l.text === 'CUSTOMER COPY'));
  assert.ok(prints[0]!.doc.lines.some((l) => l.kind === 'text' && l.text === 'APPROVED'));
  d.keys('[OK]');
  assert.is(d.screen, 'home');
});

test('copies follow config: customer copy only', () => {
  const ctx = testCtx();
  const d = new Driver({ ...ctx, receipt: { ...ctx.receipt, merchantCopy: false } }).toAmount().keys('[OK]').scan(WECHAT).keys('[OK]');
  d.answerSubmit('approved');
  assert.is(d.take('print').length, 1);
});

test('QUEUED: kept, will be submitted automatically, a refund-pending receipt', () => {
  const d = new Driver().toAmount().keys('[OK]').scan(WECHAT).keys('[OK]');
  d.answerSubmit('queued');
  assert.match(d.text(), /QUEUED/);
  assert.match(d.text().replace(/\n/g, ' '), /submitted\s+automatically/);
  const prints = d.take('print');
  assert.ok(prints.length >= 1);
  assert.ok(prints[0]!.doc.lines.some((l) => l.kind === 'text' && l.text === 'REFUND PENDING'));
});

test('result to follow when the host says processing', () => {
  const d = new Driver().toAmount().keys('[OK]').scan(WECHAT).keys('[OK]');
  d.answerSubmit('processing', { status: 'processing', code: 'PROCESSING' });
  assert.match(d.text(), /RESULT TO FOLLOW/);
  const prints = d.take('print');
  assert.is(prints.length, 1, 'a slip for the customer');
  assert.ok(prints[0]!.doc.lines.some((l) => l.kind === 'text' && l.text === 'RESULT TO FOLLOW'));
});

test('DECLINED code problem → OK scans again with the same order and amount', () => {
  for (const code of ['AUTH_CODE_USED', 'AUTH_CODE_INVALID', 'CHANNEL_MISMATCH']) {
    const d = new Driver().toAmount().keys('[OK]').scan(WECHAT).keys('[OK]');
    d.answerSubmit('declined', { status: 'declined', code });
    assert.match(d.text(), /DECLINED/);
    assert.match(d.text(), /OK scan again/);
    d.keys('[OK]');
    assert.is(d.screen, 'refund.scan', code);
  }
  const used = new Driver().toAmount().keys('[OK]').scan(WECHAT).keys('[OK]');
  used.answerSubmit('declined', { status: 'declined', code: 'AUTH_CODE_USED' });
  assert.match(used.text(), /refresh the code/);
});

test('DECLINED amount → OK goes to the amount with the host’s remaining proposed', () => {
  const d = new Driver().toAmount().keys('[OK]').scan(WECHAT).keys('[OK]');
  d.answerSubmit('declined', { status: 'declined', code: 'REFUND_EXCEEDS_ORDER', order: order({ refundedCents: 8000, refundCount: 1, status: 'partially_refunded' }) });
  assert.match(d.text(), /adjust the amount/);
  d.keys('[OK]');
  assert.is(d.screen, 'refund.amount');
  assert.match(d.text(), /Refund amount: 8\.00/);
});

test('DECLINED cancelled → OK goes home', () => {
  const d = new Driver().toAmount().keys('[OK]').scan(WECHAT).keys('[OK]');
  d.answerSubmit('declined', { status: 'declined', code: 'ORDER_CANCELLED' });
  assert.match(d.text(), /order is cancelled/);
  d.keys('[OK]');
  assert.is(d.screen, 'home');
});

test('offline limit refusal says why and returns to the amount', () => {
  const d = new Driver().toAmount().keys('[OK]').scan(WECHAT).keys('[OK]');
  d.take('submit');
  d.send({ type: 'refused', refusal: { reason: 'offline_refund_limit', maxCents: 50000 } });
  assert.match(d.text(), /limited to 500\.00/);
  d.keys('[OK]');
  assert.is(d.screen, 'refund.amount');
});

test('idle screens return home after the configured time; waiting screens do not', () => {
  const d = new Driver().keys('2 123');
  d.advance(59_000);
  assert.is(d.screen, 'refund.order');
  d.advance(1_000);
  assert.is(d.screen, 'home');
  const w = new Driver().toAmount().keys('[OK]').scan(WECHAT).keys('[OK]');
  w.advance(120_000);
  assert.is(w.screen, 'refund.processing', 'never leaves a transaction in flight');
});

test('CANCEL walks one screen back at each step', () => {
  const d = new Driver().toAmount().keys('[OK]').scan(WECHAT);
  assert.is(d.screen, 'refund.confirm');
  d.keys('[CANCEL]');
  assert.is(d.screen, 'refund.scan');
  d.keys('[CANCEL]');
  assert.is(d.screen, 'refund.amount');
  d.keys('[CANCEL]');
  assert.is(d.screen, 'refund.check');
  d.keys('[CANCEL]');
  assert.is(d.screen, 'refund.order');
  d.keys('[CANCEL]');
  assert.is(d.screen, 'home');
});

test('zh-CN: Chinese words, amounts with ¥', () => {
  const d = new Driver(testCtx({ locale: 'zh-CN' })).toAmount();
  assert.match(d.text(), /退款金额: ¥88\.00/);
});

test.run();
