// Settlement: the report on screen (it is also printed).
import { batchLabel } from '../../src/domain/report-doc.ts';
import { netCents } from '../../src/domain/settlement.ts';
import { HOME, money, t, type ScreenDef } from '../common.ts';

export const settleResult: ScreenDef<'settle.result'> = {
  idle: true,
  on(_screen, event) {
    if (event.type === 'key' && (event.key === 'OK' || event.key === 'CANCEL')) return { screen: HOME };
    return null;
  },
  view(screen, ctx) {
    const w = t(ctx);
    const { report } = screen;
    const lines: string[] = [];
    const r = report.reconciliation;
    if (r) lines.push(r.status === 'agreed' ? w.report.agreed : r.status === 'not_agreed' ? w.report.notAgreed : w.report.unavailable);
    if (r?.status === 'not_agreed') {
      for (const d of r.differences) {
        lines.push(`${w.channel[d.channel]} ${w.txnType[d.type]}: ${w.report.here} ${d.terminal.count}/${money(ctx, d.terminal.amountCents)} ${w.report.host} ${d.host.count}/${money(ctx, d.host.amountCents)}`);
      }
    }
    for (const l of report.lines) lines.push(`${w.channel[l.channel]} ${w.txnType[l.type]} ×${l.count} ${money(ctx, l.amountCents)}`);
    if (report.lines.length === 0) lines.push(w.report.noTotals);
    lines.push(`${w.report.net}: ${money(ctx, netCents(report.lines))}`);
    if (report.queued.length) lines.push(w.report.queuedApart(report.queued.length));
    if (report.kind === 'Z') lines.push(w.settleClosed(batchLabel(report.batch)));
    return { title: `${report.kind === 'X' ? w.report.x : w.report.z} ${batchLabel(report.batch)}`, lines, footer: w.okNext.home };
  },
};
