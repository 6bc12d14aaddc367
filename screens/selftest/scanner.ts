// Scanner test: scan anything; the screen shows the decoded text and the
// network it belongs to (a payment code masked, as everywhere), and the
// technician says whether that is what was scanned.
import { maskCode } from '../../src/domain/mask.ts';
import { messages } from '../../src/domain/i18n/index.ts';
import { isOrderNumber } from '../../src/domain/paycode.ts';
import { recognise, t, type ScreenDef } from '../common.ts';
import type { TestRead } from '../state.ts';
import type { Ctx } from '../types.ts';
import { endTest, TEST_TIMEOUT_MS } from './flow.ts';

/** The longest text shown or reported: QR codes can carry a lot. */
const MAX_TEXT = 64;

/** What a read shows, in the screen's language, and the same in English for the report. */
export function describeRead(ctx: Ctx, code: string): TestRead {
  const recognised = recognise(ctx, code);
  const text = recognised.ok ? maskCode(code) : code.length > MAX_TEXT ? `${code.slice(0, MAX_TEXT - 1)}…` : code;
  const network = (locale: Ctx['locale']) => {
    const w = messages(locale);
    if (recognised.ok) return `${w.channel[recognised.channel]}${recognised.confirmed ? '' : ` ${w.unconfirmedNetwork}`}`;
    return isOrderNumber(code) ? w.selftest.orderNumber : w.selftest.notPaycode;
  };
  return { text, network: network(ctx.locale), report: `read "${text}" (${network('en')})` };
}

export const selftestScanner: ScreenDef<'selftest.scanner'> = {
  idle: false,
  on(screen, event, ctx) {
    const test = { name: 'scanner' as const, startedAt: screen.startedAt };
    if (event.type === 'tick' && event.at >= screen.deadline) {
      // A read nobody contradicted is a working scanner.
      if (screen.read) return endTest(screen.flow, test, 'pass', screen.read.report, ctx, event.at);
      return endTest(screen.flow, test, 'fail', `nothing scanned within ${Math.round((screen.deadline - screen.startedAt) / 1000)} s`, ctx, event.at);
    }
    if (event.type === 'scan') {
      return { screen: { ...screen, read: describeRead(ctx, event.code), deadline: event.at + TEST_TIMEOUT_MS }, effects: [{ type: 'signal', signal: 'success' }] };
    }
    if (event.type !== 'key') return null;
    if (event.key === 'OK' && screen.read) return endTest(screen.flow, test, 'pass', screen.read.report, ctx, event.at);
    if (event.key === 'CLEAR') {
      const detail = screen.read ? `wrong read, per the technician: ${screen.read.report}` : 'fault seen by the technician, nothing read';
      return endTest(screen.flow, test, 'fail', detail, ctx, event.at);
    }
    if (event.key === 'CANCEL') return endTest(screen.flow, test, 'skipped', 'skipped by the technician', ctx, event.at);
    return null;
  },
  view(screen, ctx) {
    const w = t(ctx);
    const lines = [w.selftest.scanAnything];
    if (screen.read) lines.push('', `${w.selftest.scanned}: ${screen.read.text}`, `${w.selftest.belongsTo}: ${screen.read.network}`);
    return { title: w.selftest.names.scanner, lines, footer: screen.read ? w.selftest.hintScanner : w.selftest.hintScanWait };
  },
};
