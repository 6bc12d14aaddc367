// Keypad on a GPIO matrix (a membrane or button keypad without diodes).
//
// Wiring, the usual scheme: rows are driven, columns read. Every row and
// column line has a pull-up (the sysfs interface cannot set pulls: on a
// Raspberry Pi put `gpio=<rows and cols>=ip,pu` in config.txt, or fit
// resistors). A scan drives one row low at a time and reads the columns: a
// column that reads low has a key pressed on that row. The rows not being
// scanned are left as inputs (high impedance), not driven high: two keys held
// in one column would otherwise join a row driven high to the row driven low,
// as the kernel's own matrix keypad driver does unless told otherwise
// (drive_inactive_cols in drivers/input/keyboard/matrix_keypad.c).
//
// With no key held the keypad does not poll: every row is driven low and the
// columns wait for an edge (epoll, through onoff's watch); a press wakes the
// scanner, which runs every `scanIntervalMs` until every key is released and
// settled. Debounce, one report per press, and the ghosting rule are in
// gpio-scan.ts.
import type { Logger } from '../../src/runtime/log.ts';
import { systemClock, type Clock } from '../../src/runtime/clock.ts';
import { openOnoffChip } from '../gpio/onoff.ts';
import { resolveChip, type ChipSource, type GpioChip, type GpioLine } from '../gpio/types.ts';
import { duplicateLines, parseKeymap, type Keymap } from './gpio-keymap.ts';
import { MatrixScan } from './gpio-scan.ts';
import type { Key, Keypad } from './types.ts';

export interface GpioKeypadOptions {
  /** Row and column lines: offsets on the chip (BCM numbers on a Raspberry Pi). */
  rows: readonly number[];
  cols: readonly number[];
  /** keymap[row][col]: the key at each crossing, null where there is none. */
  keymap: readonly (readonly (string | null)[])[];
  /** Default 5 ms. */
  scanIntervalMs?: number;
  /** How long a reading must hold before a press or release counts; default 20 ms. */
  debounceMs?: number;
  /** Wait for an edge instead of polling while no key is held (default true). */
  idleWait?: boolean;
  /** Default: the board's header chip through onoff, found by `chipLabel` at start(). */
  chip?: ChipSource;
  /** Label of the GPIO chip (default: the Raspberry Pi header chips). */
  chipLabel?: string;
  clock?: Clock;
  logger?: Logger;
}

export class GpioKeypad implements Keypad {
  readonly #options: GpioKeypadOptions;
  readonly #keymap: Keymap;
  readonly #scanIntervalMs: number;
  readonly #clock: Clock;
  readonly #scan: MatrixScan;
  readonly #listeners = new Set<(key: Key) => void>();
  readonly #source: ChipSource;
  #chip: GpioChip | undefined;
  #rows: GpioLine[] = [];
  #cols: GpioLine[] = [];
  #mode: 'stopped' | 'idle' | 'scanning' = 'stopped';
  #stopTimer: (() => void) | undefined;
  #unwatch: Array<() => void> = [];
  #starting: Promise<void> | undefined;

  constructor(options: GpioKeypadOptions) {
    const { rows, cols } = options;
    const twice = duplicateLines([...rows, ...cols]);
    if (twice.length) throw new Error(`GPIO keypad: line(s) ${twice.join(', ')} used more than once in rows and cols`);
    if (!rows.length || !cols.length) throw new Error('GPIO keypad: needs at least one row and one column line');
    for (const name of ['scanIntervalMs', 'debounceMs'] as const) {
      const value = options[name];
      if (value !== undefined && !(value > 0 && Number.isFinite(value))) throw new Error(`GPIO keypad: ${name} must be > 0`);
    }
    this.#keymap = parseKeymap(options.keymap, rows.length, cols.length);
    this.#options = options;
    this.#scanIntervalMs = options.scanIntervalMs ?? 5;
    this.#clock = options.clock ?? systemClock;
    this.#scan = new MatrixScan({ rows: rows.length, cols: cols.length, debounceMs: options.debounceMs ?? 20 });
    this.#source =
      options.chip ?? (() => openOnoffChip({ ...(options.chipLabel ? { label: options.chipLabel } : {}), ...(options.logger ? { logger: options.logger } : {}) }));
  }

  onKey(listener: (key: Key) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): Promise<void> {
    if (this.#mode !== 'stopped') return Promise.resolve();
    this.#starting ??= this.#start().finally(() => (this.#starting = undefined));
    return this.#starting;
  }

  stop(): Promise<void> {
    // At once when not starting: a listener that stops the keypad hears no more keys.
    if (this.#starting) return this.#starting.catch(() => {}).then(() => this.#halt());
    this.#halt();
    return Promise.resolve();
  }

  #halt(): void {
    if (this.#mode === 'stopped') return;
    this.#mode = 'stopped';
    this.#quiesce();
    this.#releaseLines();
  }

  async #start(): Promise<void> {
    this.#chip ??= await resolveChip(this.#source);
    const chip = this.#chip;
    const idleWait = this.#options.idleWait ?? true;
    try {
      for (const offset of this.#options.rows) this.#rows.push(chip.open(offset, { direction: 'in' }));
      for (const offset of this.#options.cols) this.#cols.push(chip.open(offset, { direction: 'in', edge: idleWait ? 'both' : 'none' }));
      this.#checkPullUps();
      this.#scan.reset(this.#read());
    } catch (error) {
      this.#releaseLines();
      throw error;
    }
    this.#mode = 'scanning';
    if (idleWait) this.#rest();
    else this.#wake();
  }

  /**
   * With no row driven, a column can only read low if nothing pulls it up
   * (a key joins it to a row, itself pulled up): the keypad would then see
   * keys that nobody presses. Better a clear error at start.
   */
  #checkPullUps(): void {
    const low = this.#cols.filter((col) => col.read() === 0).map((col) => col.offset);
    if (!low.length) return;
    const lines = [...this.#options.rows, ...this.#options.cols].join(',');
    throw new Error(
      `GPIO keypad: column line(s) ${low.join(', ')} read low with no row driven: each row and column line needs a pull-up ` +
        `(on a Raspberry Pi, config.txt: gpio=${lines}=ip,pu), or a column is shorted to ground`,
    );
  }

  /** No key held: drive every row low and wait for a column to move. */
  #rest(): void {
    this.#quiesce();
    this.#mode = 'idle';
    for (const row of this.#rows) row.setDirection('low');
    this.#unwatch = this.#cols.map((col) => col.watch(() => this.#mode === 'idle' && this.#wake()));
    // A key pressed before the watch was set made no edge that we heard.
    if (this.#cols.some((col) => col.read() === 0)) this.#wake();
  }

  /** Something moved: scan every interval until everything is released again. */
  #wake(): void {
    this.#quiesce();
    this.#mode = 'scanning';
    for (const row of this.#rows) row.setDirection('in');
    this.#stopTimer = this.#clock.every(this.#scanIntervalMs, () => this.#tick());
    this.#tick();
  }

  #quiesce(): void {
    this.#stopTimer?.();
    this.#stopTimer = undefined;
    for (const unwatch of this.#unwatch) unwatch();
    this.#unwatch = [];
  }

  #tick(): void {
    if (this.#mode !== 'scanning') return;
    let pressed: boolean[][];
    try {
      pressed = this.#read();
    } catch (error) {
      this.#options.logger?.error({ err: error }, 'keypad scan failed');
      return;
    }
    const keys = this.#scan.update(pressed, this.#clock.now()).flatMap(([r, c]) => this.#keymap[r]?.[c] ?? []);
    if ((this.#options.idleWait ?? true) && this.#scan.quiet) this.#rest();
    for (const key of keys) this.#emit(key);
  }

  /** One scan: each row low in turn (the others high impedance), the columns read. */
  #read(): boolean[][] {
    return this.#rows.map((row) => {
      row.setDirection('low');
      try {
        return this.#cols.map((col) => col.read() === 0);
      } finally {
        row.setDirection('in');
      }
    });
  }

  #emit(key: Key): void {
    for (const listener of [...this.#listeners]) {
      // A listener may stop the keypad: nothing is reported after stop().
      if (this.#mode === 'stopped') return;
      try {
        listener(key);
      } catch (error) {
        this.#options.logger?.error({ err: error }, 'keypad listener failed');
      }
    }
  }

  #releaseLines(): void {
    for (const line of [...this.#rows, ...this.#cols]) {
      try {
        line.release();
      } catch (error) {
        this.#options.logger?.warn({ err: error, line: line.offset }, 'GPIO line release failed');
      }
    }
    this.#rows = [];
    this.#cols = [];
  }
}
