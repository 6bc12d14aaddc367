// A tiny terminal model for tests: applies the escape codes the TTY display
// uses (cursor position, clear screen / line, inverse video, private modes)
// to a grid of cells, so that tests can read what a user would see.
import { charWidth } from '../../../hal/display/width.ts';

export class Screen {
  cells: string[][] = [];
  inverse: boolean[][] = [];
  modes = new Map<string, boolean>();
  #row = 0;
  #col = 0;
  #inverse = false;

  constructor(readonly rows = 24, readonly cols = 80) {
    this.#clear();
  }

  write(data: string): void {
    const re = /\x1b\[([?]?)([0-9;]*)([A-Za-z])/y;
    let i = 0;
    while (i < data.length) {
      re.lastIndex = i;
      const m = data[i] === '\x1b' ? re.exec(data) : null;
      if (m) {
        this.#csi(m[1]!, m[2]!, m[3]!);
        i = re.lastIndex;
        continue;
      }
      const ch = String.fromCodePoint(data.codePointAt(i)!);
      i += ch.length;
      this.#put(ch);
    }
  }

  /** Row `r` (0-based) as text, trailing spaces trimmed. */
  line(r: number): string {
    return (this.cells[r] ?? []).join('').trimEnd();
  }

  /** The cells of row `r` from column `from` (0-based), `width` cells. */
  slice(r: number, from: number, width: number): string {
    return (this.cells[r] ?? []).slice(from, from + width).join('');
  }

  #put(ch: string): void {
    const w = charWidth(ch);
    if (w === 0) return;
    const row = this.cells[this.#row];
    if (!row) return;
    row[this.#col] = ch;
    this.inverse[this.#row]![this.#col] = this.#inverse;
    if (w === 2) row[this.#col + 1] = ''; // the right half of a wide character
    this.#col += w;
  }

  #csi(priv: string, params: string, final: string): void {
    const n = params.split(';').map((p) => (p === '' ? 0 : Number(p)));
    if (priv === '?') {
      if (final === 'h' || final === 'l') this.modes.set(params, final === 'h');
      return;
    }
    if (final === 'H') {
      this.#row = Math.max(1, n[0] || 1) - 1;
      this.#col = Math.max(1, n[1] || 1) - 1;
    } else if (final === 'J' && n[0] === 2) this.#clear();
    else if (final === 'K' && n[0] === 2) this.cells[this.#row]?.fill(' ');
    else if (final === 'm') {
      for (const p of n) {
        if (p === 7) this.#inverse = true;
        if (p === 0 || p === 27) this.#inverse = false;
      }
    }
  }

  #clear(): void {
    this.cells = Array.from({ length: this.rows }, () => Array.from({ length: this.cols }, () => ' '));
    this.inverse = Array.from({ length: this.rows }, () => Array.from({ length: this.cols }, () => false));
  }
}
