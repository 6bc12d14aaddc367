// Framing of a serial scanner's byte stream into reads, as a pure function of
// the bytes: no timers, no I/O. The driver (serial.ts) feeds what the port
// delivers and calls `flush()` when the line has been silent long enough.
//
// - A read ends at CR, LF or CRLF (an LF right after a CR belongs to that CR,
//   even in the next chunk), or at silence for scanners set to send no
//   terminator at all.
// - A read is a code only if it passes the contract's rule, the same one the
//   simulator applies (`cleanCode`): printable ASCII, not blank.
// - A read longer than `maxLength` is dropped whatever it holds; only its
//   first `maxLength` bytes are kept while it lasts, so noise without a
//   terminator cannot grow memory.
// A dropped read is described by its length and at most its last 4 bytes:
// a read may be a payment token, and logs must never hold one in full.
import { cleanCode } from './sim.ts';

export type DropReason = 'empty' | 'not-printable' | 'too-long' | 'cut-off';

export type Framed =
  | { kind: 'code'; code: string }
  | { kind: 'drop'; reason: DropReason; bytes: number; tail: string };

export interface LineFramerOptions {
  /** Longest read that can be a code, in bytes (a QR payment URL fits in a few hundred). */
  maxLength: number;
}

const CR = 0x0d;
const LF = 0x0a;
const TAIL = 4;

export class LineFramer {
  readonly #max: number;
  /** The first `#max` bytes of the read in progress. */
  readonly #kept: Buffer;
  /** Its whole length so far, kept or not. */
  #bytes = 0;
  /** Its last bytes (at most TAIL), for the log line of a drop. */
  #tail: number[] = [];
  #afterCR = false;

  constructor(options: LineFramerOptions) {
    if (!Number.isInteger(options.maxLength) || options.maxLength < 1) throw new RangeError('maxLength must be a positive integer');
    this.#max = options.maxLength;
    this.#kept = Buffer.alloc(options.maxLength);
  }

  /** True while a read has started and not ended. */
  get pending(): boolean {
    return this.#bytes > 0;
  }

  /** Bytes as the port delivered them; returns the reads they ended, in order. */
  push(chunk: Uint8Array): Framed[] {
    const out: Framed[] = [];
    for (const byte of chunk) {
      if (byte === LF && this.#afterCR) {
        this.#afterCR = false;
        continue;
      }
      this.#afterCR = byte === CR;
      if (byte === CR || byte === LF) {
        out.push(this.#end());
        continue;
      }
      if (this.#bytes < this.#max) this.#kept[this.#bytes] = byte;
      this.#bytes++;
      this.#tail.push(byte);
      if (this.#tail.length > TAIL) this.#tail.shift();
    }
    return out;
  }

  /** The line went silent: the read in progress (if any) ends here, without a terminator. */
  flush(): Framed[] {
    return this.#bytes > 0 ? [this.#end()] : [];
  }

  /**
   * The device went away in the middle of a read: what was received cannot
   * be told from a truncated code, so it is dropped (`cut-off`), if any.
   */
  cutOff(): Framed[] {
    this.#afterCR = false;
    if (this.#bytes === 0) return [];
    const read = this.#end();
    return [read.kind === 'drop' ? read : { kind: 'drop', reason: 'cut-off', bytes: read.code.length, tail: lastChars(read.code) }];
  }

  #end(): Framed {
    const bytes = this.#bytes;
    const tail = Buffer.from(this.#tail);
    this.#bytes = 0;
    this.#tail = [];
    const drop = (reason: DropReason): Framed => ({ kind: 'drop', reason, bytes, tail: printableTail(tail) });
    if (bytes > this.#max) return drop('too-long');
    // latin1: one character per byte, so any byte outside ASCII stays visible to the printable rule.
    const text = this.#kept.toString('latin1', 0, bytes);
    const code = cleanCode(text);
    if (code !== null) return { kind: 'code', code };
    return drop(text.trim() === '' ? 'empty' : 'not-printable');
  }
}

/** At most the last 4 characters of a code, for logs. */
export function lastChars(code: string): string {
  return code.slice(-TAIL);
}

/** Bytes as log text: printable ASCII as is, anything else as \xNN. */
export function printableTail(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes.subarray(-TAIL)) {
    out += byte >= 0x20 && byte <= 0x7e ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}
