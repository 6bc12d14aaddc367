// Keypad test: every key once, in any order. The screen lists the keys still
// missing; a key that never comes (a dead contact) ends the test after a
// while without keys, and the report names it.
import { KEYS, type Key } from '../../hal/keypad/types.ts';
import { t, type ScreenDef } from '../common.ts';
import { endTest, TEST_TIMEOUT_MS } from './flow.ts';

export const keyList = (keys: readonly Key[]): string => keys.join(' ');

export const selftestKeypad: ScreenDef<'selftest.keypad'> = {
  idle: false,
  on(screen, event, ctx) {
    const test = { name: 'keypad' as const, startedAt: screen.startedAt };
    if (event.type === 'tick' && event.at >= screen.deadline) {
      return endTest(screen.flow, test, 'fail', `keys never pressed: ${screen.missing.join(', ')}`, ctx, event.at);
    }
    if (event.type !== 'key') return null;
    const missing = screen.missing.filter((k) => k !== event.key);
    if (missing.length === 0) {
      return endTest(screen.flow, test, 'pass', `all ${(ctx.keypadKeys ?? KEYS).length} keys pressed`, ctx, event.at);
    }
    return { screen: { ...screen, missing, deadline: event.at + TEST_TIMEOUT_MS } };
  },
  view(screen, ctx) {
    const w = t(ctx);
    // CANCEL is one of the keys under test, so the way out is to wait: say so.
    return { title: w.selftest.names.keypad, lines: [w.selftest.pressEveryKey, '', keyList(screen.missing)], footer: w.selftest.keypadEnds(TEST_TIMEOUT_MS / 1000) };
  },
};
