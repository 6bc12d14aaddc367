// What the payment network answers to one refund or sale, as pure functions.
// The refund rules themselves live in src/domain/refund-rules.ts (the terminal
// checks the same ones); this file only puts them in the host's order and
// words. Submission state (idempotency, SYSTEM_ERROR once, processing) is the
// service's business.
import { formatCents } from '../../src/domain/money.ts';
import { checkOrderRefundable, checkRefundAmount, channelMatches, applyRefund, type RefundLimits } from '../../src/domain/refund-rules.ts';
import type { Channel, DeclineCode, Order, Txn } from '../../src/domain/types.ts';
import type { HostOrder } from './store.ts';

/** A sale for an order number the host already has (the terminal made a number twice). */
export const ORDER_EXISTS = 'ORDER_EXISTS';

export type Verdict =
  | { kind: 'approve'; order: Order; channel: Channel; message: string }
  | { kind: 'decline'; code: DeclineCode | typeof ORDER_EXISTS; message: string; order?: Order };

export interface CodeFacts {
  /** The network the code belongs to; undefined when it is no network's code. */
  channel: Channel | undefined;
  /** Another transaction already used this code. */
  usedByOther: boolean;
}

const CODE_INVALID = 'the payment code is not a code of any payment network; ask the customer to refresh it';
const CODE_USED = 'the payment code was already used; ask the customer to refresh it';
const NETWORK_NAMES: Readonly<Record<Channel, string>> = { wechat: 'WeChat Pay', alipay: 'Alipay', unionpay: 'UnionPay' };

/**
 * Checks in the order a merchant can act on: the order first (nothing the
 * customer shows can fix a cancelled or too old order), then the amount,
 * then the code (the customer refreshes it and it is scanned again).
 */
export function decideRefund(options: {
  txn: Txn;
  hostOrder: HostOrder | undefined;
  code: CodeFacts;
  now: Date;
  limits: RefundLimits;
}): Verdict {
  const { txn, hostOrder, code } = options;
  if (!hostOrder) return { kind: 'decline', code: 'ORDER_NOT_FOUND', message: `order ${txn.orderId} is not known to the host` };
  const order = hostOrder.order;
  const decline = (declineCode: DeclineCode, message: string): Verdict => ({ kind: 'decline', code: declineCode, message, order });
  const money = (cents: number) => `${formatCents(cents)} ${order.currency}`;

  const refundable = checkOrderRefundable(order, { now: options.now, limits: options.limits });
  if (!refundable.ok) {
    switch (refundable.reason) {
      case 'ORDER_CANCELLED':
        return decline('ORDER_CANCELLED', 'the order was cancelled and cannot be refunded');
      case 'ORDER_FULLY_REFUNDED':
        return decline('REFUND_EXCEEDS_ORDER', 'the order is already fully refunded');
      case 'ORDER_TOO_OLD':
        return decline('ORDER_TOO_OLD', `the order was paid more than ${options.limits.maxAgeDays} days ago`);
      case 'REFUND_COUNT_EXCEEDED':
        return decline('REFUND_COUNT_EXCEEDED', `the order already has ${order.refundCount} refunds, the most allowed`);
    }
  }
  const amount = checkRefundAmount(order, txn.amountCents);
  if (!amount.ok) {
    return decline('REFUND_EXCEEDS_ORDER', `refund of ${money(txn.amountCents)} is more than the ${money(amount.remainingCents)} left on the order`);
  }
  if (!code.channel) return decline('AUTH_CODE_INVALID', CODE_INVALID);
  if (!channelMatches(order, code.channel)) {
    return decline(
      'CHANNEL_MISMATCH',
      `the order was paid by ${NETWORK_NAMES[order.channel]}; a ${NETWORK_NAMES[code.channel]} code cannot refund it`,
    );
  }
  if (code.usedByOther) return decline('AUTH_CODE_USED', CODE_USED);
  if (hostOrder.behaviour === 'insufficient_balance') {
    return decline('INSUFFICIENT_BALANCE', "the merchant's account does not hold enough to pay this refund");
  }
  return { kind: 'approve', order: applyRefund(order, txn.amountCents), channel: code.channel, message: 'refund accepted' };
}

/** A sale creates the order under the number the terminal made; the code decides its network. */
export function decideSale(options: { txn: Txn; existing: Order | undefined; code: CodeFacts; now: Date }): Verdict {
  const { txn, code } = options;
  if (options.existing) {
    // The existing order is left out of the answer: it is another sale's, and a
    // terminal must not take it for the order of this one.
    return { kind: 'decline', code: ORDER_EXISTS, message: `order number ${txn.orderId} is already in use; make a new sale` };
  }
  if (!code.channel) return { kind: 'decline', code: 'AUTH_CODE_INVALID', message: CODE_INVALID };
  if (code.usedByOther) return { kind: 'decline', code: 'AUTH_CODE_USED', message: CODE_USED };
  const order: Order = {
    orderId: txn.orderId,
    amountCents: txn.amountCents,
    currency: txn.currency,
    channel: code.channel,
    status: 'paid',
    // The host's clock, not the terminal's: a board without a real-time clock
    // may be off, and the 365-day limit is counted from this time.
    paidAt: options.now.toISOString(),
    refundedCents: 0,
    refundCount: 0,
  };
  return { kind: 'approve', order, channel: code.channel, message: 'payment approved' };
}
