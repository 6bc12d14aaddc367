// Transactions: recent sales and refunds with their status, newest first.
import { HOME, clockTime, money, t, type ScreenDef } from '../common.ts';
import type { Ctx } from '../types.ts';
import type { TxnRecord } from '../../src/domain/types.ts';

export const txnsList: ScreenDef<'txns.list'> = {
  idle: true,
  enter: (screen) => (screen.records ? [] : [{ type: 'loadTxns', limit: 50 }]),
  on(screen, event) {
    if (event.type === 'txns') return { screen: { ...screen, records: event.records, index: Math.min(screen.index, Math.max(0, event.records.length - 1)) } };
    if (event.type !== 'key') return null;
    const count = screen.records?.length ?? 0;
    switch (event.key) {
      case 'CANCEL':
        return { screen: HOME };
      case 'F3':
        return { screen: { ...screen, index: Math.max(0, screen.index - 1) } };
      case 'F4':
        return { screen: { ...screen, index: Math.min(Math.max(0, count - 1), screen.index + 1) } };
      case 'OK':
        if (!screen.records || count === 0) return null;
        return { screen: { id: 'txns.detail', records: screen.records, index: screen.index } };
      default:
        return null;
    }
  },
  view(screen, ctx) {
    const w = t(ctx);
    if (!screen.records) return { title: w.transactions, lines: [w.hintWait], footer: w.hintCancel };
    if (screen.records.length === 0) return { title: w.transactions, lines: [w.txnEmpty], footer: w.hintCancel };
    // Show a window of rows around the selection.
    const room = Math.max(1, ctx.display.rows - 2);
    const start = Math.max(0, Math.min(screen.index - Math.floor(room / 2), screen.records.length - room));
    const shown = screen.records.slice(start, start + room);
    return {
      title: `${w.transactions} ${screen.index + 1}/${screen.records.length}`,
      lines: shown.map((r) => listLine(ctx, r)),
      selected: screen.index - start,
      footer: w.hintList,
    };
  },
};

/** `16:05 REFUND 12.00 APPROVED` */
export function listLine(ctx: Ctx, record: TxnRecord): string {
  const w = t(ctx);
  return `${clockTime(ctx, Date.parse(record.txn.createdAt))} ${w.txnType[record.txn.type]} ${money(ctx, record.txn.amountCents)} ${w.stateWord[record.state]}`;
}
