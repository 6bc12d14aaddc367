// Display on a text terminal: this terminal window in the simulator, or the
// board's console (`path: '/dev/tty1'`) behind a small HDMI/SPI screen.
//
// The frame is drawn inside a box at the top-left corner, on the alternate
// screen with the cursor hidden, so that quitting gives the user back the
// terminal as it was. Only rows that changed since the last frame are
// rewritten: a Pi Zero's console redraws slowly and a full repaint on every
// key press flickers. CJK characters are two cells (width.ts); after each row
// the right border is placed by cursor position rather than by counting, so a
// terminal that disagrees about a character's width cannot push it sideways.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Logger } from '../../src/runtime/log.ts';
import type { Display, DisplaySize, Frame } from './types.ts';
import { fitCells, truncateCells } from './width.ts';

export interface TtyDisplayOptions {
  /** Default 10 rows × 32 columns, as config/default.json. */
  size?: DisplaySize;
  /** Where to draw (default process.stdout); ignored when `path` is given. */
  output?: NodeJS.WritableStream;
  /** A terminal device to open for writing, e.g. `/dev/tty1` on a board: it must exist (never created, never truncated). */
  path?: string;
  logger?: Logger;
}

const ESC = '\x1b[';
export const ALT_SCREEN_ON = `${ESC}?1049h`;
export const ALT_SCREEN_OFF = `${ESC}?1049l`;
export const CURSOR_HIDE = `${ESC}?25l`;
export const CURSOR_SHOW = `${ESC}?25h`;
const CLEAR = `${ESC}2J${ESC}H`;
const INVERSE = `${ESC}7m`;
const RESET = `${ESC}0m`;
const CLEAR_LINE = `${ESC}2K`;
const ERASE_RIGHT = `${ESC}K`;
/** Moves the cursor to a 1-based terminal row and column. */
export const moveTo = (row: number, col: number): string => `${ESC}${row};${col}H`;

export class TtyDisplay implements Display {
  readonly size: DisplaySize;
  readonly #path: string | undefined;
  readonly #logger: Logger | undefined;
  #out: NodeJS.WritableStream | null;
  #opened = false; // we opened #out ourselves and must close it
  #started = false;
  /** What each row shows now (text plus emphasis), null when unknown. */
  #shown: Array<string | null>;
  #rows: string[];
  #emphasis = new Set<number>();
  #footer = '';
  #footerShown: string | null = null;
  #aside: Record<'right' | 'below', string[]> = { right: [], below: [] };
  readonly #onError = (error: Error) => this.#logger?.error({ err: error }, 'display output failed');

  constructor(options: TtyDisplayOptions = {}) {
    this.size = { ...(options.size ?? { rows: 10, cols: 32 }) };
    this.#path = options.path;
    this.#logger = options.logger;
    this.#out = options.path ? null : (options.output ?? process.stdout);
    this.#rows = Array.from({ length: this.size.rows }, () => '');
    this.#shown = this.#rows.map(() => null);
  }

  async start(): Promise<void> {
    if (this.#started) return;
    if (this.#path) {
      // A device is opened as it is: no O_CREAT, no O_TRUNC (a wrong path
      // fails instead of making a file, and a path naming a file cannot wipe
      // it), appending (a file is never written over), and without becoming
      // this process's controlling terminal.
      let device: FileHandle;
      try {
        device = await open(this.#path, constants.O_WRONLY | constants.O_APPEND | constants.O_NOCTTY);
      } catch (error) {
        throw new Error(`cannot open display ${this.#path}: ${(error as Error).message}`);
      }
      this.#out = device.createWriteStream();
      this.#opened = true;
    }
    this.#out!.on('error', this.#onError);
    this.#started = true;
    this.#write(ALT_SCREEN_ON + CURSOR_HIDE + this.#fullPaint());
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    const out = this.#out!;
    // Clearing before leaving the alternate screen also leaves a clean screen
    // on consoles that have no alternate screen (the Linux console).
    this.#write(RESET + CLEAR + CURSOR_SHOW + ALT_SCREEN_OFF);
    out.off('error', this.#onError);
    if (this.#opened) {
      await new Promise<void>((resolve) => out.end(() => resolve()));
      this.#out = null;
      this.#opened = false;
    }
  }

  /** Before start() the frame is only kept, and drawn by start(). */
  render(frame: Frame): void {
    const given: unknown[] = Array.isArray(frame?.rows) ? frame.rows : [];
    this.#rows = this.#rows.map((_, i) => fitCells(given[i] === undefined ? '' : String(given[i]), this.size.cols));
    const emphasis = Array.isArray(frame?.emphasis) ? frame.emphasis : [];
    this.#emphasis = new Set(emphasis.filter((i) => Number.isInteger(i)));
    if (!this.#started) return;
    let out = '';
    for (let i = 0; i < this.size.rows; i++) out += this.#paintRow(i);
    this.#write(out);
  }

  /** A status/hint line under the box (e.g. "F1 scan · F2 network · Ctrl-C quit"); '' hides it. */
  setFooter(text: string): void {
    this.#footer = text;
    if (this.#started) this.#write(this.#paintFooter());
  }

  /**
   * Extra text beside the display, for a console wider or taller than the
   * terminal's own screen (the simulator shows its demo data and the last
   * receipt there): `right` of the box, or `below` the footer.
   */
  setAside(where: 'right' | 'below', lines: string[]): void {
    const before = this.#aside[where];
    this.#aside[where] = lines;
    if (this.#started) this.#write(this.#paintAside(where, Math.max(before.length, lines.length)));
  }

  /** Paints everything again, e.g. after the terminal was resized or written over. */
  redraw(): void {
    if (this.#started) this.#write(this.#fullPaint());
  }

  #fullPaint(): string {
    const { rows, cols } = this.size;
    const line = '─'.repeat(cols);
    let out = CLEAR + moveTo(1, 1) + `┌${line}┐`;
    for (let i = 0; i < rows; i++) out += moveTo(i + 2, 1) + '│' + moveTo(i + 2, cols + 2) + '│';
    out += moveTo(rows + 2, 1) + `└${line}┘`;
    this.#shown = this.#shown.map(() => null);
    this.#footerShown = null;
    for (let i = 0; i < rows; i++) out += this.#paintRow(i);
    return out + this.#paintFooter() + this.#paintAside('right', 0) + this.#paintAside('below', 0);
  }

  #paintAside(where: 'right' | 'below', clearUpTo: number): string {
    const out = this.#out as { columns?: number; rows?: number } | null;
    const termCols = out?.columns ?? Infinity;
    const termRows = out?.rows ?? Infinity;
    const lines = this.#aside[where];
    // Right of the box: to the end of the line. Below: as wide as the box, so
    // that a right-hand panel taller than the box is left alone.
    const right = where === 'right';
    const col = right ? this.size.cols + 4 : 1;
    const top = right ? 1 : this.size.rows + 4;
    const width = right ? termCols - col : Math.min(termCols, this.size.cols + 2);
    let text = '';
    for (let i = 0; i < Math.max(lines.length, clearUpTo); i++) {
      const row = top + i;
      if (row > termRows || width <= 0) break;
      const line = lines[i] ?? '';
      text += moveTo(row, col) + (right ? ERASE_RIGHT + truncateCells(line, width) : fitCells(line, width));
    }
    return text;
  }

  /** Escape codes that bring row `i` up to date; '' when it already shows the right thing. */
  #paintRow(i: number): string {
    const text = this.#rows[i] ?? '';
    const emphasised = this.#emphasis.has(i);
    const key = (emphasised ? '*' : ' ') + text;
    if (this.#shown[i] === key) return '';
    this.#shown[i] = key;
    const body = emphasised ? INVERSE + text + RESET : text;
    return moveTo(i + 2, 2) + body + moveTo(i + 2, this.size.cols + 2) + '│';
  }

  #paintFooter(): string {
    if (this.#footerShown === this.#footer) return '';
    this.#footerShown = this.#footer;
    // As wide as the box and padded rather than erased: a wrapped footer would
    // scroll the box away, and text beside the box (setAside) stays.
    const columns = (this.#out as { columns?: number } | null)?.columns ?? Infinity;
    return moveTo(this.size.rows + 3, 1) + fitCells(this.#footer, Math.min(columns, this.size.cols + 2));
  }

  #write(data: string): void {
    if (!data || !this.#out) return;
    try {
      this.#out.write(data);
    } catch (error) {
      // A terminal that went away must not take the terminal's logic down with it.
      this.#logger?.error({ err: error }, 'display write failed');
    }
  }
}
