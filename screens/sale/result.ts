// Sale, step 5: the host's answer. A code problem goes back to the scan with the amount kept.
import { HOME, money, t, type ScreenDef } from '../common.ts';
import { declineText, returnStep } from '../outcome.ts';

export const saleResult: ScreenDef<'sale.result'> = {
  idle: true,
  on(screen, event, ctx) {
    if (event.type !== 'key' || (event.key !== 'OK' && event.key !== 'CANCEL')) return null;
    const { record } = screen;
    if (event.key === 'OK' && record.state === 'declined' && returnStep(record.result?.code) === 'scan') {
      return { screen: { id: 'sale.scan', cents: record.txn.amountCents, deadline: event.at + ctx.scanTimeoutMs } };
    }
    return { screen: HOME };
  },
  view(screen, ctx) {
    const w = t(ctx);
    const { record } = screen;
    const lines = [`${w.amount}: ${money(ctx, record.txn.amountCents)}`, `${w.orderNumber}: ${record.txn.orderId}`];
    let title: string = w.toFollow;
    if (record.state === 'approved') title = w.approved;
    else if (record.state === 'declined') {
      title = w.declined;
      lines.push('', declineText(ctx, record.result?.code ?? ''));
    } else lines.push('', w.saleToFollow);
    const next = record.state === 'declined' && returnStep(record.result?.code) === 'scan' ? w.okNext.scan : w.okNext.home;
    return { title: `${w.sale}: ${title}`, lines, footer: next };
  },
};
