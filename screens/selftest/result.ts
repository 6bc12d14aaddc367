// Self-test result: the verdict and one line per test (PASS / FAIL /
// SKIPPED with its time); F3/F4 page through each test's detail. The same
// report is printed and published.
import { formatMs, verdict } from '../../src/domain/selftest.ts';
import { HOME, t, type ScreenDef } from '../common.ts';

export const selftestResult: ScreenDef<'selftest.result'> = {
  idle: true,
  on(screen, event) {
    if (event.type !== 'key') return null;
    const pages = screen.report.tests.length + 1;
    switch (event.key) {
      case 'OK':
        return { screen: HOME };
      case 'CANCEL':
        return { screen: { id: 'selftest.menu' } };
      case 'F4':
        return { screen: { ...screen, page: (screen.page + 1) % pages } };
      case 'F3':
        return { screen: { ...screen, page: (screen.page + pages - 1) % pages } };
      default:
        return null;
    }
  },
  view(screen, ctx) {
    const w = t(ctx).selftest;
    const { report, page } = screen;
    const footer = w.hintResult;
    const test = report.tests[page - 1];
    if (!test) {
      const lines = [verdict(report, ctx.locale), ...report.tests.map((x) => `${w.status[x.status]} ${w.names[x.name]} ${formatMs(x.ms)}`)];
      return { title: w.title, lines, footer };
    }
    return {
      title: `${w.title} ${page}/${report.tests.length}`,
      lines: [`${w.names[test.name]}: ${w.status[test.status]}`, formatMs(test.ms), test.detail],
      footer,
    };
  },
};
