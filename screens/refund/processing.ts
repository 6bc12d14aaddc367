// Refund, step 7: submitted; waiting for the runtime to say how it went.
// What arrives is already on disk: approved / declined by the host, queued
// (host unreachable, kept and submitted later) or processing (result to follow).
import { message, money, t, type ScreenDef } from '../common.ts';
import { receiptsFor } from '../receipts.ts';
import { refusalText } from '../refusal.ts';

export const refundProcessing: ScreenDef<'refund.processing'> = {
  idle: false,
  on(screen, event, ctx) {
    if (event.type === 'refused') {
      const back = { id: 'refund.amount' as const, flow: screen.flow, cents: screen.cents, proposed: false };
      return { screen: message(refusalText(ctx, event.refusal), { title: t(ctx).refund, back }), effects: [{ type: 'signal', signal: 'error' }] };
    }
    if (event.type !== 'txn') return null;
    const { record } = event;
    const signal = record.state === 'approved' ? 'success' : record.state === 'declined' ? 'error' : 'attention';
    // Approved and queued: the copies as configured. Processing: the customer
    // leaves with a "result to follow" slip. Declined: a slip for the merchant.
    const prints =
      record.state === 'approved' || record.state === 'queued'
        ? receiptsFor(record, ctx)
        : receiptsFor(record, ctx, { copies: [record.state === 'processing' ? 'customer' : 'merchant'] });
    return {
      screen: { id: 'refund.result', flow: screen.flow, cents: screen.cents, code: screen.code, record, notified: event.notified },
      effects: [{ type: 'signal', signal }, ...prints],
    };
  },
  view(screen, ctx) {
    const w = t(ctx);
    return {
      title: w.refund,
      lines: [`${w.orderNumber}: ${screen.flow.order.orderId}`, `${w.refundAmount}: ${money(ctx, screen.cents)}`, '', w.processing, w.doNotPowerOff],
      footer: w.hintWait,
    };
  },
};
