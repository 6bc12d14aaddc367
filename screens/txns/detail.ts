// One transaction: its details, reprint (marked REPRINT), refund of its order.
import { maskShort } from '../../src/domain/mask.ts';
import { localDateTime } from '../../src/domain/order-number.ts';
import { money, t, type ScreenDef } from '../common.ts';
import { receiptsFor } from '../receipts.ts';
import { startRefund } from '../start-refund.ts';

export const txnsDetail: ScreenDef<'txns.detail'> = {
  idle: true,
  on(screen, event, ctx) {
    if (event.type !== 'key') return null;
    const record = screen.records[screen.index]!;
    switch (event.key) {
      case 'CANCEL':
        return { screen: { id: 'txns.list', records: screen.records, index: screen.index } };
      case 'F3':
        return { screen: { ...screen, index: Math.max(0, screen.index - 1), note: undefined } };
      case 'F4':
        return { screen: { ...screen, index: Math.min(screen.records.length - 1, screen.index + 1), note: undefined } };
      case '1':
        return { screen: { ...screen, note: t(ctx).reprintSent }, effects: receiptsFor(record, ctx, { reprint: true, copies: ['customer'] }) };
      case '2':
        return startRefund(ctx, event.at, { orderId: record.txn.orderId, from: 'txns' });
      default:
        return null;
    }
  },
  view(screen, ctx) {
    const w = t(ctx);
    const { txn, state, result } = screen.records[screen.index]!;
    const lines = [
      `${w.txnType[txn.type]} ${money(ctx, txn.amountCents)} ${w.stateWord[state]}${result && state === 'declined' ? ' ' + result.code : ''}`,
      `${w.orderNumber}: ${txn.orderId}`,
      `${w.network}: ${w.channel[txn.channel]} ${maskShort(txn.payCode)}`,
      `${w.time}: ${localDateTime(new Date(txn.createdAt), ctx.timezone)}`,
      `${txn.type === 'sale' ? w.saleNo : w.refundNo}: ${txn.id}`,
    ];
    if (screen.note) lines.push(screen.note);
    return { title: `${w.transactions} ${screen.index + 1}/${screen.records.length}`, lines, footer: w.hintDetail };
  },
};
