// Sale, step 4: waiting for the host. The runtime answers with the recorded
// transaction once its state is known (already on disk).
import { receiptsFor } from '../receipts.ts';
import { message, money, t, type ScreenDef } from '../common.ts';
import { refusalText } from '../refusal.ts';

export const saleProcessing: ScreenDef<'sale.processing'> = {
  idle: false,
  on(screen, event, ctx) {
    if (event.type === 'refused') {
      return { screen: message(refusalText(ctx, event.refusal), { title: t(ctx).sale, back: { id: 'sale.amount', cents: screen.cents } }), effects: [{ type: 'signal', signal: 'error' }] };
    }
    if (event.type !== 'txn') return null;
    const { record } = event;
    const signal = record.state === 'approved' ? 'success' : record.state === 'declined' ? 'error' : 'attention';
    return {
      screen: { id: 'sale.result', record },
      effects: [{ type: 'signal', signal }, ...(record.state === 'approved' ? receiptsFor(record, ctx) : [])],
    };
  },
  view(screen, ctx) {
    const w = t(ctx);
    return { title: w.sale, lines: [`${w.amount}: ${money(ctx, screen.cents)}`, '', w.processing, w.doNotPowerOff], footer: w.hintWait };
  },
};
