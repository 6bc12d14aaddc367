// The self-test at the terminal, step by step: the interactive tests the
// technician chose, one screen each, then the automatic ones (an effect the
// runtime carries out), then the report. Each interactive test is timed from
// the event that opened it to the one that ended it, and fails when nobody
// answers in time: a display nobody can read gets no key press.
import { KEYS } from '../../hal/keypad/types.ts';
import type { SelfTestResult, SelfTestStatus, InteractiveTest } from '../../src/domain/selftest.ts';
import { beep, type Step } from '../common.ts';
import type { SelfTestFlow } from '../state.ts';
import type { Ctx } from '../types.ts';

/** How long a test waits for the technician (the keypad test: since the last key). */
export const TEST_TIMEOUT_MS = 30_000;

export function newFlow(todo: InteractiveTest[], automatic: boolean): SelfTestFlow {
  return { todo, automatic, done: [] };
}

/** The next interactive test's screen, or the automatic tests when none is left. */
export function nextTest(flow: SelfTestFlow, ctx: Ctx, at: number): Step {
  const [name, ...todo] = flow.todo;
  const rest: SelfTestFlow = { ...flow, todo };
  const timing = { startedAt: at, deadline: at + TEST_TIMEOUT_MS };
  switch (name) {
    case 'display':
      return { screen: { id: 'selftest.display', flow: rest, ...timing } };
    case 'keypad':
      return { screen: { id: 'selftest.keypad', flow: rest, ...timing, missing: [...(ctx.keypadKeys ?? KEYS)] } };
    case 'scanner':
      return { screen: { id: 'selftest.scanner', flow: rest, ...timing } };
  }
  return { screen: { id: 'selftest.running', flow: rest }, effects: [{ type: 'selfTest', done: flow.done, automatic: flow.automatic }] };
}

/** Records the test that just ended and moves on; a failure beeps. */
export function endTest(
  flow: SelfTestFlow,
  test: { name: InteractiveTest; startedAt: number },
  status: SelfTestStatus,
  detail: string,
  ctx: Ctx,
  at: number,
): Step {
  const result: SelfTestResult = { name: test.name, status, ms: Math.max(0, at - test.startedAt), detail };
  const step = nextTest({ ...flow, done: [...flow.done, result] }, ctx, at);
  return status === 'fail' ? { ...step, effects: [beep('error'), ...(step.effects ?? [])] } : step;
}
