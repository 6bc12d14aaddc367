import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  describeZodError,
  orderSchema,
  paramsSchemas,
  resultSchemas,
  rpcRequestSchema,
  rpcResponseSchema,
  txnResultSchema,
  txnSchema,
} from '../../src/domain/wire.ts';

const test = suite('domain/wire');

// The examples of PROTOCOL.md, as a host or terminal written by someone else sends them.
const ORDER = {
  orderId: '2026112600000001',
  amountCents: 8800,
  currency: 'CNY',
  channel: 'wechat',
  status: 'paid',
  paidAt: '2026-11-26T09:30:00Z',
  refundedCents: 0,
  refundCount: 0,
  contact: { phone: '+8613800000000' },
};
const TXN = {
  id: '0193e0c2-7f1a-7b4e-9a51-3c2d9b1e0a11',
  type: 'refund',
  orderId: '2026112600000001',
  amountCents: 1200,
  currency: 'CNY',
  channel: 'wechat',
  payCode: '134567890123456789',
  createdAt: '2026-11-27T08:00:00Z',
  offline: false,
  terminalId: 'T1001',
  operator: 'supervisor',
};

const problem = (schema: { safeParse: (v: unknown) => { success: boolean; error?: unknown } }, value: unknown): string => {
  const out = schema.safeParse(value);
  assert.not.ok(out.success, `accepted ${JSON.stringify(value)}`);
  return describeZodError(out.error as Parameters<typeof describeZodError>[0]);
};

test('the protocol examples parse', () => {
  assert.equal(orderSchema.parse(ORDER), ORDER);
  assert.equal(txnSchema.parse(TXN), TXN);
  const order = { ...ORDER, status: 'partially_refunded', refundedCents: 1200, refundCount: 1 };
  const result = { id: TXN.id, status: 'approved', code: 'OK', message: 'refund accepted', hostRef: 'H000123', order };
  assert.equal(txnResultSchema.parse(result), result);
});

test('unknown fields are ignored, not errors', () => {
  const parsed = orderSchema.parse({ ...ORDER, loyaltyPoints: 12 });
  assert.not.ok('loyaltyPoints' in parsed);
  assert.ok(txnSchema.safeParse({ ...TXN, tip: 0 }).success);
  assert.ok(rpcRequestSchema.safeParse({ v: 1, id: 'a', method: 'time.get', params: {}, trace: 'x' }).success);
});

test('money is whole, non-negative, safe cents', () => {
  assert.match(problem(orderSchema, { ...ORDER, amountCents: 88.5 }), /^amountCents: must be a whole number of cents/);
  assert.match(problem(orderSchema, { ...ORDER, amountCents: -1 }), /^amountCents: must not be negative/);
  assert.match(problem(orderSchema, { ...ORDER, amountCents: 2 ** 53 }), /^amountCents:/);
  assert.match(problem(orderSchema, { ...ORDER, amountCents: '88.00' }), /^amountCents:/);
  assert.match(problem(txnSchema, { ...TXN, amountCents: 0 }), /^amountCents: must be more than 0/);
  assert.match(problem(orderSchema, { ...ORDER, refundedCents: 9000 }), /refundedCents is more than amountCents/);
});

test('order numbers are 6–32 digits; terminal ids, currencies, times and enums are checked', () => {
  assert.match(problem(orderSchema, { ...ORDER, orderId: '12345' }), /orderId: must be 6–32 digits/);
  assert.match(problem(orderSchema, { ...ORDER, orderId: '1'.repeat(33) }), /orderId/);
  assert.ok(orderSchema.safeParse({ ...ORDER, orderId: '123456' }).success);
  assert.match(problem(txnSchema, { ...TXN, terminalId: 'T 1001' }), /terminalId: must be 1–32 letters/);
  assert.match(problem(txnSchema, { ...TXN, terminalId: 'T'.repeat(33) }), /terminalId/);
  assert.match(problem(txnSchema, { ...TXN, currency: 'cny' }), /currency: must be an ISO 4217 code/);
  assert.match(problem(txnSchema, { ...TXN, createdAt: '27/11/2026' }), /createdAt: must be an ISO 8601/);
  assert.ok(txnSchema.safeParse({ ...TXN, createdAt: '2026-11-27T16:00:00.123+08:00' }).success);
  assert.match(problem(txnSchema, { ...TXN, channel: 'paypal' }), /^channel:/);
  assert.match(problem(orderSchema, { ...ORDER, status: 'void' }), /^status:/);
  assert.match(problem(txnResultSchema, { id: 'x', status: 'pending', code: 'OK', message: '' }), /^status:/);
});

test('a pay code that is no network\'s still parses: that is the host\'s answer to give', () => {
  assert.ok(txnSchema.safeParse({ ...TXN, payCode: 'hello' }).success);
  assert.match(problem(txnSchema, { ...TXN, payCode: '' }), /payCode/);
});

test('response envelopes: ok with a result, or not ok with an error', () => {
  assert.ok(rpcResponseSchema.safeParse({ v: 1, id: 'a', ok: true, result: { now: '2026-11-27T08:00:00Z' } }).success);
  assert.ok(rpcResponseSchema.safeParse({ v: 1, id: 'a', ok: false, error: { code: 'ORDER_NOT_FOUND', message: 'no such order' } }).success);
  assert.not.ok(rpcResponseSchema.safeParse({ v: 1, id: 'a', ok: false, result: {} }).success);
  assert.not.ok(rpcResponseSchema.safeParse({ v: 2, id: 'a', ok: true, result: {} }).success);
  assert.match(problem(rpcRequestSchema, { v: 1, id: 'a', method: 'time.get' }), /^params:/);
});

test('params of each method', () => {
  assert.ok(paramsSchemas['order.get'].safeParse({ orderId: '2026112600000001' }).success);
  assert.ok(paramsSchemas['txn.submit'].safeParse({ txn: TXN }).success);
  assert.match(problem(paramsSchemas['txn.submit'], { txn: { ...TXN, offline: 'no' } }), /^txn\.offline:/);
  assert.ok(paramsSchemas['txn.query'].safeParse({ id: TXN.id }).success);
  assert.ok(paramsSchemas['settlement.totals'].safeParse({ from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z' }).success);
  assert.match(problem(paramsSchemas['settlement.totals'], { from: '2026-11-28T00:00:00Z', to: '2026-11-27T00:00:00Z' }), /from` is after `to/);
  const notify = { txnId: TXN.id, orderId: ORDER.orderId, contact: { email: 'li.lei@example.com' }, text: 'refunded' };
  assert.ok(paramsSchemas['notify.send'].safeParse(notify).success);
  assert.match(problem(paramsSchemas['notify.send'], { ...notify, contact: { email: 'not-mail' } }), /^contact\.email: must be an e-mail address/);
  assert.ok(paramsSchemas['time.get'].safeParse({}).success);
  assert.ok(resultSchemas['settlement.totals'].safeParse({ totals: [{ channel: 'alipay', type: 'refund', count: 2, amountCents: 300 }] }).success);
  assert.not.ok(resultSchemas['notify.send'].safeParse({ queued: false }).success);
});

test('describeZodError puts every problem on one line, array indexes in brackets', () => {
  const out = rpcRequestSchema.safeParse({ v: 1, id: '', method: 'time.get', params: [] });
  assert.not.ok(out.success);
  const text = describeZodError(out.error!);
  assert.match(text, /^id: .*; params: /);
  assert.not.match(text, '\n');
  const line = { channel: 'alipay', type: 'refund', count: 1, amountCents: 1 };
  const list = resultSchemas['settlement.totals'].safeParse({ totals: [line, { ...line, channel: 'x' }] });
  assert.match(describeZodError(list.error!), /^totals\[1\]\.channel: /);
  const top = orderSchema.safeParse('order');
  assert.match(describeZodError(top.error!), /^Invalid input: expected object/);
});

test.run();
