// The signals as timed steps of the LEDs and buzzer. After the last step
// everything is off. Kept short: a click must not hide the next key's click,
// and a pattern still playing is replaced by the next signal anyway.
import type { Signal } from './types.ts';

export type Output = 'green' | 'red' | 'buzzer';
export const OUTPUTS: readonly Output[] = ['green', 'red', 'buzzer'];

/** For `ms` milliseconds, the outputs in `on` are on and the others off. */
export interface Step {
  ms: number;
  on: readonly Output[];
}

export type Pattern = readonly Step[];

const beeps = (count: number, color: Output, beepMs: number, gapMs: number): Step[] =>
  Array.from({ length: count }, (_, i) => [
    { ms: beepMs, on: [color, 'buzzer'] as Output[] },
    ...(i < count - 1 ? [{ ms: gapMs, on: [color] as Output[] }] : []),
  ]).flat();

export const DEFAULT_PATTERNS: Readonly<Record<Signal, Pattern>> = {
  // A tick, as a keypad gives.
  click: [{ ms: 15, on: ['buzzer'] }],
  // One beep, green for a second.
  success: [
    { ms: 150, on: ['green', 'buzzer'] },
    { ms: 850, on: ['green'] },
  ],
  // Three short beeps, red for a second and a half.
  error: [...beeps(3, 'red', 100, 80), { ms: 1040, on: ['red'] }],
  // Both LEDs (amber on a two-colour LED) blink twice with a beep each.
  attention: [
    { ms: 200, on: ['green', 'red', 'buzzer'] },
    { ms: 200, on: [] },
    { ms: 200, on: ['green', 'red', 'buzzer'] },
    { ms: 400, on: ['green', 'red'] },
  ],
};

/** Checks patterns given in options; throws with the first problem. */
export function checkPattern(signal: string, pattern: Pattern): void {
  pattern.forEach((step, i) => {
    if (!(step.ms > 0) || !Number.isFinite(step.ms)) throw new Error(`indicators: pattern ${signal}, step ${i}: ms must be > 0`);
    for (const output of step.on) if (!OUTPUTS.includes(output)) throw new Error(`indicators: pattern ${signal}, step ${i}: unknown output ${JSON.stringify(output)}`);
  });
}
