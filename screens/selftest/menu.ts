// Self-test menu: the whole self-test, or one part of it (a technician who
// has just changed a keypad tests the keypad).
import { HOME, t, type ScreenDef } from '../common.ts';
import { newFlow, nextTest } from './flow.ts';

export const selftestMenu: ScreenDef<'selftest.menu'> = {
  idle: true,
  on(_screen, event, ctx) {
    if (event.type !== 'key') return null;
    switch (event.key) {
      case 'CANCEL':
        return { screen: HOME };
      case '1':
        return nextTest(newFlow(['display', 'keypad', 'scanner'], true), ctx, event.at);
      case '2':
        return nextTest(newFlow(['display'], false), ctx, event.at);
      case '3':
        return nextTest(newFlow(['keypad'], false), ctx, event.at);
      case '4':
        return nextTest(newFlow(['scanner'], false), ctx, event.at);
      case '5':
        return nextTest(newFlow([], true), ctx, event.at);
      default:
        return null;
    }
  },
  view(_screen, ctx) {
    const w = t(ctx);
    return { title: `${w.technician}: ${w.selftest.title}`, lines: w.selftest.menu, footer: w.hintCancel };
  },
};
