// The board has no real-time clock: at every connect the terminal asks the
// host for the time (`time.get`), corrects for half the round trip, and
// reports a skew over a minute (`clock_skew` on events). Signed payload times
// are judged on the corrected clock (`now()`), and only once it has been
// checked (`checked()`, `onChecked`): before that, the local clock of a board
// without a real-time clock can be days off.
import type { Logger } from '../runtime/log.ts';
import type { HostClient } from './host-client.ts';

export const SKEW_LIMIT_MS = 60_000;

export interface ClockCheckOptions {
  host: Pick<HostClient, 'time'>;
  /** Local time, epoch ms. */
  localNow: () => number;
  logger: Logger;
  onSkew?: (skewMs: number) => void;
}

export interface ClockReading {
  /** host − local, ms (positive: the local clock is behind). */
  offsetMs: number;
  roundTripMs: number;
}

export class ClockCheck {
  readonly #o: ClockCheckOptions;
  #offsetMs = 0;
  #last: ClockReading | undefined;
  readonly #checkedListeners = new Set<() => void>();

  constructor(options: ClockCheckOptions) {
    this.#o = options;
  }

  /** Local time corrected by the last reading from the host. */
  now(): number {
    return this.#o.localNow() + this.#offsetMs;
  }

  last(): ClockReading | undefined {
    return this.#last;
  }

  /** True once the host has answered a check: `now()` can be trusted from then on. */
  checked(): boolean {
    return this.#last !== undefined;
  }

  /** Called after each successful check (the first one is what waiting parts look for). */
  onChecked(listener: () => void): () => void {
    this.#checkedListeners.add(listener);
    return () => this.#checkedListeners.delete(listener);
  }

  async check(): Promise<ClockReading | undefined> {
    const { host, localNow, logger } = this.#o;
    const sent = localNow();
    const answer = await host.time();
    const received = localNow();
    if (answer.kind !== 'ok') {
      logger.info({ answer: answer.kind }, 'clock check: no usable answer');
      return undefined;
    }
    const roundTripMs = received - sent;
    const hostAtReceive = Date.parse(answer.value) + roundTripMs / 2;
    const reading = { offsetMs: Math.round(hostAtReceive - received), roundTripMs };
    this.#offsetMs = reading.offsetMs;
    this.#last = reading;
    if (Math.abs(reading.offsetMs) > SKEW_LIMIT_MS) {
      logger.warn(reading, 'clock check: the local clock is off by more than a minute');
      this.#o.onSkew?.(reading.offsetMs);
    } else {
      logger.info(reading, 'clock check');
    }
    for (const listener of [...this.#checkedListeners]) listener();
    return reading;
  }
}
