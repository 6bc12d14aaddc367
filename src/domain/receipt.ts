// Receipts as documents (what to print); printer drivers decide how.
// A reprint is marked REPRINT so that a copy can never pass for an original.
import type { DocLine, PrintDocument } from '../../hal/printer/types.ts';
import { messages } from './i18n/index.ts';
import { maskCode } from './mask.ts';
import { formatCents, type Locale } from './money.ts';
import { localDateTime } from './order-number.ts';
import type { TxnRecord } from './types.ts';

export interface ReceiptContext {
  locale: Locale;
  timezone: string;
  merchantName: string;
  header: readonly string[];
  footer: readonly string[];
}

export type Copy = 'merchant' | 'customer';

export function receipt(record: TxnRecord, ctx: ReceiptContext, options: { copy: Copy; reprint?: boolean }): PrintDocument {
  const t = messages(ctx.locale);
  const { txn } = record;
  const money = (c: number) => formatCents(c, ctx.locale, txn.currency);
  const lines: DocLine[] = [];
  lines.push({ kind: 'text', text: ctx.merchantName, align: 'center', bold: true });
  for (const h of ctx.header) lines.push({ kind: 'text', text: h, align: 'center' });
  const title =
    txn.type === 'sale' ? t.receipt.saleTitle : record.state === 'queued' ? t.receipt.pendingTitle : t.receipt.refundTitle;
  lines.push({ kind: 'text', text: title, align: 'center', large: true });
  if (options.reprint) lines.push({ kind: 'text', text: `*** ${t.receipt.reprint} ***`, align: 'center', bold: true });
  lines.push({ kind: 'text', text: options.copy === 'merchant' ? t.receipt.merchantCopy : t.receipt.customerCopy, align: 'center' });
  lines.push({ kind: 'rule' });
  lines.push({ kind: 'pair', left: t.receipt.terminal, right: txn.terminalId });
  lines.push({ kind: 'pair', left: t.time, right: localDateTime(new Date(txn.createdAt), ctx.timezone) });
  lines.push({ kind: 'pair', left: t.orderNumber, right: txn.orderId });
  lines.push({ kind: 'pair', left: txn.type === 'sale' ? t.saleNo : t.refundNo, right: '' });
  // A UUID is 36 characters, wider than 58 mm paper: break it after its third
  // group, where a reader expects a break, not at the paper's edge.
  const cut = txn.id.length > 32 && txn.id.split('-').length === 5 ? txn.id.indexOf('-', 14) + 1 : 0;
  if (cut > 0) lines.push({ kind: 'text', text: txn.id.slice(0, cut) }, { kind: 'text', text: txn.id.slice(cut) });
  else lines.push({ kind: 'text', text: txn.id });
  lines.push({ kind: 'pair', left: t.network, right: t.channel[txn.channel] });
  lines.push({ kind: 'pair', left: t.code, right: maskCode(txn.payCode) });
  lines.push({ kind: 'pair', left: t.amount, right: money(txn.amountCents), bold: true });
  lines.push({ kind: 'rule' });
  lines.push({ kind: 'text', text: stateLine(record, ctx.locale), align: 'center', bold: true });
  if (record.state === 'queued') lines.push({ kind: 'text', text: t.receipt.queuedNote });
  if (record.state === 'processing') lines.push({ kind: 'text', text: t.receipt.toFollowNote });
  if (record.result?.hostRef) lines.push({ kind: 'pair', left: t.hostRef, right: record.result.hostRef });
  if (options.copy === 'merchant' && txn.type === 'refund') lines.push({ kind: 'feed', lines: 1 }, { kind: 'text', text: t.receipt.signature });
  // The order number as a code, so a later refund can start with a scan. A
  // refund also carries its refund number as a code (what the customer or the
  // acquirer quotes to trace it); with two codes on the paper each has its label.
  if (txn.type === 'refund') {
    lines.push({ kind: 'text', text: t.orderNumber, align: 'center' }, { kind: 'qr', data: txn.orderId });
    lines.push({ kind: 'text', text: t.refundNo, align: 'center' }, { kind: 'qr', data: txn.id });
  } else lines.push({ kind: 'qr', data: txn.orderId });
  for (const f of ctx.footer) lines.push({ kind: 'text', text: f, align: 'center' });
  return { title: txn.type === 'sale' ? 'sale' : 'refund', lines, cut: true };
}

/**
 * `doc` marked REPRINT at the top (once), for a document some of which may
 * already be on paper: a copy must never pass for an original.
 */
export function markedReprint(doc: PrintDocument, locale: Locale): PrintDocument {
  const mark = `*** ${messages(locale).receipt.reprint} ***`;
  if (doc.lines.some((l) => l.kind === 'text' && l.text === mark)) return doc;
  return { ...doc, lines: [{ kind: 'text', text: mark, align: 'center', bold: true }, ...doc.lines] };
}

/** `APPROVED`, `DECLINED  AUTH_CODE_USED`, `QUEUED`, `RESULT TO FOLLOW`. */
export function stateLine(record: TxnRecord, locale: Locale): string {
  const t = messages(locale);
  switch (record.state) {
    case 'approved':
      return t.approved;
    case 'declined':
      return `${t.declined}  ${record.result?.code ?? ''}`.trim();
    case 'queued':
      return t.queued;
    case 'processing':
      return t.toFollow;
  }
}
