// CODE128 for ESC/POS: GS k m=73 n d1…dn (ESC/POS reference, "GS k",
// function B). The data starts with a code set selection — `{A`, `{B` or
// `{C` — and a literal `{` is sent as `{{`. In code set C each byte 0–99
// stands for two digits, which halves the width of a number: a 16-digit order
// number in code set B is 211 modules, 422 dots at the narrowest module most
// printers accept (2 dots) — wider than 58 mm paper (384 dots), and a printer
// silently skips a bar code that does not fit. In code set C it is 123 modules.
//
// node-thermal-printer's printBarcode(data, 73) always selects code set B and
// does not escape `{`: it is used for text data (escaped here), and numbers
// get code set C built below.

/** Module width, dots (GS w n: 2 ≤ n ≤ 6 on most printers). */
const MODULE = 2;
/** Bar height, dots (GS h n): 10 mm at 203 dpi. */
const HEIGHT = 80;
/** Human-readable digits below the bars (GS H 2), font A (GS f 0): the number can be typed when a scan fails. */
const HRI_BELOW = 2;
const HRI_FONT_A = 0;

export type Code128 =
  /** Code set B through node-thermal-printer. */
  | { kind: 'library'; data: string; settings: { hriPos: number; hriFont: number; width: number; height: number } }
  /** Code set C, complete command bytes. */
  | { kind: 'raw'; bytes: Buffer };

/** Width of a CODE128 symbol in modules: start, symbols, check (11 each) and stop (13). */
const modules = (symbols: number) => 11 * (symbols + 2) + 13;

/**
 * The bar code for `data`, or null when it cannot be printed on paper
 * `maxDots` wide (too long, or characters CODE128 set B lacks).
 */
export function code128(data: string, options: { maxDots: number }): Code128 | null {
  if (/^\d{2,}$/.test(data)) {
    const { payload, symbols } = codeSetC(data);
    if (payload.length > 255 || modules(symbols) * MODULE > options.maxDots) return null;
    return {
      kind: 'raw',
      bytes: Buffer.from([
        ...[0x1d, 0x48, HRI_BELOW], // GS H
        ...[0x1d, 0x66, HRI_FONT_A], // GS f
        ...[0x1d, 0x77, MODULE], // GS w
        ...[0x1d, 0x68, HEIGHT], // GS h
        ...[0x1d, 0x6b, 73, payload.length], // GS k m n
        ...payload,
      ]),
    };
  }
  if (!/^[\x20-\x7e]+$/.test(data)) return null;
  const escaped = data.replaceAll('{', '{{');
  // The library sends n = length + 2 (its `{B`): n is one byte.
  if (escaped.length + 2 > 255 || modules(data.length) * MODULE > options.maxDots) return null;
  return { kind: 'library', data: escaped, settings: { hriPos: HRI_BELOW, hriFont: HRI_FONT_A, width: MODULE, height: HEIGHT } };
}

const SET_B = [0x7b, 0x42]; // {B
const SET_C = [0x7b, 0x43]; // {C

/**
 * Digits in code set C, two per byte — except the pair 16: byte 0x10 is DLE,
 * and printers act on real-time commands (DLE EOT, DLE DC4 …) wherever they
 * appear in the stream, even inside another command's data (ESC/POS
 * reference, "real-time commands"): `16 20 01 …` would be DLE DC4 1, a cash
 * drawer pulse. Such a pair, and an odd last digit, go in code set B.
 */
function codeSetC(digits: string): { payload: number[]; symbols: number } {
  const payload: number[] = [];
  let symbols = 0;
  let set: 'B' | 'C' | null = null;
  const use = (next: 'B' | 'C') => {
    if (set === next) return;
    payload.push(...(next === 'B' ? SET_B : SET_C));
    if (set !== null) symbols += 1; // a switch is a symbol; the first selection is the start character
    set = next;
  };
  for (let i = 0; i < digits.length; i += 2) {
    const pair = digits.slice(i, i + 2);
    if (pair.length === 2 && pair !== '16') {
      use('C');
      payload.push(Number(pair));
      symbols += 1;
    } else {
      use('B');
      for (const ch of pair) payload.push(ch.charCodeAt(0));
      symbols += pair.length;
    }
  }
  return { payload, symbols };
}
