// What a serial scanner's codes must pass before they reach the screens, as
// a pure function of the codes and the time they settled (no timers).
//
// A person presents one code, the scanner sends it, and the line goes
// silent. The driver holds each code until that silence (the inter-byte
// time-out, ~50 ms: not noticeable at a counter), then asks the gate:
// - Several codes with no silence between them are a burst. If they are all
//   the same code it is a double read (scanners do that, one trigger pull,
//   two reads): one is delivered. If they differ, no hand-held scan made
//   them (a scanner dumping stored codes, a sheet of codes under a scanner
//   in continuous mode, printable line noise), nothing in them can be
//   trusted to be the code the merchant meant: all are dropped.
// - The code delivered last, read again within `repeatWindowMs` of its last
//   read, is dropped: a scanner in continuous or presentation mode re-reads a
//   code held under it every few hundred ms. The window slides with each
//   re-read, so a code left under the scanner is delivered once. A pay code
//   is single use, so a genuine second scan of the same code a second later
//   is never wanted either.
import { lastChars } from './serial-framing.ts';

export type GateVerdict =
  | { kind: 'deliver'; code: string }
  | { kind: 'drop'; reason: 'repeat'; bytes: number; tail: string }
  | { kind: 'drop'; reason: 'burst'; reads: number };

export interface ReadGateOptions {
  repeatWindowMs: number;
}

export class ReadGate {
  readonly #repeatWindowMs: number;
  #first: string | undefined;
  #held = 0;
  #distinct = false;
  #last: { code: string; at: number } | undefined;

  constructor(options: ReadGateOptions) {
    this.#repeatWindowMs = options.repeatWindowMs;
  }

  /** Codes held, waiting for the line to go silent. */
  get held(): number {
    return this.#held;
  }

  /** A code was framed; it waits for `settle()`. */
  hold(code: string): void {
    if (this.#held === 0) this.#first = code;
    else if (code !== this.#first) this.#distinct = true;
    this.#held++;
  }

  /** The line went silent at `now` (a monotonic time in ms): what becomes of the held codes, if any. */
  settle(now: number): GateVerdict | undefined {
    const code = this.#first;
    const reads = this.#held;
    const distinct = this.#distinct;
    this.clear();
    if (code === undefined) return undefined;
    if (distinct) return { kind: 'drop', reason: 'burst', reads };
    const last = this.#last;
    if (last && last.code === code && now - last.at < this.#repeatWindowMs) {
      last.at = now;
      return { kind: 'drop', reason: 'repeat', bytes: code.length, tail: lastChars(code) };
    }
    this.#last = { code, at: now };
    return { kind: 'deliver', code };
  }

  /** Forgets the held codes (the scanner stops); returns how many there were. */
  clear(): number {
    const held = this.#held;
    this.#first = undefined;
    this.#held = 0;
    this.#distinct = false;
    return held;
  }
}
