// Settlement: waiting for the runtime (totals, the host's totals, the queue).
import { message, t, type ScreenDef } from '../common.ts';
import { reportDocument } from '../../src/domain/report-doc.ts';
import { startZ } from './menu.ts';

export const settleWorking: ScreenDef<'settle.working'> = {
  idle: false,
  on(screen, event, ctx) {
    const w = t(ctx);
    if (event.type === 'synced' && screen.kind === 'sync') {
      return event.queued > 0 ? { screen: { id: 'settle.queued', queued: event.queued } } : startZ(ctx);
    }
    if (event.type === 'report_failed') {
      const text = event.reason === 'needs_network' ? w.settleNeedsNetwork : w.refused.storage;
      return { screen: message(text, { title: w.settlement, back: { id: 'settle.menu' } }), effects: [{ type: 'signal', signal: 'error' }] };
    }
    if (event.type !== 'report') return null;
    const { report } = event;
    const doc = reportDocument(report, { locale: ctx.locale, timezone: ctx.timezone, currency: ctx.currency, merchantName: ctx.merchantName });
    const agreed = report.reconciliation?.status;
    const signal = agreed === 'not_agreed' ? 'attention' : 'success';
    return { screen: { id: 'settle.result', report }, effects: [{ type: 'signal', signal }, { type: 'print', doc }] };
  },
  view(screen, ctx) {
    const w = t(ctx);
    return { title: w.settlement, lines: [screen.kind === 'sync' ? w.submitting : w.settleWorking], footer: w.hintWait };
  },
};
