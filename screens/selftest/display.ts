// Display test: every cell lit with a pattern (a column ruler, wide Chinese
// characters, full rows), the title row emphasised; the technician says
// whether it all reads clearly. A display nobody can read gets no answer, so
// the time-out fails the test.
import { cellWidth, wrapCells } from '../../hal/display/width.ts';
import { t, type ScreenDef } from '../common.ts';
import { endTest } from './flow.ts';

const CHINESE = '中文显示测试';

/** `1234567890123…` exactly `cols` wide: a missing column shows as a skipped digit. */
const ruler = (cols: number): string => Array.from({ length: cols }, (_, i) => String((i + 1) % 10)).join('');

/** `text` repeated to exactly `cols` cells (a space where a wide character would not fit). */
function fill(text: string, cols: number): string {
  let out = '';
  for (let i = 0; ; i++) {
    const c = [...text][i % [...text].length]!;
    if (cellWidth(out + c) > cols) break;
    out += c;
  }
  return out + ' '.repeat(cols - cellWidth(out));
}

/** The pattern rows above the question, filling the body. */
export function displayPattern(rows: number, cols: number, questionRows: number): string[] {
  const patternRows = Math.max(1, rows - 2 - questionRows);
  const pattern = [ruler(cols), fill(CHINESE, cols), '#'.repeat(cols), fill('+-', cols), fill('8', cols)];
  const out: string[] = [];
  for (let i = 0; i < patternRows; i++) out.push(pattern[i % pattern.length]!);
  // The last pattern row marks both corners.
  if (patternRows > 1) out[patternRows - 1] = '<' + ' '.repeat(cols - 2) + '>';
  return out;
}

export const selftestDisplay: ScreenDef<'selftest.display'> = {
  idle: false,
  on(screen, event, ctx) {
    const test = { name: 'display' as const, startedAt: screen.startedAt };
    if (event.type === 'tick' && event.at >= screen.deadline) {
      return endTest(screen.flow, test, 'fail', `not confirmed within ${Math.round((screen.deadline - screen.startedAt) / 1000)} s: display unreadable or nobody at the terminal`, ctx, event.at);
    }
    if (event.type !== 'key') return null;
    if (event.key === 'OK') return endTest(screen.flow, test, 'pass', 'pattern confirmed by the technician', ctx, event.at);
    if (event.key === 'CLEAR') return endTest(screen.flow, test, 'fail', 'fault seen by the technician', ctx, event.at);
    if (event.key === 'CANCEL') return endTest(screen.flow, test, 'skipped', 'skipped by the technician', ctx, event.at);
    return null;
  },
  view(_screen, ctx) {
    const w = t(ctx);
    const { rows, cols } = ctx.display;
    const question = wrapCells(w.selftest.displayCheck, cols);
    return { title: w.selftest.names.display, lines: [...displayPattern(rows, cols, question.length), ...question], footer: w.selftest.hintDisplay };
  },
};
