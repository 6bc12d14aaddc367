import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatCents, popDigit, pushDigit } from '../../src/domain/money.ts';
import { PaycodeTable } from '../../src/domain/paycode.ts';
import { maskCode, maskEmail, maskPhone } from '../../src/domain/mask.ts';
import { makeOrderNumber } from '../../src/domain/order-number.ts';
import { applyRefund, checkOrderRefundable, checkRefundAmount } from '../../src/domain/refund-rules.ts';
import { hashPin, verifyPin } from '../../src/domain/pin.ts';
import { defaultConfig } from '../../config/load.ts';
import type { PaycodeRule } from '../../src/domain/paycode.ts';
import { order } from '../support/machine.ts';

const test = suite('domain');

test('money is formatted from integer cents per locale', () => {
  assert.is(formatCents(1234), '12.34');
  assert.is(formatCents(5), '0.05');
  assert.is(formatCents(123456789), '1,234,567.89');
  assert.is(formatCents(8800, 'zh-CN'), '¥88.00');
  assert.is(pushDigit(pushDigit(pushDigit(0, '1'), '2'), '3'), 123);
  assert.is(popDigit(123), 12);
  assert.is(pushDigit(9_999_999_999, '9'), 9_999_999_999, 'entry stops at 10 digits');
});

test('pay codes: the network is read from the code with the default table', () => {
  const table = new PaycodeTable(defaultConfig().paycodes as PaycodeRule[]);
  assert.equal(table.recognise('134567890123456789'), { ok: true, channel: 'wechat', confirmed: true });
  assert.equal(table.recognise('101234567890123456'), { ok: true, channel: 'wechat', confirmed: true });
  assert.equal(table.recognise('281234567890123456'), { ok: true, channel: 'alipay', confirmed: true });
  assert.equal(table.recognise('301234567890123456789012'), { ok: true, channel: 'alipay', confirmed: true });
  assert.equal(table.recognise('6212345678901234567'), { ok: true, channel: 'unionpay', confirmed: false });
  for (const bad of ['164567890123456789', '13456789012345678', '241234567890123456', '2812345678901234567890123', 'abc', '']) {
    assert.equal(table.recognise(bad), { ok: false }, bad);
  }
});

test('masking keeps only the last 4', () => {
  assert.is(maskCode('134567890123456789'), '**************6789');
  assert.is(maskPhone('+8613800001234'), '+86*******1234');
  assert.is(maskEmail('li.lei@example.com'), 'l*****@example.com');
});

test('order numbers: 9 + terminal number + local time + sequence, 20 digits', () => {
  const n = makeOrderNumber({ terminalNumber: '1001', at: new Date('2026-11-26T17:30:05Z'), timezone: 'Asia/Shanghai', sequence: 7 });
  assert.is(n, '91001261127013005007');
  assert.is(n.length, 20);
  assert.throws(() => makeOrderNumber({ terminalNumber: '12', at: new Date(), timezone: 'UTC', sequence: 1 }));
});

test('refund rules: status, remaining, age, count, amount', () => {
  const now = new Date('2026-11-27T08:00:00Z');
  assert.equal(checkOrderRefundable(order(), { now }), { ok: true, remainingCents: 8800 });
  assert.equal(checkOrderRefundable(order({ status: 'refund_pending' }), { now }), { ok: true, remainingCents: 8800 });
  assert.equal(checkOrderRefundable(order({ status: 'cancelled' }), { now }), { ok: false, reason: 'ORDER_CANCELLED' });
  assert.equal(checkOrderRefundable(order({ paidAt: '2025-11-26T07:59:00Z' }), { now }), { ok: false, reason: 'ORDER_TOO_OLD' });
  assert.equal(checkOrderRefundable(order({ paidAt: '2025-11-27T09:00:00Z' }), { now }).ok, true, '364 days is fine');
  assert.equal(checkOrderRefundable(order({ refundCount: 50, refundedCents: 100 }), { now }), { ok: false, reason: 'REFUND_COUNT_EXCEEDED' });
  assert.equal(checkOrderRefundable(order(), { now, pending: { cents: 8800, count: 1 } }), { ok: false, reason: 'ORDER_FULLY_REFUNDED' });
  assert.equal(checkRefundAmount(order(), 8801), { ok: false, reason: 'REFUND_EXCEEDS_ORDER', remainingCents: 8800 });
  assert.equal(checkRefundAmount(order(), 0), { ok: false, reason: 'AMOUNT_ZERO', remainingCents: 8800 });
  assert.equal(checkRefundAmount(order(), 800, { cents: 8000, count: 1 }), { ok: true });
  const after = applyRefund(applyRefund(order(), 800), 8000);
  assert.is(after.status, 'refunded');
  assert.is(after.refundCount, 2);
});

test('PIN hashes verify the PIN and nothing else; the PIN is not in the hash', async () => {
  const hash = hashPin('246810');
  assert.not.ok(hash.includes('246810'));
  assert.ok(await verifyPin('246810', hash));
  assert.not.ok(await verifyPin('246811', hash));
  assert.not.ok(await verifyPin('246810', 'garbage'));
  assert.not.equal(hashPin('246810'), hash, 'salted');
});

test.run();
