import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEMO, code, errorOf, getOrder, makeHost, manualClock, refund, submit } from './fixtures.ts';

const test = suite('host/refunds');

test('a refund of a paid order is approved with a hostRef and the updated order', async () => {
  const host = await makeHost();
  const result = await submit(host, refund({ orderId: DEMO.wechat, amountCents: 1200 }));
  assert.is(result.status, 'approved');
  assert.is(result.code, 'OK');
  assert.match(result.hostRef ?? '', /^H\d{6}$/);
  assert.is(result.order?.status, 'partially_refunded');
  assert.is(result.order?.refundedCents, 1200);
  assert.is(result.order?.refundCount, 1);
  assert.equal(await getOrder(host, DEMO.wechat), result.order, 'order.get shows the refund too');
});

test('hostRefs run in sequence across transactions', async () => {
  const host = await makeHost();
  const a = await submit(host, refund({ orderId: DEMO.wechat, amountCents: 100 }));
  const b = await submit(host, refund({ orderId: DEMO.alipay, amountCents: 100, payCode: code('alipay') }));
  assert.is(a.hostRef, 'H000001');
  assert.is(b.hostRef, 'H000002');
});

test('resubmitting an approved refund returns the same result and refunds once', async () => {
  const host = await makeHost();
  const txn = refund({ orderId: DEMO.wechat, amountCents: 1000 });
  const first = await submit(host, txn);
  // A retry after a lost answer: the terminal may now mark it offline, with a later time.
  const again = await submit(host, { ...txn, offline: true, createdAt: '2026-11-27T08:05:00.000Z', operator: 'admin' });
  assert.equal(again, first);
  assert.is((await getOrder(host, DEMO.wechat)).refundedCents, 1000);
});

test('a final decline is returned again unchanged, even once the order could take the refund', async () => {
  const host = await makeHost();
  const txn = refund({ orderId: DEMO.partial, amountCents: 16000 });
  const first = await submit(host, txn);
  assert.is(first.code, 'REFUND_EXCEEDS_ORDER');
  assert.equal(await submit(host, txn), first);
});

test('the same refund number with another amount, order, type, currency or code is DUPLICATE_MISMATCH', async () => {
  const host = await makeHost();
  const txn = refund({ orderId: DEMO.wechat, amountCents: 500 });
  await submit(host, txn);
  for (const change of [
    { amountCents: 600 },
    { orderId: DEMO.partial },
    { type: 'sale' as const },
    { currency: 'USD' },
    { payCode: code('wechat') },
  ]) {
    const answer = await host.service.handle('T1001', 'txn.submit', { txn: { ...txn, ...change } });
    const error = errorOf(answer);
    assert.is(error.code, 'DUPLICATE_MISMATCH', JSON.stringify(change));
    assert.match(error.message, Object.keys(change)[0]!);
  }
  assert.is((await getOrder(host, DEMO.wechat)).refundedCents, 500, 'nothing was refunded by the mismatches');
});

test('partial refunds are approved up to the order amount, then REFUND_EXCEEDS_ORDER', async () => {
  const host = await makeHost();
  // Order 3: 200.00 with 50.00 already refunded.
  const a = await submit(host, refund({ orderId: DEMO.partial, amountCents: 10000 }));
  assert.is(a.status, 'approved');
  const over = await submit(host, refund({ orderId: DEMO.partial, amountCents: 5001 }));
  assert.is(over.status, 'declined');
  assert.is(over.code, 'REFUND_EXCEEDS_ORDER');
  assert.match(over.message, '50.00');
  assert.is(over.order?.refundedCents, 15000, 'a decline carries the order as it stands');
  const rest = await submit(host, refund({ orderId: DEMO.partial, amountCents: 5000 }));
  assert.is(rest.status, 'approved');
  assert.is(rest.order?.status, 'refunded');
  const more = await submit(host, refund({ orderId: DEMO.partial, amountCents: 1 }));
  assert.is(more.code, 'REFUND_EXCEEDS_ORDER');
});

test('the 50th refund is approved, the 51st is REFUND_COUNT_EXCEEDED', async () => {
  const host = await makeHost();
  // Order 11 already has 49 refunds.
  const fiftieth = await submit(host, refund({ orderId: DEMO.fortyNine, amountCents: 100, payCode: code('alipay') }));
  assert.is(fiftieth.status, 'approved');
  assert.is(fiftieth.order?.refundCount, 50);
  const next = await submit(host, refund({ orderId: DEMO.fortyNine, amountCents: 100, payCode: code('alipay') }));
  assert.is(next.code, 'REFUND_COUNT_EXCEEDED');
});

test('cancelled, too old and fully refunded orders are declined with their codes', async () => {
  const host = await makeHost();
  const cases = [
    [DEMO.cancelled, 'wechat', 'ORDER_CANCELLED'],
    [DEMO.old, 'wechat', 'ORDER_TOO_OLD'],
    [DEMO.refunded, 'alipay', 'REFUND_EXCEEDS_ORDER'],
  ] as const;
  for (const [orderId, channel, expected] of cases) {
    const result = await submit(host, refund({ orderId, amountCents: 100, payCode: code(channel) }));
    assert.is(result.status, 'declined', orderId);
    assert.is(result.code, expected, orderId);
    assert.is(result.order?.orderId, orderId, 'the decline carries the order');
  }
});

test('an order is refundable until 365 days after payment, not after', async () => {
  const clock = manualClock();
  const host = await makeHost({ clock });
  // Order 1 was paid 2 hours before the start.
  clock.advance(365 * 86_400_000 - 2 * 3_600_000);
  assert.is((await submit(host, refund({ orderId: DEMO.wechat, amountCents: 100 }))).status, 'approved');
  clock.advance(1000);
  assert.is((await submit(host, refund({ orderId: DEMO.wechat, amountCents: 100 }))).code, 'ORDER_TOO_OLD');
});

test('a refund_pending order can be refunded in full', async () => {
  const host = await makeHost();
  const result = await submit(host, refund({ orderId: DEMO.pending, amountCents: 6600, payCode: code('alipay') }));
  assert.is(result.status, 'approved');
  assert.is(result.order?.status, 'refunded');
});

test('an unknown order is declined ORDER_NOT_FOUND', async () => {
  const host = await makeHost();
  const result = await submit(host, refund({ orderId: '99999999', amountCents: 100 }));
  assert.is(result.status, 'declined');
  assert.is(result.code, 'ORDER_NOT_FOUND');
  assert.is(result.order, undefined);
});

test('a code of no network is AUTH_CODE_INVALID, another network CHANNEL_MISMATCH', async () => {
  const host = await makeHost();
  const invalid = await submit(host, refund({ orderId: DEMO.wechat, amountCents: 100, payCode: '9912345' }));
  assert.is(invalid.code, 'AUTH_CODE_INVALID');
  const alipayOnWechat = await submit(host, refund({ orderId: DEMO.wechat, amountCents: 100, payCode: code('alipay') }));
  assert.is(alipayOnWechat.code, 'CHANNEL_MISMATCH');
  assert.match(alipayOnWechat.message, 'WeChat Pay');
  const wechatOnAlipay = await submit(host, refund({ orderId: DEMO.alipay, amountCents: 100, payCode: code('wechat') }));
  assert.is(wechatOnAlipay.code, 'CHANNEL_MISMATCH');
  assert.is((await getOrder(host, DEMO.wechat)).refundedCents, 0);
});

test('a pay code used by another transaction is AUTH_CODE_USED; a declined try does not use it up', async () => {
  const host = await makeHost();
  const payCode = code('wechat');
  const tooMuch = await submit(host, refund({ orderId: DEMO.wechat, amountCents: 999_999, payCode }));
  assert.is(tooMuch.code, 'REFUND_EXCEEDS_ORDER');
  const first = await submit(host, refund({ orderId: DEMO.wechat, amountCents: 100, payCode }));
  assert.is(first.status, 'approved', 'the merchant corrected the amount and scanned the same code');
  const reused = await submit(host, refund({ orderId: DEMO.partial, amountCents: 100, payCode }));
  assert.is(reused.code, 'AUTH_CODE_USED');
});

test("a code's age is not checked: a refund recorded offline long ago is approved", async () => {
  const host = await makeHost();
  const result = await submit(host, refund({ orderId: DEMO.wechat, amountCents: 100, offline: true, createdAt: '2026-11-20T08:00:00.000Z' }));
  assert.is(result.status, 'approved');
});

test('a refund in another currency than the order is a bad request', async () => {
  const host = await makeHost();
  const error = errorOf(await host.service.handle('T1001', 'txn.submit', { txn: refund({ orderId: DEMO.wechat, amountCents: 100, currency: 'USD' }) }));
  assert.is(error.code, 'BAD_REQUEST');
  assert.match(error.message, 'CNY');
});

test.run();
