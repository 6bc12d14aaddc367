// Demo data of the reference host: one order for every outcome a merchant
// can meet, and pay codes of each network. Times are relative to `now` so
// that the orders never age past the 365-day limit (except the one that must).
import { randomInt } from 'node:crypto';
import type { Channel, Order } from '../../src/domain/types.ts';
import type { HostOrder } from './store.ts';

export interface DemoOrder extends HostOrder {
  /** One line for the start-up banner. */
  description: string;
  /** A few words for the simulator's side panel. */
  label: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function demoOrders(options: { now: Date; currency?: string }): DemoOrder[] {
  const currency = options.currency ?? 'CNY';
  const ago = (ms: number) => new Date(options.now.getTime() - ms).toISOString();
  const order = (n: number, fields: Partial<Order> & Pick<Order, 'amountCents' | 'channel'>): Order => ({
    orderId: `2026${String(n).padStart(12, '0')}`,
    currency,
    status: 'paid',
    paidAt: ago(2 * HOUR_MS),
    refundedCents: 0,
    refundCount: 0,
    ...fields,
  });
  return [
    {
      order: order(1, { amountCents: 8800, channel: 'wechat', contact: { phone: '+8613800000001' } }),
      label: 'WeChat 88.00, SMS',
      description: 'paid by WeChat Pay, 88.00; the customer is notified by SMS',
    },
    {
      order: order(2, { amountCents: 12800, channel: 'alipay', paidAt: ago(DAY_MS), contact: { email: 'li.lei@example.com' } }),
      label: 'Alipay 128.00, e-mail',
      description: 'paid by Alipay, 128.00; the customer is notified by e-mail',
    },
    {
      order: order(3, {
        amountCents: 20000,
        channel: 'wechat',
        paidAt: ago(3 * DAY_MS),
        status: 'partially_refunded',
        refundedCents: 5000,
        refundCount: 1,
      }),
      label: 'WeChat, 150.00 left',
      description: 'WeChat Pay, 200.00 of which 50.00 already refunded: 150.00 left',
    },
    {
      order: order(4, { amountCents: 6600, channel: 'alipay', paidAt: ago(DAY_MS), status: 'refund_pending' }),
      label: 'Alipay, refund pending',
      description: 'Alipay, 66.00, refund pending: still refundable in full',
    },
    {
      order: order(5, { amountCents: 3000, channel: 'wechat', status: 'cancelled' }),
      label: 'cancelled',
      description: 'WeChat Pay, cancelled: refunds declined ORDER_CANCELLED',
    },
    {
      order: order(6, { amountCents: 4500, channel: 'wechat', paidAt: ago(400 * DAY_MS) }),
      label: '400 days old',
      description: 'WeChat Pay, paid 400 days ago: refunds declined ORDER_TOO_OLD',
    },
    {
      order: order(7, {
        amountCents: 2000,
        channel: 'alipay',
        paidAt: ago(2 * DAY_MS),
        status: 'refunded',
        refundedCents: 2000,
        refundCount: 1,
      }),
      label: 'fully refunded',
      description: 'Alipay, fully refunded: refunds declined REFUND_EXCEEDS_ORDER',
    },
    {
      order: order(8, { amountCents: 9900, channel: 'wechat' }),
      behaviour: 'insufficient_balance',
      label: 'balance too low',
      description: 'WeChat Pay, 99.00: refunds declined INSUFFICIENT_BALANCE (merchant account empty)',
    },
    {
      order: order(9, { amountCents: 5200, channel: 'alipay' }),
      behaviour: 'system_error_once',
      label: 'SYSTEM_ERROR, then OK',
      description: 'Alipay, 52.00: each refund first gets SYSTEM_ERROR, then is approved when retried with the same number',
    },
    {
      order: order(10, { amountCents: 15000, channel: 'wechat' }),
      behaviour: 'processing',
      label: 'processing, then OK',
      description: 'WeChat Pay, 150.00: refunds answer "processing", approved a few seconds later',
    },
    {
      order: order(11, {
        amountCents: 10000,
        channel: 'alipay',
        paidAt: ago(10 * DAY_MS),
        status: 'partially_refunded',
        refundedCents: 4900,
        refundCount: 49,
      }),
      label: '49 refunds: 1 more',
      description: 'Alipay, 49 refunds already: one more allowed, then REFUND_COUNT_EXCEEDED',
    },
  ];
}

/**
 * Well-formed codes of each network (default pay-code table: WeChat 18 digits
 * 10–15, Alipay 16–24 digits 25–30, UnionPay 62 + 17 digits). Codes are
 * single-use: each one is accepted once per host state; use freshPayCode()
 * for more.
 */
export const DEMO_PAY_CODES: Readonly<Record<Channel, readonly string[]>> = {
  wechat: ['134567890123456789', '130000000000000001', '130000000000000002'],
  alipay: ['286543210987654321', '280000000000000001', '280000000000000002'],
  unionpay: ['6212345678901234567', '6200000000000000001', '6200000000000000002'],
};

const PREFIXES: Readonly<Record<Channel, { prefixes: readonly string[]; length: number }>> = {
  wechat: { prefixes: ['10', '11', '12', '13', '14', '15'], length: 18 },
  alipay: { prefixes: ['25', '26', '27', '28', '29', '30'], length: 18 },
  unionpay: { prefixes: ['62'], length: 19 },
};

/**
 * A new well-formed code of `channel`. Random digits: 16 of them make a
 * repeat within one demo practically impossible. `randomDigit` is for tests.
 */
export function freshPayCode(options: { channel: Channel; randomDigit?: (max: number) => number }): string {
  const pick = options.randomDigit ?? ((max: number) => randomInt(max));
  const { prefixes, length } = PREFIXES[options.channel];
  let code = prefixes[pick(prefixes.length)] ?? prefixes[0]!;
  while (code.length < length) code += String(pick(10));
  return code;
}
