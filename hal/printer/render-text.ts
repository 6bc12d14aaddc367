// Plain-text rendering of a receipt: what the paper would look like, one
// string per printed line, each at most `columns` cells wide (Chinese text
// counts two cells, see hal/display/width.ts). Used by the simulated printer
// (documents on screen and in files) and by tests that read receipts.
//
// Faithful where it matters for layout: `large` text is double width on a
// thermal printer, so it wraps at half the columns (and is centred); bold has
// no plain-text form and prints as-is.
import { alignCells, cellWidth, wrapCells } from '../display/width.ts';
import type { DocLine, PrintDocument } from './types.ts';

/** Blank lines a single `feed` may add: a document cannot run the paper out by mistake. */
const MAX_FEED = 20;

const trimmed = (lines: string[]): string[] => lines.map((line) => line.trimEnd());

function centred(text: string, columns: number): string[] {
  return wrapCells(text, columns).map((line) => alignCells(line, columns, 'center'));
}

/** Label left, value right; the label wraps when both do not fit on one line. */
function pair(left: string, right: string, columns: number): string[] {
  const valueWidth = cellWidth(right);
  if (cellWidth(left) + 1 + valueWidth <= columns) {
    return [left + ' '.repeat(columns - cellWidth(left) - valueWidth) + right];
  }
  const labels = left === '' ? [] : wrapCells(left, columns);
  const last = labels.pop();
  const out = [...labels];
  if (last !== undefined && cellWidth(last) + 1 + valueWidth <= columns) {
    out.push(last + ' '.repeat(columns - cellWidth(last) - valueWidth) + right);
    return out;
  }
  if (last !== undefined) out.push(last);
  // The value alone on its line(s), still flush right.
  for (const line of wrapCells(right, columns)) out.push(alignCells(line, columns, 'right'));
  return out;
}

function barcode(data: string, columns: number): string[] {
  for (const bars of ['|||||', '|||', '|']) {
    const line = `${bars} ${data} ${bars}`;
    if (cellWidth(line) <= columns) return [alignCells(line, columns, 'center')];
  }
  return centred(data, columns);
}

function renderLine(line: DocLine, columns: number): string[] {
  switch (line.kind) {
    case 'text': {
      if (line.large) {
        const half = Math.max(1, Math.floor(columns / 2));
        return wrapCells(line.text, half).map((l) => alignCells(l, columns, 'center'));
      }
      return wrapCells(line.text, columns).map((l) => alignCells(l, columns, line.align ?? 'left'));
    }
    case 'pair':
      return pair(line.left, line.right, columns);
    case 'rule':
      return ['-'.repeat(columns)];
    case 'feed':
      return Array.from({ length: Math.min(MAX_FEED, Math.max(0, Math.floor(line.lines) || 0)) }, () => '');
    case 'qr':
      return ['', ...centred(`[QR] ${line.data}`, columns), ''];
    case 'barcode':
      return barcode(line.data, columns);
    default:
      return []; // a kind this renderer does not know prints nothing rather than garbage
  }
}

/** The cut mark at the end of a document: `✂ - - - -` across the paper. */
export const cutLine = (columns: number): string => ('✂' + ' -'.repeat(columns)).slice(0, columns).trimEnd();

/** `doc` as printed lines at `columns` cells, trailing spaces trimmed; ends with the cut mark unless `cut: false`. */
export function renderText(doc: PrintDocument, columns: number): string[] {
  const width = Math.max(1, Math.floor(columns));
  const lines = doc.lines.flatMap((line) => renderLine(line, width));
  if (doc.cut !== false) lines.push(cutLine(width));
  return trimmed(lines);
}
