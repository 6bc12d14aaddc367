// Simulated indicators: records each signal so that tests can check that the
// terminal beeped an error on a decline, or gave a click per key press.
import type { Indicators, Signal } from './types.ts';

export class SimIndicators implements Indicators {
  #signals: Signal[] = [];

  /** Recorded whether or not started: a signal is never lost or refused (contract: never throws). */
  signal(signal: Signal): void {
    this.#signals.push(signal);
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  // ---- back door ----

  /** Every signal played since creation (or clear()), oldest first. */
  signals(): readonly Signal[] {
    return [...this.#signals];
  }

  /** The last signal played, or null. */
  last(): Signal | null {
    return this.#signals[this.#signals.length - 1] ?? null;
  }

  clear(): void {
    this.#signals = [];
  }
}
