// A GPIO keypad on a fake matrix (hal/gpio/fake-matrix.ts) and a simulated
// clock: the wiring of a real board, with keys to press and time to pass.
import { FakeGpioChip } from '../../../hal/gpio/fake.ts';
import { FakeKeypadMatrix } from '../../../hal/gpio/fake-matrix.ts';
import { GpioKeypad, type GpioKeypadOptions } from '../../../hal/keypad/gpio.ts';
import type { Key } from '../../../hal/keypad/types.ts';
import { SimClock } from '../../../src/runtime/clock.ts';
import { silentLogger } from '../../../src/runtime/log.ts';

/** BCM lines of a 5 × 4 keypad (every key of types.ts, two crossings without a key). */
export const ROWS = [5, 6, 13, 19, 26];
export const COLS = [12, 16, 20, 21];
export const KEYMAP: (string | null)[][] = [
  ['1', '2', '3', 'F1'],
  ['4', '5', '6', 'F2'],
  ['7', '8', '9', 'F3'],
  ['CLEAR', '0', 'OK', 'CANCEL'],
  [null, 'F4', null, null],
];

export interface RigOptions extends Partial<GpioKeypadOptions> {
  bounce?: readonly number[];
}

export function rig(options: RigOptions = {}) {
  const clock = new SimClock(0);
  const chip = new FakeGpioChip({ clock });
  const rows = options.rows ?? ROWS;
  const cols = options.cols ?? COLS;
  const keymap = options.keymap ?? KEYMAP;
  const matrix = new FakeKeypadMatrix({ chip, rows, cols, clock, ...(options.bounce ? { bounce: options.bounce } : {}) });
  const keypad = new GpioKeypad({ chip, clock, logger: silentLogger(), scanIntervalMs: 5, debounceMs: 20, ...options, rows, cols, keymap });
  const keys: Key[] = [];
  /** When each key was reported. */
  const times: number[] = [];
  keypad.onKey((key) => {
    keys.push(key);
    times.push(clock.now());
  });
  const where = (key: Key): [number, number] => {
    for (const [r, row] of keymap.entries()) {
      const c = row.indexOf(key);
      if (c >= 0) return [r, c];
    }
    throw new Error(`no ${key} in the keymap`);
  };
  const down = (key: Key, bounce?: readonly number[]) => matrix.press(...where(key), bounce ? { bounce } : {});
  const up = (key: Key, bounce?: readonly number[]) => matrix.release(...where(key), bounce ? { bounce } : {});
  /** A press of `holdMs`, then `afterMs` released. */
  const press = (key: Key, holdMs = 60, afterMs = 60) => {
    down(key);
    clock.advance(holdMs);
    up(key);
    clock.advance(afterMs);
  };
  return { clock, chip, matrix, keypad, keys, times, down, up, press, rows, cols };
}
