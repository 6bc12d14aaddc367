// A matrix keypad wired to a FakeGpioChip: key (r, c) is a switch between
// row line r and column line c, as on a membrane keypad without diodes.
// Pressing or releasing a key makes its contact bounce before it settles,
// on the injected clock. Since nothing but wires is modelled, a driver sees
// here exactly what it would see on a board: bounce, keys held together,
// and the phantom keys (ghosting) that three keys at the corners of a
// rectangle make on a matrix without diodes.
import type { FakeGpioChip, FakeSwitch, Pull } from './fake.ts';
import { after, type Clock } from './timing.ts';

/**
 * A plausible contact: closes, then opens and closes again after these gaps
 * (ms) before settling, about 4 ms in all (membrane keys bounce for a few
 * ms; tactile switches up to 10–20).
 */
export const DEFAULT_BOUNCE: readonly number[] = [0.3, 0.5, 0.4, 0.8, 0.6, 1.2];

export interface FakeKeypadMatrixOptions {
  chip: FakeGpioChip;
  /** Row and column lines (offsets on the chip). */
  rows: readonly number[];
  cols: readonly number[];
  clock: Clock;
  /** Pull resistors on every row and column line (default 'up', as the driver needs). */
  pull?: Pull;
  /** Default bounce of every press and release; [] for a perfect contact. */
  bounce?: readonly number[];
}

export interface ActionOptions {
  /** Gaps (ms) between the contact's changes after the first one (an even number: it ends where it was going). */
  bounce?: readonly number[];
}

export class FakeKeypadMatrix {
  readonly #switches: FakeSwitch[][];
  readonly #clock: Clock;
  readonly #bounce: readonly number[];
  /** Pending bounce of each key, cancelled when the key changes again. */
  readonly #pending = new Map<FakeSwitch, Array<() => void>>();
  readonly #down = new Set<FakeSwitch>();

  constructor(options: FakeKeypadMatrixOptions) {
    const { chip, rows, cols } = options;
    this.#clock = options.clock;
    this.#bounce = options.bounce ?? DEFAULT_BOUNCE;
    for (const line of [...rows, ...cols]) chip.setPull(line, options.pull ?? 'up');
    this.#switches = rows.map((row) => cols.map((col) => chip.switch(row, col)));
  }

  /** Presses key (row, col): the contact closes now, bounces, and stays closed. */
  press(row: number, col: number, options: ActionOptions = {}): void {
    this.#move(this.#switch(row, col), true, options.bounce ?? this.#bounce);
  }

  /** Releases key (row, col): the contact opens now, bounces, and stays open. */
  release(row: number, col: number, options: ActionOptions = {}): void {
    this.#move(this.#switch(row, col), false, options.bounce ?? this.#bounce);
  }

  /** Is the key held (whatever its contact is doing while it bounces)? */
  isDown(row: number, col: number): boolean {
    return this.#down.has(this.#switch(row, col));
  }

  #switch(row: number, col: number): FakeSwitch {
    const sw = this.#switches[row]?.[col];
    if (!sw) throw new RangeError(`no key at row ${row}, column ${col}`);
    return sw;
  }

  #move(sw: FakeSwitch, closed: boolean, bounce: readonly number[]): void {
    if (bounce.length % 2 !== 0 || bounce.some((gap) => !(gap > 0))) {
      throw new RangeError(`a bounce is an even number of gaps > 0 (away, back…), so that the contact ends where it was going: ${JSON.stringify(bounce)}`);
    }
    for (const cancel of this.#pending.get(sw) ?? []) cancel();
    if (closed) this.#down.add(sw);
    else this.#down.delete(sw);
    sw.set(closed);
    let at = 0;
    const timers = bounce.map((gap, i) => {
      at += gap;
      // Changes alternate: away from the final state, back to it.
      return after(this.#clock, at, () => sw.set(i % 2 === 0 ? !closed : closed));
    });
    this.#pending.set(sw, timers);
  }
}
