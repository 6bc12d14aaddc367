// Refund, step 2b: the order as the terminal knows it — network, status,
// paid, refunded, left — or why it cannot be refunded.
import { remainingCents } from '../../src/domain/refund-rules.ts';
import { money, t, type ScreenDef } from '../common.ts';
import { localDateTime } from '../../src/domain/order-number.ts';
import { back } from './lookup.ts';

export const refundCheck: ScreenDef<'refund.check'> = {
  idle: true,
  on(screen, event) {
    if (event.type !== 'key') return null;
    if (event.key === 'CANCEL' || (event.key === 'OK' && screen.refusal)) {
      // Back to where the order came from: the number entry, or the transaction list.
      const entry = screen.flow.from === 'txns' ? back('txns') : { id: 'refund.order' as const, digits: '' };
      return { screen: event.key === 'CANCEL' ? entry : back(screen.flow.from) };
    }
    if (event.key !== 'OK') return null;
    return { screen: { id: 'refund.pin', flow: screen.flow, digits: '', checking: false } };
  },
  view(screen, ctx) {
    const w = t(ctx);
    const { order, pending } = screen.flow;
    const lines = [
      `${w.orderNumber}: ${order.orderId}`,
      `${w.network}: ${w.channel[order.channel]}  ${w.orderStatus[order.status]}`,
      `${w.paidAmount}: ${money(ctx, order.amountCents)}  ${w.refunded}: ${money(ctx, order.refundedCents)}`,
      `${w.paidAt}: ${localDateTime(new Date(order.paidAt), ctx.timezone)}`,
    ];
    if (pending.count > 0) lines.push(`${w.queuedHere}: ${money(ctx, pending.cents)} (${pending.count})`);
    if (screen.refusal) {
      lines.push('', w.refusal[screen.refusal]);
      return { title: `${w.refund}: ${w.notPossible}`, lines, footer: screen.flow.from === 'txns' ? w.hintOk : w.okNext.home };
    }
    lines.push(`${w.remaining}: ${money(ctx, remainingCents(order, pending))}`);
    return { title: w.refund, lines, footer: w.hintOkCancel };
  },
};
