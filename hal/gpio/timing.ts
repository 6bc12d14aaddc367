// One-shot timers on the runtime's injected Clock (which only has `every`),
// so that drivers run on a simulated clock in tests.
import type { Clock } from '../../src/runtime/clock.ts';

export type { Clock };

/** Calls `fn` once, `ms` from now, unless the returned function is called first. */
export function after(clock: Clock, ms: number, fn: () => void): () => void {
  const stop = clock.every(ms, () => {
    stop();
    fn();
  });
  return stop;
}
