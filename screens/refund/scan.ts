// Refund, step 5: the customer's code, which must belong to the order's network.
import { money, t, type ScreenDef } from '../common.ts';
import { readPayCode } from '../entry.ts';

export const refundScan: ScreenDef<'refund.scan'> = {
  idle: true,
  on(screen, event, ctx) {
    const w = t(ctx);
    if (event.type === 'tick') {
      if (event.at >= screen.deadline && !screen.error) return { screen: { ...screen, error: w.scanTimedOut }, effects: [{ type: 'signal', signal: 'attention' }] };
      return null;
    }
    if (event.type === 'key') {
      if (event.key === 'CANCEL') return { screen: { id: 'refund.amount', flow: screen.flow, cents: screen.cents, proposed: false } };
      return { screen: { ...screen, deadline: event.at + ctx.scanTimeoutMs } };
    }
    if (event.type !== 'scan') return null;
    const read = readPayCode(ctx, event.code, screen.flow.order.channel);
    if (!read.ok) return { screen: { ...screen, error: read.error, deadline: event.at + ctx.scanTimeoutMs }, effects: [{ type: 'signal', signal: 'error' }] };
    return { screen: { id: 'refund.confirm', flow: screen.flow, cents: screen.cents, code: read.code } };
  },
  view(screen, ctx) {
    const w = t(ctx);
    return {
      title: w.refund,
      lines: [`${w.refundAmount}: ${money(ctx, screen.cents)}`, '', w.scanChannelCode(w.channel[screen.flow.order.channel]), ...(screen.error ? ['', screen.error] : [])],
      footer: w.hintCancel,
    };
  },
};
