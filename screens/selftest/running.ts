// Self-test: the runtime carries out the automatic tests; the report comes
// back whole (already handed to ops), is printed, and is shown.
import { selfTestDocument } from '../../src/domain/selftest.ts';
import { t, type ScreenDef } from '../common.ts';

export const selftestRunning: ScreenDef<'selftest.running'> = {
  idle: false,
  on(_screen, event, ctx) {
    if (event.type !== 'selfTestReport') return null;
    const { report } = event;
    const doc = selfTestDocument(report, { locale: ctx.locale, timezone: ctx.timezone, terminalId: ctx.terminalId, merchantName: ctx.merchantName });
    return { screen: { id: 'selftest.result', report, page: 0 }, effects: [{ type: 'signal', signal: report.ok ? 'success' : 'error' }, { type: 'print', doc }] };
  },
  view(screen, ctx) {
    const w = t(ctx);
    return { title: w.selftest.title, lines: [screen.flow.automatic ? w.selftest.running : w.hintWait], footer: w.hintWait };
  },
};
