// Refund, step 4: the amount. Proposed: what is left of the order (queued
// refunds counted); the first digit typed replaces it. Never more than is left.
import { checkRefundAmount, remainingCents } from '../../src/domain/refund-rules.ts';
import { money, t, type ScreenDef } from '../common.ts';
import { enterAmount } from '../entry.ts';

export const refundAmount: ScreenDef<'refund.amount'> = {
  idle: true,
  on(screen, event, ctx) {
    if (event.type !== 'key') return null;
    const w = t(ctx);
    if (event.key === 'CANCEL') return { screen: { id: 'refund.check', flow: screen.flow } };
    if (event.key === 'OK') {
      const check = checkRefundAmount(screen.flow.order, screen.cents, screen.flow.pending);
      if (!check.ok) {
        const error = check.reason === 'AMOUNT_ZERO' ? w.enterAmountNonZero : w.adjustAmount(money(ctx, check.remainingCents));
        return { screen: { ...screen, error }, effects: [{ type: 'signal', signal: 'error' }] };
      }
      return { screen: { id: 'refund.scan', flow: screen.flow, cents: screen.cents, deadline: event.at + ctx.scanTimeoutMs } };
    }
    const next = enterAmount(screen, event.key);
    return next ? { screen: { ...screen, ...next, error: undefined } } : null;
  },
  view(screen, ctx) {
    const w = t(ctx);
    const { order, pending } = screen.flow;
    return {
      title: w.refund,
      lines: [
        `${w.orderNumber}: ${order.orderId}`,
        `${w.remaining}: ${money(ctx, remainingCents(order, pending))}`,
        '',
        `${w.refundAmount}: ${money(ctx, screen.cents)}`,
        ...(screen.error ? ['', screen.error] : []),
      ],
      footer: w.hintOkCancel,
    };
  },
};
