import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEMO_PAY_CODES, demoOrders, freshPayCode } from '../../scripts/host/demo-orders.ts';
import { PaycodeTable } from '../../src/domain/paycode.ts';
import { checkOrderRefundable } from '../../src/domain/refund-rules.ts';
import { CHANNELS } from '../../src/domain/types.ts';
import { orderSchema } from '../../src/domain/wire.ts';
import { defaultPaycodes } from '../../scripts/host/service.ts';
import { DEMO, START, code, errorOf, getOrder, makeHost, query, refund, submit } from './fixtures.ts';

const test = suite('host/demo-behaviours');

test('insufficient_balance: refunds are declined INSUFFICIENT_BALANCE, again and again', async () => {
  const host = await makeHost();
  const txn = refund({ orderId: DEMO.insufficient, amountCents: 100 });
  const result = await submit(host, txn);
  assert.is(result.status, 'declined');
  assert.is(result.code, 'INSUFFICIENT_BALANCE');
  assert.equal(await submit(host, txn), result, 'a final decline');
  assert.is((await getOrder(host, DEMO.insufficient)).refundedCents, 0);
});

test('system_error_once: SYSTEM_ERROR first, approved when retried with the same number', async () => {
  const host = await makeHost();
  const txn = refund({ orderId: DEMO.systemErrorOnce, amountCents: 1000, payCode: code('alipay') });
  const first = await submit(host, txn);
  assert.is(first.status, 'declined');
  assert.is(first.code, 'SYSTEM_ERROR');
  assert.is(first.hostRef, undefined);
  assert.is((await query(host, txn.id)).code, 'SYSTEM_ERROR', 'txn.query tells the same');
  assert.is((await getOrder(host, DEMO.systemErrorOnce)).refundedCents, 0, 'nothing refunded yet');
  const retry = await submit(host, { ...txn, offline: true });
  assert.is(retry.status, 'approved');
  assert.is(retry.order?.refundedCents, 1000);
  assert.equal(await submit(host, txn), retry, 'then it is final');
  // Each new refund number meets the error once more.
  const other = refund({ orderId: DEMO.systemErrorOnce, amountCents: 500, payCode: code('alipay') });
  assert.is((await submit(host, other)).code, 'SYSTEM_ERROR');
  assert.is((await submit(host, other)).status, 'approved');
  assert.is((await getOrder(host, DEMO.systemErrorOnce)).refundedCents, 1500);
});

test('system_error_once: a retry with another amount is still DUPLICATE_MISMATCH', async () => {
  const host = await makeHost();
  const txn = refund({ orderId: DEMO.systemErrorOnce, amountCents: 1000, payCode: code('alipay') });
  await submit(host, txn);
  const error = errorOf(await host.service.handle('T1001', 'txn.submit', { txn: { ...txn, amountCents: 999 } }));
  assert.is(error.code, 'DUPLICATE_MISMATCH');
});

test('processing: processing until the delay has passed on the host clock, then approved once', async () => {
  const host = await makeHost({ processingDelayMs: 5000 });
  const txn = refund({ orderId: DEMO.processing, amountCents: 2000 });
  const first = await submit(host, txn);
  assert.is(first.status, 'processing');
  assert.is(first.hostRef, undefined);
  host.clock.advance(4999);
  assert.is((await query(host, txn.id)).status, 'processing');
  assert.is((await submit(host, txn)).status, 'processing');
  assert.is((await getOrder(host, DEMO.processing)).refundedCents, 0, 'not refunded while processing');
  host.clock.advance(1);
  const settled = await query(host, txn.id);
  assert.is(settled.status, 'approved');
  assert.match(settled.hostRef ?? '', /^H\d{6}$/);
  assert.is(settled.order?.refundedCents, 2000);
  assert.equal(await submit(host, txn), settled, 'a resubmission gets the same approval');
  assert.equal(await query(host, txn.id), settled);
  assert.is((await getOrder(host, DEMO.processing)).refundedCents, 2000, 'refunded once');
});

test('processing: the delay defaults to 5 s and a resubmission can settle it too', async () => {
  const host = await makeHost();
  const txn = refund({ orderId: DEMO.processing, amountCents: 2000 });
  assert.is((await submit(host, txn)).status, 'processing');
  host.clock.advance(4000);
  assert.is((await submit(host, txn)).status, 'processing', 'the delay runs from the first submission');
  host.clock.advance(1000);
  assert.is((await submit(host, txn)).status, 'approved');
});

test('processing: the code is held by the processing refund', async () => {
  const host = await makeHost();
  const payCode = code('wechat');
  await submit(host, refund({ orderId: DEMO.processing, amountCents: 100, payCode }));
  assert.is((await submit(host, refund({ orderId: DEMO.wechat, amountCents: 100, payCode }))).code, 'AUTH_CODE_USED');
});

test('processing: settled on the order as it is then, so it never refunds more than the order', async () => {
  const host = await makeHost();
  // Order 10 is 150.00; two refunds of 100.00 are both taken into processing.
  const a = refund({ orderId: DEMO.processing, amountCents: 10000 });
  const b = refund({ orderId: DEMO.processing, amountCents: 10000 });
  assert.is((await submit(host, a)).status, 'processing');
  assert.is((await submit(host, b)).status, 'processing');
  host.clock.advance(5000);
  assert.is((await query(host, a.id)).status, 'approved');
  const late = await query(host, b.id);
  assert.is(late.code, 'REFUND_EXCEEDS_ORDER');
  assert.is((await getOrder(host, DEMO.processing)).refundedCents, 10000);
});

test('demo orders: memorable numbers, valid on the wire, each refundable or not as described', () => {
  const now = new Date(START);
  const orders = demoOrders({ now });
  assert.equal(
    orders.map((o) => o.order.orderId),
    Array.from({ length: orders.length }, (_, i) => `2026${String(i + 1).padStart(12, '0')}`),
  );
  for (const { order, description } of orders) {
    assert.ok(orderSchema.safeParse(order).success, order.orderId);
    assert.ok(description.length > 10 && !description.includes('\n'), 'one line for the banner');
  }
  const refundable = orders.filter((o) => checkOrderRefundable(o.order, { now }).ok).map((o) => o.order.orderId);
  assert.equal(refundable.sort(), [DEMO.wechat, DEMO.alipay, DEMO.partial, DEMO.pending, DEMO.insufficient, DEMO.systemErrorOnce, DEMO.processing, DEMO.fortyNine]);
  // Relative to now: a year later the recent orders are still refundable.
  const later = demoOrders({ now: new Date('2028-01-01T00:00:00Z') });
  assert.ok(checkOrderRefundable(later[0]!.order, { now: new Date('2028-01-01T00:00:00Z') }).ok);
  assert.equal(orders[0]!.order.contact, { phone: '+8613800000001' });
  assert.equal(orders[1]!.order.contact, { email: 'li.lei@example.com' });
});

test('demo and fresh pay codes are codes of their network, fresh ones all different', () => {
  const table = new PaycodeTable(defaultPaycodes());
  const seen = new Set<string>();
  for (const channel of CHANNELS) {
    for (const payCode of DEMO_PAY_CODES[channel]) assert.equal(table.recognise(payCode), { ok: true, channel, confirmed: channel !== 'unionpay' });
    for (let i = 0; i < 200; i++) {
      const payCode = freshPayCode({ channel });
      const seenChannel = table.recognise(payCode);
      assert.ok(seenChannel.ok && seenChannel.channel === channel, `${payCode} is not ${channel}`);
      seen.add(payCode);
    }
  }
  assert.is(seen.size, 600);
  // The digits come from the injected source only.
  const lowest = freshPayCode({ channel: 'wechat', randomDigit: () => 0 });
  assert.is(lowest, '100000000000000000');
});

test.run();
