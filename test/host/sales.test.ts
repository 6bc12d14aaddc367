import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEMO, START, code, getOrder, makeHost, refund, sale, submit } from './fixtures.ts';

const test = suite('host/sales');

const NEW_ORDER = '91001261127160000001';

test('an approved sale creates the order on the network of the code, paid now', async () => {
  const host = await makeHost();
  host.clock.advance(1500);
  const result = await submit(host, sale({ orderId: NEW_ORDER, amountCents: 2500, channel: 'wechat', payCode: code('alipay') }));
  assert.is(result.status, 'approved');
  assert.match(result.hostRef ?? '', /^H\d{6}$/);
  const expected = {
    orderId: NEW_ORDER,
    amountCents: 2500,
    currency: 'CNY',
    channel: 'alipay',
    status: 'paid',
    paidAt: new Date(Date.parse(START) + 1500).toISOString(),
    refundedCents: 0,
    refundCount: 0,
  };
  assert.equal(result.order, expected);
  assert.equal(await getOrder(host, NEW_ORDER), expected);
});

test('the order of a sale can then be refunded with a code of its network only', async () => {
  const host = await makeHost();
  await submit(host, sale({ orderId: NEW_ORDER, amountCents: 2500, payCode: code('unionpay') }));
  const wrong = await submit(host, refund({ orderId: NEW_ORDER, amountCents: 500, payCode: code('wechat') }));
  assert.is(wrong.code, 'CHANNEL_MISMATCH');
  const right = await submit(host, refund({ orderId: NEW_ORDER, amountCents: 500, payCode: code('unionpay') }));
  assert.is(right.status, 'approved');
  assert.is(right.order?.refundedCents, 500);
});

test('a sale under an order number that exists is declined ORDER_EXISTS and changes nothing', async () => {
  const host = await makeHost();
  const before = await getOrder(host, DEMO.wechat);
  const result = await submit(host, sale({ orderId: DEMO.wechat, amountCents: 100 }));
  assert.is(result.status, 'declined');
  assert.is(result.code, 'ORDER_EXISTS');
  assert.is(result.order, undefined, "another sale's order is not handed out as this one's");
  assert.equal(await getOrder(host, DEMO.wechat), before);
});

test('a resubmitted sale returns its approval, not ORDER_EXISTS', async () => {
  const host = await makeHost();
  const txn = sale({ orderId: NEW_ORDER, amountCents: 2500 });
  const first = await submit(host, txn);
  assert.equal(await submit(host, txn), first);
});

test('a sale with a code of no network, or a used one, is declined', async () => {
  const host = await makeHost();
  const invalid = await submit(host, sale({ orderId: NEW_ORDER, amountCents: 100, payCode: '12345' }));
  assert.is(invalid.code, 'AUTH_CODE_INVALID');
  const payCode = code('wechat');
  assert.is((await submit(host, sale({ orderId: '91001261127160000002', amountCents: 100, payCode }))).status, 'approved');
  const reused = await submit(host, sale({ orderId: '91001261127160000003', amountCents: 100, payCode }));
  assert.is(reused.code, 'AUTH_CODE_USED');
  assert.equal(
    (await host.service.handle('T1001', 'order.get', { orderId: '91001261127160000003' })).ok,
    false,
    'no order was created by the declined sale',
  );
});

test.run();
