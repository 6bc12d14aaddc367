// What a matrix scan means, without any GPIO: per-key debounce, one report
// per press, and the ghosting rule. Pure, so that it is tested on its own
// and the driver (gpio.ts) only moves lines.
//
// Debounce: a key's reading must stay the same for `debounceMs` (over the
// scans that see it) before the key counts as pressed or released, so that
// neither the bounce of a press nor that of a release makes a second press.
//
// Ghosting: on a matrix without diodes, keys (r1,c1), (r1,c2), (r2,c1) held
// together connect row r2 to column c2 through the other three, and (r2,c2)
// reads pressed. Every phantom is therefore a corner of a rectangle of keys
// that read pressed, and a key that is the corner of no such rectangle is
// real. So: a newly pressed key is reported unless it is the corner of a
// rectangle of keys that read (or are held) pressed; such a key is ambiguous
// and is never reported for this press, even once the rectangle goes away
// (a key reported late would surprise more than a key that needs pressing
// again). Two keys at once never make a rectangle, so they are always both
// reported; a phantom key never is.

export interface MatrixScanOptions {
  rows: number;
  cols: number;
  debounceMs: number;
}

interface KeyState {
  /** The last reading. */
  raw: boolean;
  /** When the reading last changed. */
  changedAt: number;
  /** Debounced: pressed (reported or not, it is not reported again until released). */
  down: boolean;
}

export class MatrixScan {
  readonly #options: MatrixScanOptions;
  #keys: KeyState[][] = [];

  constructor(options: MatrixScanOptions) {
    this.#options = options;
    this.reset();
  }

  /**
   * Starts afresh. Keys in `held` (a first reading) count as already down,
   * so a key held while the keypad starts is not reported until it is
   * pressed again, as a key typed before start is dropped.
   */
  reset(held: readonly (readonly boolean[])[] = []): void {
    const { rows, cols } = this.#options;
    this.#keys = Array.from({ length: rows }, (_, r) =>
      Array.from({ length: cols }, (_, c) => {
        const down = held[r]?.[c] ?? false;
        return { raw: down, changedAt: -Infinity, down };
      }),
    );
  }

  /**
   * Takes the readings of one scan (`pressed[r][c]`) made at `now`, and
   * returns the keys to report as [row, col], in row-major order.
   */
  update(pressed: readonly (readonly boolean[])[], now: number): Array<[number, number]> {
    const newly: Array<[number, number]> = [];
    this.#forEach((key, r, c) => {
      const raw = pressed[r]?.[c] ?? false;
      if (raw !== key.raw) {
        key.raw = raw;
        key.changedAt = now;
      }
      if (key.raw === key.down || now - key.changedAt < this.#options.debounceMs) return;
      key.down = key.raw;
      if (key.down) newly.push([r, c]);
    });
    // Judged once every key of this scan is updated: keys that settle
    // together (a press that makes a phantom) see each other.
    return newly.filter(([r, c]) => !this.#cornerOfRectangle(r, c));
  }

  /** No key held, settling or bouncing: the scanner may rest. */
  get quiet(): boolean {
    return this.#keys.every((row) => row.every((key) => !key.raw && !key.down));
  }

  #held(r: number, c: number): boolean {
    const key = this.#keys[r]![c]!;
    return key.raw || key.down;
  }

  #cornerOfRectangle(r: number, c: number): boolean {
    const { rows, cols } = this.#options;
    for (let r2 = 0; r2 < rows; r2++) {
      if (r2 === r || !this.#held(r2, c)) continue;
      for (let c2 = 0; c2 < cols; c2++) {
        if (c2 !== c && this.#held(r, c2) && this.#held(r2, c2)) return true;
      }
    }
    return false;
  }

  #forEach(fn: (key: KeyState, r: number, c: number) => void): void {
    this.#keys.forEach((row, r) => row.forEach((key, c) => fn(key, r, c)));
  }
}
