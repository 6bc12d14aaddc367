// Turns a screen's view (title, lines, key hints) into the display's fixed
// grid: the title row emphasised, lines word-wrapped, hints on the last row.
import { alignCells, cellWidth, fitCells, wrapCells } from '../hal/display/width.ts';
import type { Frame } from '../hal/display/types.ts';

export interface View {
  title: string;
  /** Right side of the title row (ONLINE / OFFLINE on home). */
  status?: string;
  lines: string[];
  /** Key hints, always on the last row. */
  footer?: string;
  /** Index into `lines` of the highlighted line (selection in lists). */
  selected?: number;
}

export function layout(view: View, size: { rows: number; cols: number }): Frame {
  const { rows, cols } = size;
  const out: string[] = [];
  const emphasis: number[] = [0];
  const status = view.status ?? '';
  const titleRoom = cols - (status ? cellWidth(status) + 1 : 0);
  out.push(fitCells(view.title, titleRoom) + (status ? ' ' + status : ''));
  const bodyRows = rows - 1 - (view.footer ? 1 : 0);
  const body: string[] = [];
  view.lines.forEach((line, i) => {
    const wrapped = line === '' ? [''] : wrapCells(line, cols);
    if (i === view.selected) emphasis.push(out.length + body.length);
    body.push(...wrapped);
  });
  if (body.length > bodyRows) {
    body.length = bodyRows;
    body[bodyRows - 1] = fitCells(body[bodyRows - 1]!, cols - 1) + '…';
  }
  for (const line of body) out.push(fitCells(line, cols));
  while (out.length < rows - (view.footer ? 1 : 0)) out.push(fitCells('', cols));
  if (view.footer) out.push(alignCells(fitCells(view.footer, cols).trimEnd(), cols, 'left'));
  return { rows: out, emphasis };
}
