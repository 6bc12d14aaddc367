// Indicators test: LEDs and buzzer give no feedback (the contract's signal()
// never fails), so the test plays a signal for the technician to see and hear,
// and says so; a terminal without indicators skips it.
import type { Indicators } from '../../../hal/indicators/types.ts';
import type { CheckOutcome } from './runner.ts';

export async function checkIndicators(indicators: Indicators, options: { fitted: boolean }): Promise<CheckOutcome> {
  if (!options.fitted) return { status: 'skipped', detail: 'no LEDs or buzzer on this terminal (indicators.driver none)' };
  indicators.signal('attention');
  return { status: 'pass', detail: 'attention signal played; LEDs and buzzer give no feedback: look and listen' };
}
