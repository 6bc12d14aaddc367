// Decodes raw terminal input (a TTY in raw mode) into keypad keys. Pure and
// timer-free: the driver (tty.ts) owns the only timing decision, see flush().
//
//   0–9                         digits (also the numeric keypad in application mode, ESC O p … ESC O y)
//   Enter  \r, \n, ESC O M      OK       (\r\n counts once: a pasted line must not confirm twice)
//   Backspace \x7f, \b; Delete  CLEAR
//   Escape (alone)              CANCEL
//   F1–F4  ESC O P…S, ESC [ 11~…14~, ESC [ [ A…D (Linux console), ESC [ 1;m P…S (with modifiers)
//   Up / Down arrows            F3 / F4 (move up / down in lists)
//   Ctrl-C \x03                 `interrupt` (in raw mode the terminal no longer turns it into SIGINT)
//
// Everything else (letters, other function keys, mouse or paste markers,
// non-ASCII bytes) is consumed and ignored, never misread as a key.
import type { Key } from './types.ts';

export type TtyInput = { type: 'key'; key: Key } | { type: 'interrupt' };

const ESC = '\x1b';
/** Longest escape sequence we wait for; anything longer is noise and dropped. */
const MAX_SEQUENCE = 32;

const FN_BY_FINAL: Record<string, Key> = { P: 'F1', Q: 'F2', R: 'F3', S: 'F4', A: 'F3', B: 'F4' };
const LINUX_CONSOLE_FN: Record<string, Key> = { A: 'F1', B: 'F2', C: 'F3', D: 'F4' };
const TILDE_CODES: Record<string, Key> = { '11': 'F1', '12': 'F2', '13': 'F3', '14': 'F4', '3': 'CLEAR' };

type Match = { length: number; key?: Key } | 'incomplete';

const isParam = (c: string) => c >= '0' && c <= '?'; // 0x30–0x3F
const isIntermediate = (c: string) => c >= ' ' && c <= '/'; // 0x20–0x2F
const isFinal = (c: string) => c >= '@' && c <= '~'; // 0x40–0x7E

/** CSI: ESC [ params intermediates final (ECMA-48 §5.4). */
function matchCsi(s: string, start: number): Match {
  let j = start + 2;
  if (j >= s.length) return 'incomplete';
  if (s[j] === '[') {
    // Linux console function keys: ESC [ [ A … ESC [ [ E
    const final = s[j + 1];
    if (final === undefined) return 'incomplete';
    return { length: 4, key: LINUX_CONSOLE_FN[final] };
  }
  while (j < s.length && isParam(s[j]!)) j++;
  const params = s.slice(start + 2, j);
  while (j < s.length && isIntermediate(s[j]!)) j++;
  if (j >= s.length) return j - start > MAX_SEQUENCE ? { length: j - start } : 'incomplete';
  const final = s[j]!;
  // A byte that cannot end a sequence: drop what we have, read the byte on its own.
  if (!isFinal(final)) return { length: j - start };
  const length = j - start + 1;
  if (final === '~') return { length, key: TILDE_CODES[params.split(';')[0] ?? ''] };
  if (final === 'A' || final === 'B') return { length, key: FN_BY_FINAL[final] };
  // ESC [ P … S are F1–F4 only bare or with a modifier (ESC [ 1 ; 5 P); with
  // other parameters they are replies such as a cursor position report.
  if ('PQRS'.includes(final) && (params === '' || params.startsWith('1;'))) return { length, key: FN_BY_FINAL[final] };
  return { length };
}

/** SS3: ESC O [modifiers] final — F1–F4, arrows and the keypad in application mode. */
function matchSs3(s: string, start: number): Match {
  let j = start + 2;
  while (j < s.length && (isParam(s[j]!) || s[j] === ';')) j++;
  if (j >= s.length) return 'incomplete';
  const final = s[j]!;
  const length = j - start + 1;
  if (final >= 'p' && final <= 'y') return { length, key: String.fromCharCode(final.charCodeAt(0) - 0x40) as Key };
  if (final === 'M') return { length, key: 'OK' };
  return { length, key: FN_BY_FINAL[final] };
}

function matchEscape(s: string, start: number): Match {
  const next = s[start + 1];
  if (next === undefined) return 'incomplete';
  if (next === '[') return matchCsi(s, start);
  if (next === 'O') return matchSs3(s, start);
  // ESC followed by anything else: the Escape key itself, then that byte.
  return { length: 1, key: 'CANCEL' };
}

/**
 * Stateful decoder: feed it every chunk read from the terminal, in order.
 * A chunk may hold several keys ("123\r" pasted) or end in the middle of an
 * escape sequence; the unfinished part is kept for the next chunk.
 */
export class TtyKeyDecoder {
  #pending = '';
  #afterCr = false;

  /** Keys and interrupts found in `chunk` (bytes are read one per character: keys are ASCII). */
  feed(chunk: Buffer | string): TtyInput[] {
    const s = this.#pending + (typeof chunk === 'string' ? chunk : chunk.toString('latin1'));
    this.#pending = '';
    const out: TtyInput[] = [];
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      const afterCr = this.#afterCr;
      this.#afterCr = c === '\r';
      if (c === ESC) {
        const match = matchEscape(s, i);
        if (match === 'incomplete') {
          this.#pending = s.slice(i);
          break;
        }
        if (match.key) out.push({ type: 'key', key: match.key });
        i += match.length;
        continue;
      }
      i++;
      if (c >= '0' && c <= '9') out.push({ type: 'key', key: c as Key });
      else if (c === '\r' || (c === '\n' && !afterCr)) out.push({ type: 'key', key: 'OK' });
      else if (c === '\x7f' || c === '\b') out.push({ type: 'key', key: 'CLEAR' });
      else if (c === '\x03') out.push({ type: 'interrupt' });
    }
    return out;
  }

  /**
   * True while the input ended inside a possible escape sequence. A lone ESC
   * is either the Escape key or the first byte of F1 whose rest is still on
   * its way; only time tells, so the driver calls flush() when nothing more
   * arrived within a short delay (~50 ms).
   */
  get pending(): boolean {
    return this.#pending !== '';
  }

  /**
   * Settles what is pending: a lone ESC is the Escape key (CANCEL); an
   * unfinished longer sequence was no key we know and is dropped.
   */
  flush(): TtyInput[] {
    const pending = this.#pending;
    this.#pending = '';
    return pending === ESC ? [{ type: 'key', key: 'CANCEL' }] : [];
  }
}
