// The one source of time for the runtime and (through events) the screens.
// Injected, so tests run minutes of screen time in microseconds, as with
// XState's SimulatedClock.

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref?.();
    return () => clearInterval(timer);
  },
};

/** A clock that moves only when told to; intervals fire as it passes them. */
export class SimClock implements Clock {
  #now: number;
  #timers = new Set<{ ms: number; next: number; fn: () => void }>();

  constructor(start: number | Date = Date.parse('2026-11-27T08:00:00Z')) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.#now;
  }

  every(ms: number, fn: () => void): () => void {
    const timer = { ms, next: this.#now + ms, fn };
    this.#timers.add(timer);
    return () => this.#timers.delete(timer);
  }

  /** Moves time forward by `ms`, firing every interval it passes, in time order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let due: { ms: number; next: number; fn: () => void } | undefined;
      for (const timer of this.#timers) if (timer.next <= end && (!due || timer.next < due.next)) due = timer;
      if (!due) break;
      this.#now = due.next;
      due.next += due.ms;
      due.fn();
    }
    this.#now = end;
  }
}
