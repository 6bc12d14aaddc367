// A plain text table that fits a terminal: columns as wide as their widest
// cell, and when the whole is wider than the screen the columns marked
// `shrink` give up width first (their cells end with "…"). Width is counted
// in terminal cells, so a reason in Chinese lines up too.
import { alignCells, cellWidth, truncateCells } from '../../hal/display/width.ts';

export interface Column {
  title: string;
  align?: 'left' | 'right';
  /** May be cut to make the table fit (reasons, details). */
  shrink?: boolean;
}

const GAP = '  ';
/** A shrinking column keeps at least this many cells. */
const MIN_SHRUNK = 8;
const LAST_RESORT = 3;

/** The screen width when stdout is a terminal, else 80 (a pipe, a log, a CI job). */
export function screenWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  return stream.isTTY && stream.columns && stream.columns >= 40 ? stream.columns : 80;
}

export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[], width = 80): string {
  const clean = rows.map((row) => columns.map((_, i) => oneLine(row[i] ?? '')));
  const widths = columns.map((c, i) => Math.max(cellWidth(c.title), ...clean.map((r) => cellWidth(r[i]!))));
  let excess = widths.reduce((a, b) => a + b, 0) + GAP.length * (columns.length - 1) - width;
  // The widest shrinkable column gives up one cell at a time, so that two
  // long columns end up sharing what is left instead of one losing it all;
  // below MIN_SHRUNK only when the other columns (long ids) leave no choice.
  for (const floor of [MIN_SHRUNK, LAST_RESORT]) {
    while (excess > 0) {
      let widest = -1;
      columns.forEach((c, i) => {
        if (c.shrink && widths[i]! > floor && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
      });
      if (widest < 0) break;
      widths[widest]!--;
      excess--;
    }
  }
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => alignCells(ellipsis(cell, widths[i]!), widths[i]!, columns[i]!.align ?? 'left'))
      .join(GAP)
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...clean.map(line)].join('\n');
}

function ellipsis(s: string, width: number): string {
  return cellWidth(s) <= width ? s : truncateCells(s, width - 1) + '…';
}

/** Newlines and tabs from a terminal's reason would break the table. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** "45s", "12m", "3h05m", "2d04h": an age that fits a narrow column. */
export function age(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}
