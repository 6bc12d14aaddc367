// Entering the refund procedure, from home or from a transaction: refused
// at once when no supervisor PIN is provisioned or refunds are locked.
import { clockTime, message, t, type Step } from './common.ts';
import type { Ctx } from './types.ts';

export function startRefund(ctx: Ctx, at: number, known?: { orderId: string; from: 'home' | 'txns' }): Step {
  const w = t(ctx);
  if (!ctx.pins.supervisor) return { screen: message(w.noPin, { title: w.refund }), effects: [{ type: 'signal', signal: 'error' }] };
  if (ctx.refundLockedUntil && ctx.refundLockedUntil > at) {
    return { screen: message(w.refundsLocked(clockTime(ctx, ctx.refundLockedUntil)), { title: w.refund }), effects: [{ type: 'signal', signal: 'error' }] };
  }
  if (!known) return { screen: { id: 'refund.order', digits: '' } };
  return { screen: { id: 'refund.lookup', orderId: known.orderId, from: known.from }, effects: [{ type: 'lookupOrder', orderId: known.orderId }] };
}
