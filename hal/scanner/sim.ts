// Simulated scanner: tests (or the simulator's F1 prompt) scan codes through
// the back door, and can unplug and plug the device back. It applies the
// same rules as the serial driver, so that what a test scans is what a real
// scanner would have delivered: the terminator (CR, LF, CRLF) is removed, and
// a read that is empty or holds control characters never reaches listeners.
import type { Scanner, ScannerStatus } from './types.ts';

export interface SimScannerOptions {
  /** Whether the device is plugged in at first (default true). */
  present?: boolean;
}

/** The code a read carries, or null when it is garbage (the contract's rule: printable text, terminator removed). */
export function cleanCode(read: string): string | null {
  const code = read.replace(/(\r\n|\r|\n)+$/, '');
  // Printable ASCII only: pay codes and order numbers are digits, QR payloads URLs.
  return /^[\x20-\x7e]+$/.test(code) && code.trim() !== '' ? code : null;
}

export class SimScanner implements Scanner {
  readonly #codeListeners = new Set<(code: string) => void>();
  readonly #statusListeners = new Set<(status: ScannerStatus) => void>();
  #present: boolean;
  #started = false;

  constructor(options: SimScannerOptions = {}) {
    this.#present = options.present ?? true;
  }

  onCode(listener: (code: string) => void): () => void {
    this.#codeListeners.add(listener);
    return () => this.#codeListeners.delete(listener);
  }

  onStatus(listener: (status: ScannerStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  status(): ScannerStatus {
    return this.#present ? { present: true } : { present: false, detail: 'unplugged' };
  }

  async start(): Promise<void> {
    this.#started = true;
  }

  async stop(): Promise<void> {
    this.#started = false;
  }

  // ---- back door ----

  /**
   * One read of the scanner, as the device would send it (a terminator is
   * allowed). Returns true when listeners received the code; false when it
   * was dropped: device unplugged, scanner not started, or garbage.
   */
  scan(read: string): boolean {
    const code = cleanCode(read);
    if (!this.#started || !this.#present || code === null) return false;
    for (const listener of [...this.#codeListeners]) listener(code);
    return true;
  }

  /** The device disappears (status listeners are told once). */
  unplug(): void {
    this.#setPresent(false);
  }

  /** The device is back (status listeners are told once). */
  plug(): void {
    this.#setPresent(true);
  }

  #setPresent(present: boolean): void {
    if (this.#present === present) return;
    this.#present = present;
    const status = this.status();
    for (const listener of [...this.#statusListeners]) listener(status);
  }
}
