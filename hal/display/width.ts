// Terminal cell width of text. A small display and a thermal printer are both
// grids of cells, and Chinese text takes two cells per character: every layout
// decision (padding, centring, wrapping) has to count cells, never UTF-16
// units, or a receipt line with 退款 in it comes out two columns too wide.
//
// Widths follow Unicode's East Asian Width (UAX #11) W and F classes for the
// scripts a Chinese merchant meets, plus emoji shown in emoji presentation.
// Combining marks and zero-width format characters take no cell. Control
// characters take no cell either, and are dropped by fitCells/wrapCells: on a
// terminal they would move the cursor instead of printing.

/** Inclusive code point ranges that are two cells wide (sorted). */
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], // Hangul Jamo initial consonants
  [0x2e80, 0x303e], // CJK radicals, Kangxi radicals, CJK symbols and punctuation (、。「」)
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, enclosed CJK
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small form variants
  [0xff00, 0xff60], // fullwidth ASCII and punctuation (，：！（）)
  [0xffe0, 0xffe6], // fullwidth signs (￥ ￠)
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18aff], // Tangut
  [0x1b000, 0x1b2ff], // Kana supplement and extensions
  [0x1f200, 0x1f251], // enclosed ideographic supplement
  [0x20000, 0x2fffd], // CJK extensions B–F
  [0x30000, 0x3fffd], // CJK extension G and later
];

// Hangul medial vowels and final consonants (U+1160–U+11FF) join the initial
// consonant before them into one double-width syllable.
const ZERO = /^[\p{Mn}\p{Me}\u1160-\u11ff\u200b-\u200f\u2060-\u2064\ufeff]$/u;
const CONTROL = /^[\u0000-\u001f\u007f-\u009f]$/u;
const EMOJI = /^\p{Emoji_Presentation}$/u;

function inWide(cp: number): boolean {
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [from, to] = WIDE[mid]!;
    if (cp < from) hi = mid - 1;
    else if (cp > to) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Cells taken by one code point (a string of one code point): 0, 1 or 2. */
export function charWidth(ch: string): 0 | 1 | 2 {
  const cp = ch.codePointAt(0);
  if (cp === undefined) return 0;
  if (cp >= 0x20 && cp < 0x7f) return 1; // the common case, without regexes
  if (CONTROL.test(ch) || ZERO.test(ch)) return 0;
  // Checked after ZERO: the combining voiced marks inside the Kana block are marks, not wide.
  if (inWide(cp) || EMOJI.test(ch)) return 2;
  return 1;
}

/** Cells taken by `s` on a terminal or a receipt. */
export function cellWidth(s: string): number {
  let width = 0;
  for (const ch of s) width += charWidth(ch);
  return width;
}

const isControl = (ch: string): boolean => CONTROL.test(ch);

/**
 * The longest prefix of `s` that fits in `width` cells. A double-width
 * character that would straddle the limit is left out whole; combining marks
 * stay with the character they follow; control characters are dropped.
 */
export function truncateCells(s: string, width: number): string {
  let out = '';
  let used = 0;
  for (const ch of s) {
    if (isControl(ch)) continue;
    const w = charWidth(ch);
    if (used + w > width) break;
    out += ch;
    used += w;
  }
  return out;
}

/** `s` truncated to at most `width` cells, then padded with spaces to exactly `width` cells. */
export function fitCells(s: string, width: number): string {
  if (width <= 0) return '';
  const cut = truncateCells(s, width);
  return cut + ' '.repeat(width - cellWidth(cut));
}

export type CellAlign = 'left' | 'center' | 'right';

/**
 * `s` placed in a field of exactly `width` cells. Text too wide for the field
 * is truncated (whatever the alignment); centring puts the odd cell on the right.
 */
export function alignCells(s: string, width: number, align: CellAlign): string {
  if (width <= 0) return '';
  const cut = truncateCells(s, width);
  const room = width - cellWidth(cut);
  const left = align === 'right' ? room : align === 'center' ? Math.floor(room / 2) : 0;
  return ' '.repeat(left) + cut + ' '.repeat(room - left);
}

// Punctuation that may not begin a line (the usual kinsoku rule): it is kept
// with the character before it, so "成功。" never wraps as "成功" / "。".
const NO_LINE_START = new Set([...'，。、：；！？）》」』】〕〉”’%.,;:!?)]}']);

/**
 * Breaks `s` into units the wrapper may not split (unless a unit alone is too
 * wide): runs of spaces, words of single-width characters, and single
 * double-width characters (CJK may break between any two characters).
 */
function tokens(s: string): string[] {
  const out: string[] = [];
  let current = '';
  let kind: 'space' | 'word' | 'wide' | null = null;
  const flush = () => {
    if (current) out.push(current);
    current = '';
    kind = null;
  };
  for (const ch of s) {
    if (isControl(ch)) continue;
    const w = charWidth(ch);
    if (w === 0 || (kind !== 'space' && kind !== null && NO_LINE_START.has(ch))) {
      current += ch; // marks and closing punctuation stay with what precedes them
      if (w === 2) kind = 'wide';
      continue;
    }
    const next = ch === ' ' ? 'space' : w === 2 ? 'wide' : 'word';
    if (next !== kind || next === 'wide') flush();
    current += ch;
    kind = next;
  }
  flush();
  return out;
}

/** Splits a unit too wide for a line into pieces of at most `width` cells. */
function hardBreak(word: string, width: number): string[] {
  const pieces: string[] = [];
  let rest = word;
  while (cellWidth(rest) > width) {
    let piece = truncateCells(rest, width);
    // Width 1 cannot hold a double-width character: give it a line of its own
    // rather than lose it or loop forever.
    if (!piece) piece = String.fromCodePoint(rest.codePointAt(0)!);
    pieces.push(piece);
    rest = rest.slice(piece.length);
  }
  if (rest) pieces.push(rest);
  return pieces;
}

function wrapParagraph(paragraph: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  let gap = ''; // spaces seen since the last word, written only if a word follows on this line
  for (const token of tokens(paragraph)) {
    if (token.startsWith(' ')) {
      gap = token;
      continue;
    }
    const w = cellWidth(token);
    const lead = line === '' && lines.length > 0 ? '' : gap; // no spaces at the start of a wrapped line
    if (lineWidth + cellWidth(lead) + w <= width) {
      line += lead + token;
      lineWidth += cellWidth(lead) + w;
    } else {
      if (line !== '') lines.push(line);
      const pieces = hardBreak(token, width);
      lines.push(...pieces.slice(0, -1));
      line = pieces[pieces.length - 1] ?? '';
      lineWidth = cellWidth(line);
    }
    gap = '';
  }
  lines.push(line);
  return lines;
}

/**
 * Wraps `text` into lines of at most `width` cells (`width` ≥ 1). Latin text
 * breaks at spaces; CJK text may break between any two characters; a word
 * longer than a line is broken hard. Explicit newlines start a new line; an
 * empty paragraph gives an empty line. Lines are not padded, and spaces at a
 * break are dropped. At width 1 a double-width character takes a line alone.
 */
export function wrapCells(text: string, width: number): string[] {
  const w = Math.max(1, Math.floor(width));
  return text.split(/\r?\n/).flatMap((paragraph) => wrapParagraph(paragraph, w));
}
