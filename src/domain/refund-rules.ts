// The payment networks' refund rules, written once: the terminal checks them
// before taking a refund (and offline, where nobody else can), the reference
// host enforces them when it answers. See PROTOCOL.md "Rules".
import type { Channel, Order } from './types.ts';

export interface RefundLimits {
  /** WeChat refuses orders older than 365 days. */
  maxAgeDays: number;
  /** …and more than 50 partial refunds per order. */
  maxRefundsPerOrder: number;
}

export const NETWORK_LIMITS: RefundLimits = { maxAgeDays: 365, maxRefundsPerOrder: 50 };

/** Why an order cannot be refunded. `ORDER_FULLY_REFUNDED` is reported to hosts as `REFUND_EXCEEDS_ORDER`. */
export type OrderRefusal = 'ORDER_CANCELLED' | 'ORDER_FULLY_REFUNDED' | 'ORDER_TOO_OLD' | 'REFUND_COUNT_EXCEEDED';

/** Refunds not yet known to the host (queued on this terminal) still count against the order. */
export interface Pending {
  cents: number;
  count: number;
}

const NONE: Pending = { cents: 0, count: 0 };
const DAY_MS = 86_400_000;

export function remainingCents(order: Order, pending: Pending = NONE): number {
  return Math.max(0, order.amountCents - order.refundedCents - pending.cents);
}

export type Refundability = { ok: true; remainingCents: number } | { ok: false; reason: OrderRefusal };

/** Can this order take another refund at all? Statuses paid, partially_refunded and refund_pending can. */
export function checkOrderRefundable(
  order: Order,
  options: { now: Date; limits?: RefundLimits; pending?: Pending },
): Refundability {
  const limits = options.limits ?? NETWORK_LIMITS;
  const pending = options.pending ?? NONE;
  if (order.status === 'cancelled') return { ok: false, reason: 'ORDER_CANCELLED' };
  const remaining = remainingCents(order, pending);
  if (order.status === 'refunded' || remaining <= 0) return { ok: false, reason: 'ORDER_FULLY_REFUNDED' };
  const paidAt = Date.parse(order.paidAt);
  if (!Number.isNaN(paidAt) && options.now.getTime() - paidAt > limits.maxAgeDays * DAY_MS) {
    return { ok: false, reason: 'ORDER_TOO_OLD' };
  }
  if (order.refundCount + pending.count >= limits.maxRefundsPerOrder) return { ok: false, reason: 'REFUND_COUNT_EXCEEDED' };
  return { ok: true, remainingCents: remaining };
}

export type AmountCheck = { ok: true } | { ok: false; reason: 'AMOUNT_ZERO' | 'REFUND_EXCEEDS_ORDER'; remainingCents: number };

/** A refund is more than zero and never more than what is left of the order. */
export function checkRefundAmount(order: Order, amountCents: number, pending: Pending = NONE): AmountCheck {
  const remaining = remainingCents(order, pending);
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) return { ok: false, reason: 'AMOUNT_ZERO', remainingCents: remaining };
  if (amountCents > remaining) return { ok: false, reason: 'REFUND_EXCEEDS_ORDER', remainingCents: remaining };
  return { ok: true };
}

/** A WeChat order is refunded with a WeChat code, an Alipay order with an Alipay code. */
export const channelMatches = (order: Order, codeChannel: Channel): boolean => order.channel === codeChannel;

/** The order after an approved refund of `amountCents` (host side; the terminal takes the host's copy). */
export function applyRefund(order: Order, amountCents: number): Order {
  const refundedCents = order.refundedCents + amountCents;
  return {
    ...order,
    refundedCents,
    refundCount: order.refundCount + 1,
    status: refundedCents >= order.amountCents ? 'refunded' : 'partially_refunded',
  };
}
