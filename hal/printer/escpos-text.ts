// Text on an ESC/POS printer: which bytes a string becomes, and how many
// columns it takes on the paper.
//
// `gb18030` — printers with a Chinese font (most sold with terminals in
// China). A document with any non-ASCII text switches the printer to Chinese
// character mode (FS &) and its text is encoded GB18030; ASCII bytes print the
// same in both modes, so an English receipt never needs the Chinese mode.
// `pc437` — printers without a Chinese font: code table PC437 (ESC t 0);
// a character it lacks prints as `?` (× as x: reports count with it).
//
// node-thermal-printer's own text encoding is not used: it encodes one
// character at a time with whatever single-byte code page answers first
// (EUC-JP under `ESC R 8` for 退, with no character set configured), never
// sends FS &, and counts line width in UTF-16 units.
import iconv from 'iconv-lite';
import { charWidth } from '../display/width.ts';

export type CodePage = 'gb18030' | 'pc437';

export const CODE_PAGES: readonly CodePage[] = ['gb18030', 'pc437'];

/** FS & — select Kanji (Chinese) character mode (ESC/POS reference, "FS &"). */
export const CHINESE_ON = Uint8Array.of(0x1c, 0x26);
/** FS . — cancel Kanji (Chinese) character mode. */
export const CHINESE_OFF = Uint8Array.of(0x1c, 0x2e);

const NON_ASCII = /[^\u0000-\u007f]/u;
// Control characters would reach the printer as commands (ESC p kicks the cash drawer).
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/gu;
// Private use: never in receipt text, used below to pad layout widths.
const FILLER = '\ue000';

export const hasNonAscii = (text: string): boolean => NON_ASCII.test(text);

/** `value` as printable text: no control characters; newlines kept only when `multiline`. */
export function clean(value: unknown, options: { multiline?: boolean } = {}): string {
  const text = String(value ?? '').replace(CONTROLS, '').replaceAll(FILLER, '');
  return options.multiline ? text : text.replace(/\r?\n/g, ' ');
}

/** The bytes of `text` for `codePage` (layout fillers removed). */
export function encodeText(text: string, codePage: CodePage): Buffer {
  const plain = text.replaceAll(FILLER, '');
  return iconv.encode(plain, codePage === 'gb18030' ? 'gb18030' : 'cp437');
}

/**
 * `text` prepared for hal/display/width.ts, so that its cell counts are the
 * paper's columns. In Chinese mode every multi-byte character prints from the
 * 24-dot Chinese font, two columns wide, even those Unicode counts as narrow
 * (¥ × é ·, even a combining mark): fillers after it make up the difference. In PC437 what the code
 * table lacks becomes `?`, one column. `fromLayout` removes the fillers.
 */
export function forLayout(text: string, codePage: CodePage): string {
  if (codePage === 'pc437') return iconv.decode(iconv.encode(text.replaceAll('×', 'x'), 'cp437'), 'cp437');
  let out = '';
  for (const ch of text) out += ch.codePointAt(0)! > 0x7f ? ch + FILLER.repeat(2 - charWidth(ch)) : ch;
  return out;
}

export const fromLayout = (text: string): string => text.replaceAll(FILLER, '');
