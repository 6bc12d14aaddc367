// The driver for a terminal without LEDs or a buzzer (`indicators.driver: "none"`):
// every signal is accepted and does nothing, so the runtime never has to ask
// whether indicators exist.
import type { Indicators, Signal } from './types.ts';

export class NoIndicators implements Indicators {
  signal(_signal: Signal): void {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}
