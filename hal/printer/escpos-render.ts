// A PrintDocument as ESC/POS bytes. node-thermal-printer builds the commands
// (initialise, alignment, emphasis, size, rules, QR code, CODE128, cut); the
// layout is ours: lines are wrapped and pairs padded by hal/display/width.ts
// in paper columns (Chinese takes two), where the library would count UTF-16
// units and overflow the paper. Text bytes come from escpos-text.ts.
import thermal from 'node-thermal-printer';
import { wrapCells } from '../display/width.ts';
import { code128 } from './escpos-barcode.ts';
import { CHINESE_OFF, CHINESE_ON, clean, encodeText, forLayout, fromLayout, hasNonAscii, type CodePage } from './escpos-text.ts';
import { renderText } from './render-text.ts';
import type { Align, DocLine, PrintDocument } from './types.ts';

export interface EscposRenderOptions {
  /** Receipt width in characters of font A (32 on 58 mm paper, 48 on 80 mm). */
  columns: number;
  codePage: CodePage;
}

type Builder = InstanceType<typeof thermal.ThermalPrinter>;

interface Context extends EscposRenderOptions {
  b: Builder;
  /** The alignment the printer is in (left after ESC @): ESC a is sent only when it changes. */
  aligned: Align;
}

/** Blank lines a single `feed` may add (as in render-text.ts). */
const MAX_FEED = 20;
/** Longest QR payload printed as a code; longer ones (never a receipt's number) print as text. */
const MAX_QR = 300;
/**
 * QR module size in dots (GS ( k, function 167): 6 dots = 0.75 mm at 203 dpi,
 * large enough for the terminal's own scanner; a 16-digit number is a
 * version 1 symbol, 21 modules = 126 dots, well within 58 mm paper.
 */
const QR_CELL = 6;

export function renderEscpos(doc: PrintDocument, options: EscposRenderOptions): Buffer {
  // No `interface`: the builder never sends anything itself (see transport.ts).
  // No `characterSet`: it would make clear() and every non-ASCII character emit code-page switches.
  const b = new thermal.ThermalPrinter({
    type: thermal.PrinterTypes.EPSON,
    interface: '',
    width: options.columns,
    breakLine: thermal.BreakLine.NONE,
  });
  const ctx: Context = { ...options, b, aligned: 'left' };
  const lines: DocLine[] = Array.isArray(doc.lines) ? doc.lines : [];
  const chinese = options.codePage === 'gb18030' && lines.some((line) => Object.values(line ?? {}).some((v) => typeof v === 'string' && hasNonAscii(v)));
  // ESC @: every document starts from the printer's defaults, whatever the last one left.
  // (The library has initHardware() for it, missing from its type declarations.)
  b.add(Buffer.from([0x1b, 0x40]));
  if (chinese) b.add(Buffer.from(CHINESE_ON));
  if (options.codePage === 'pc437') b.setCharacterSet(thermal.CharacterSet.PC437_USA); // ESC t 0
  for (const line of lines) renderLine(line, ctx);
  if (chinese) b.add(Buffer.from(CHINESE_OFF));
  // ESC d 4 (feed past the cutter), GS V 0 (full cut), ESC @.
  if (doc.cut !== false) b.cut({ verticalTabAmount: 1 });
  return b.getBuffer() ?? Buffer.alloc(0);
}

function renderLine(line: DocLine, ctx: Context): void {
  switch (line?.kind) {
    case 'text':
      return text(line, ctx);
    case 'pair':
      return pair(line.left, line.right, line.bold === true, ctx);
    case 'rule':
      align('left', ctx);
      return ctx.b.drawLine('-');
    case 'feed': {
      const n = Math.min(MAX_FEED, Math.max(0, Math.floor(line.lines) || 0));
      for (let i = 0; i < n; i++) ctx.b.newLine();
      return;
    }
    case 'qr':
      return qr(clean(line.data), ctx);
    case 'barcode':
      return barcode(clean(line.data), ctx);
    default:
      return; // a kind this driver does not know prints nothing rather than garbage
  }
}

function println(layout: string, ctx: Context): void {
  ctx.b.add(encodeText(fromLayout(layout), ctx.codePage));
  ctx.b.newLine();
}

/** ESC a n. It takes effect at the start of a line, and every line here starts fresh. */
function align(to: Align, ctx: Context): void {
  if (ctx.aligned === to) return;
  ctx.aligned = to;
  if (to === 'center') ctx.b.alignCenter();
  else if (to === 'right') ctx.b.alignRight();
  else ctx.b.alignLeft();
}

function text(line: Extract<DocLine, { kind: 'text' }>, ctx: Context): void {
  const { b } = ctx;
  const large = line.large === true;
  // Double width halves the columns; large text is centred, as render-text.ts shows it.
  const width = large ? Math.max(1, Math.floor(ctx.columns / 2)) : ctx.columns;
  const to: Align = large ? 'center' : line.align === 'center' || line.align === 'right' ? line.align : 'left';
  align(to, ctx);
  if (line.bold) b.bold(true); // ESC E 1
  // GS ! 0x11, not ESC ! 0x30: GS ! also enlarges Chinese characters, and ESC ! would clear the emphasis just set.
  // (node-thermal-printer's setTextSize(height, width) puts height in the width nibble; 1, 1 is the same either way.)
  if (large) b.setTextSize(1, 1);
  for (const l of wrapCells(forLayout(clean(line.text, { multiline: true }), ctx.codePage), width)) println(l, ctx);
  if (large) b.setTextSize(0, 0);
  if (line.bold) b.bold(false);
}

function pair(left: unknown, right: unknown, bold: boolean, ctx: Context): void {
  // The same layout as the plain-text rendering: label left, value flush right, the label wrapping first.
  const laid = renderText(
    { title: 'pair', lines: [{ kind: 'pair', left: forLayout(clean(left), ctx.codePage), right: forLayout(clean(right), ctx.codePage) }], cut: false },
    ctx.columns,
  );
  align('left', ctx);
  if (bold) ctx.b.bold(true);
  for (const l of laid) println(l, ctx);
  if (bold) ctx.b.bold(false);
}

function qr(data: string, ctx: Context): void {
  // The library counts the payload in UTF-16 units but sends it as UTF-8: only ASCII keeps the length right.
  if (!/^[\x20-\x7e]+$/.test(data) || data.length > MAX_QR) return fallback(data, ctx);
  align('center', ctx);
  // GS ( k: model 2, module size, error correction M (15 %), store, print.
  ctx.b.printQR(data, { model: 2, cellSize: QR_CELL, correction: 'M' });
  ctx.b.newLine();
}

function barcode(data: string, ctx: Context): void {
  // Font A is 12 dots wide: 32 columns are the 384 dots of 58 mm paper, 48 the 576 of 80 mm.
  const symbol = code128(data, { maxDots: ctx.columns * 12 });
  if (!symbol) return fallback(data, ctx);
  align('center', ctx);
  if (symbol.kind === 'raw') ctx.b.add(symbol.bytes);
  else ctx.b.printBarcode(symbol.data, 73, symbol.settings);
}

/** A code the printer could not print (too long, not ASCII) is printed as text, centred: still readable. */
function fallback(data: string, ctx: Context): void {
  if (data) text({ kind: 'text', text: data, align: 'center' }, ctx);
}
