// Refund, step 2a: the order is being looked up (host, or the terminal's cache when offline).
import { checkOrderRefundable } from '../../src/domain/refund-rules.ts';
import { HOME, t, type ScreenDef } from '../common.ts';
import type { Screen } from '../state.ts';

export const refundLookup: ScreenDef<'refund.lookup'> = {
  idle: false,
  on(screen, event, ctx) {
    if (event.type === 'key' && event.key === 'CANCEL') return { screen: back(screen.from) };
    if (event.type !== 'order' || event.orderId !== screen.orderId) return null;
    const w = t(ctx);
    const { lookup } = event;
    if (!lookup.ok) {
      const error = lookup.reason === 'not_found' ? w.orderNotFound : lookup.reason === 'offline_unknown' ? w.orderNeedsNetwork : w.orderLookupFailed;
      return { screen: { id: 'refund.order', digits: screen.orderId, error }, effects: [{ type: 'signal', signal: 'error' }] };
    }
    const flow = { order: lookup.order, pending: lookup.pending, from: screen.from };
    const check = checkOrderRefundable(lookup.order, { now: new Date(event.at), limits: ctx.limits, pending: lookup.pending });
    if (!check.ok) return { screen: { id: 'refund.check', flow, refusal: check.reason }, effects: [{ type: 'signal', signal: 'error' }] };
    return { screen: { id: 'refund.check', flow } };
  },
  view(screen, ctx) {
    const w = t(ctx);
    return { title: w.refund, lines: [`${w.orderNumber}: ${screen.orderId}`, '', w.lookingUp], footer: w.hintCancel };
  },
};

export const back = (from: 'home' | 'txns'): Screen => (from === 'txns' ? { id: 'txns.list', index: 0 } : HOME);
