// Indicators contract: LEDs and buzzer. A terminal without them uses the `none` driver.

/** click: key press; success: approved; error: declined/refused; attention: needs the merchant. */
export type Signal = 'click' | 'success' | 'error' | 'attention';

export interface Indicators {
  /** Plays `signal`; never throws and never blocks (a pattern in progress is replaced). */
  signal(signal: Signal): void;
  start(): Promise<void>;
  /** Turns every LED and the buzzer off; idempotent. */
  stop(): Promise<void>;
}
