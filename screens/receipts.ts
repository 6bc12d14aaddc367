// Print effects for a transaction's receipts, copies as configured.
import { receipt, type ReceiptContext } from '../src/domain/receipt.ts';
import type { TxnRecord } from '../src/domain/types.ts';
import type { Ctx, Effect } from './types.ts';

export const receiptContext = (ctx: Ctx): ReceiptContext => ({
  locale: ctx.locale,
  timezone: ctx.timezone,
  merchantName: ctx.merchantName,
  header: ctx.receipt.header,
  footer: ctx.receipt.footer,
});

export function receiptsFor(record: TxnRecord, ctx: Ctx, options: { reprint?: boolean; copies?: Array<'merchant' | 'customer'> } = {}): Effect[] {
  const copies = options.copies ?? [
    ...(ctx.receipt.merchantCopy ? (['merchant'] as const) : []),
    ...(ctx.receipt.customerCopy ? (['customer'] as const) : []),
  ];
  return copies.map((copy) => ({ type: 'print', doc: receipt(record, receiptContext(ctx), { copy, reprint: options.reprint ?? false }) }));
}
