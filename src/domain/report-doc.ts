// X and Z reports as printable documents.
import type { DocLine, PrintDocument } from '../../hal/printer/types.ts';
import { messages } from './i18n/index.ts';
import { formatCents, type Locale } from './money.ts';
import { localDateTime } from './order-number.ts';
import { netCents, type SettlementReport } from './settlement.ts';

export interface ReportContext {
  locale: Locale;
  timezone: string;
  currency: string;
  merchantName: string;
}

export const batchLabel = (n: number): string => String(n).padStart(6, '0');

export function reportDocument(report: SettlementReport, ctx: ReportContext, options: { reprint?: boolean } = {}): PrintDocument {
  const w = messages(ctx.locale);
  const money = (c: number) => formatCents(c, ctx.locale, ctx.currency);
  const when = (iso: string) => localDateTime(new Date(iso), ctx.timezone);
  const lines: DocLine[] = [
    { kind: 'text', text: ctx.merchantName, align: 'center', bold: true },
    { kind: 'text', text: report.kind === 'X' ? w.report.x : w.report.z, align: 'center', large: true },
  ];
  if (options.reprint) lines.push({ kind: 'text', text: `*** ${w.receipt.reprint} ***`, align: 'center', bold: true });
  lines.push(
    { kind: 'rule' },
    { kind: 'pair', left: w.receipt.terminal, right: report.terminalId },
    { kind: 'pair', left: w.report.batch, right: batchLabel(report.batch) },
    { kind: 'pair', left: w.report.from, right: when(report.from) },
    { kind: 'pair', left: w.report.to, right: when(report.to) },
    { kind: 'rule' },
  );
  if (report.lines.length === 0) lines.push({ kind: 'text', text: w.report.noTotals });
  for (const l of report.lines) {
    lines.push({ kind: 'pair', left: `${w.channel[l.channel]} ${w.txnType[l.type]} ×${l.count}`, right: money(l.amountCents) });
  }
  lines.push({ kind: 'rule' }, { kind: 'pair', left: w.report.net, right: money(netCents(report.lines)), bold: true });
  if (report.queued.length) {
    lines.push({ kind: 'feed', lines: 1 }, { kind: 'text', text: w.report.queuedApart(report.queued.length) });
    for (const q of report.queued) lines.push({ kind: 'pair', left: `${w.txnType[q.type]} ${q.orderId}`, right: money(q.amountCents) });
  }
  const r = report.reconciliation;
  if (r) {
    lines.push({ kind: 'rule' });
    if (r.status === 'agreed') lines.push({ kind: 'text', text: w.report.agreed, align: 'center', bold: true });
    else if (r.status === 'unavailable') lines.push({ kind: 'text', text: w.report.unavailable, align: 'center', bold: true });
    else {
      lines.push({ kind: 'text', text: w.report.notAgreed, align: 'center', bold: true });
      for (const d of r.differences) {
        lines.push(
          { kind: 'text', text: `${w.channel[d.channel]} ${w.txnType[d.type]}` },
          { kind: 'pair', left: ` ${w.report.here} ×${d.terminal.count}`, right: money(d.terminal.amountCents) },
          { kind: 'pair', left: ` ${w.report.host} ×${d.host.count}`, right: money(d.host.amountCents) },
        );
      }
    }
  }
  return { title: report.kind === 'X' ? 'x-report' : 'z-report', lines, cut: true };
}
