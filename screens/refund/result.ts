// Refund, step 8: the outcome in words, and where OK leads: a declined code
// → scan again, a declined amount → adjust it, anything else → home.
import { remainingCents } from '../../src/domain/refund-rules.ts';
import { money, t, type ScreenDef } from '../common.ts';
import { declineText, returnStep } from '../outcome.ts';
import { back } from './lookup.ts';
import type { Screen } from '../state.ts';

export const refundResult: ScreenDef<'refund.result'> = {
  idle: true,
  on(screen, event, ctx) {
    if (event.type !== 'key' || (event.key !== 'OK' && event.key !== 'CANCEL')) return null;
    const { record, flow } = screen;
    if (event.key === 'CANCEL' || record.state !== 'declined') return { screen: back(flow.from) };
    // The host's copy of the order is the truth after a decline (another terminal may have refunded it).
    const order = record.result?.order ?? flow.order;
    const next: Screen = (() => {
      switch (returnStep(record.result?.code)) {
        case 'scan':
          return { id: 'refund.scan', flow: { ...flow, order }, cents: screen.cents, deadline: event.at + ctx.scanTimeoutMs };
        case 'amount':
          return { id: 'refund.amount', flow: { ...flow, order }, cents: remainingCents(order, flow.pending), proposed: true };
        default:
          return back(flow.from);
      }
    })();
    return { screen: next };
  },
  view(screen, ctx) {
    const w = t(ctx);
    const { record } = screen;
    const lines = [`${w.orderNumber}: ${record.txn.orderId}`, `${w.refundAmount}: ${money(ctx, record.txn.amountCents)}`, ''];
    let word: string;
    const leave = screen.flow.from === 'txns' ? w.hintOk : w.okNext.home;
    let footer: string = leave;
    switch (record.state) {
      case 'approved':
        word = w.approved;
        lines.push(w.refundApproved);
        if (screen.notified) lines.push(w.customerNotified(screen.notified));
        break;
      case 'queued':
        word = w.queued;
        lines.push(w.refundQueued);
        break;
      case 'processing':
        word = w.toFollow;
        lines.push(w.resultToFollow);
        break;
      case 'declined': {
        word = w.declined;
        lines.push(declineText(ctx, record.result?.code ?? ''));
        const step = returnStep(record.result?.code);
        footer = step === 'scan' ? w.okNext.scan : step === 'amount' ? w.okNext.amount : leave;
        break;
      }
    }
    return { title: `${w.refund}: ${word}`, lines, footer };
  },
};
