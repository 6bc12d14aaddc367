// Simulated display: keeps what a real display would show, for tests and for
// the simulator's own checks. Like the real drivers it never throws on
// render: a frame that does not fit the display is made to fit (rows cut or
// padded with fitCells, missing rows blank, extra rows dropped) and the
// mismatch is recorded in `problems()`, so a test can assert that screens
// only ever produce frames of the right shape.
import type { Logger } from '../../src/runtime/log.ts';
import type { Display, DisplaySize, Frame } from './types.ts';
import { cellWidth, fitCells } from './width.ts';

export interface SimDisplayOptions {
  /** Default 10 rows × 32 columns, as config/default.json. */
  size?: DisplaySize;
  /** How many past frames `history()` keeps (default 200). */
  historyLimit?: number;
  logger?: Logger;
}

export type FrameMatch = RegExp | ((text: string, frame: Frame) => boolean);

interface Waiter {
  matches: (frame: Frame) => boolean;
  resolve: (frame: Frame) => void;
}

/** Rows joined with '\n', trailing spaces trimmed from each row. */
export const frameText = (frame: Frame): string => frame.rows.map((row) => row.trimEnd()).join('\n');

export class SimDisplay implements Display {
  readonly size: DisplaySize;
  readonly #historyLimit: number;
  readonly #logger: Logger | undefined;
  #history: Frame[] = [];
  #count = 0;
  #problems: string[] = [];
  #waiters = new Set<Waiter>();

  constructor(options: SimDisplayOptions = {}) {
    this.size = { ...(options.size ?? { rows: 10, cols: 32 }) };
    this.#historyLimit = Math.max(1, options.historyLimit ?? 200);
    this.#logger = options.logger;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  render(frame: Frame): void {
    const shown = this.#normalise(frame);
    this.#count++;
    this.#history.push(shown);
    if (this.#history.length > this.#historyLimit) this.#history.shift();
    for (const waiter of this.#waiters) {
      if (waiter.matches(shown)) waiter.resolve(shown);
    }
  }

  // ---- back door ----

  /** The frame shown now (as normalised), or null before the first render. */
  frame(): Frame | null {
    return this.#history[this.#history.length - 1] ?? null;
  }

  /** The text shown now: rows joined with '\n', trailing spaces trimmed; '' before the first render. */
  text(): string {
    const frame = this.frame();
    return frame ? frameText(frame) : '';
  }

  /** How many frames were rendered since creation (not bounded by the history). */
  frames(): number {
    return this.#count;
  }

  /** The last frames rendered, oldest first (at most `historyLimit`). */
  history(): readonly Frame[] {
    return [...this.#history];
  }

  /** The frames that had to be fixed to fit the display, described, oldest first (at most `historyLimit`). */
  problems(): readonly string[] {
    return [...this.#problems];
  }

  /**
   * Resolves with the first frame — the one shown now, or a later one — whose
   * text matches; rejects after `timeoutMs` with the text last shown.
   */
  waitFor(match: FrameMatch, timeoutMs = 2000): Promise<Frame> {
    const matches = (frame: Frame) =>
      typeof match === 'function' ? match(frameText(frame), frame) : match.test(frameText(frame));
    const current = this.frame();
    if (current && matches(current)) return Promise.resolve(current);
    return new Promise<Frame>((resolve, reject) => {
      const waiter: Waiter = {
        matches,
        resolve: (frame) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(frame);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`display: no frame matched ${String(match)} within ${timeoutMs} ms; showing:\n${this.text()}`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  #normalise(frame: Frame): Frame {
    const { rows, cols } = this.size;
    const given: unknown[] = Array.isArray(frame?.rows) ? frame.rows : [];
    const problems: string[] = [];
    if (given.length !== rows) problems.push(`${given.length} rows for a ${rows}-row display`);
    const out: string[] = [];
    for (let i = 0; i < rows; i++) {
      const row = given[i] === undefined ? '' : String(given[i]);
      const width = cellWidth(row);
      if (width > cols) problems.push(`row ${i} is ${width} cells wide, cut to ${cols}: ${JSON.stringify(row)}`);
      out.push(fitCells(row, cols));
    }
    const emphasis = (Array.isArray(frame?.emphasis) ? frame.emphasis : []).filter(
      (i) => Number.isInteger(i) && i >= 0 && i < rows,
    );
    if (problems.length) {
      const note = `frame ${this.#count + 1}: ${problems.join('; ')}`;
      this.#problems.push(note);
      if (this.#problems.length > this.#historyLimit) this.#problems.shift();
      this.#logger?.warn({ problems }, 'display frame did not fit the display');
    }
    return emphasis.length ? { rows: out, emphasis } : { rows: out };
  }
}
