// Keypad on a terminal keyboard: the simulator's own window, or a USB
// keyboard / keypad on a board's console. Key mapping is in tty-keys.ts.
//
// The terminal is put in raw mode so that keys arrive one at a time, without
// echo and without line editing; in raw mode Ctrl-C is no longer a signal, so
// it is handed to `onInterrupt` (by default the process is sent SIGINT, so
// that Ctrl-C still quits as the user expects).
import type { Logger } from '../../src/runtime/log.ts';
import type { Key, Keypad } from './types.ts';
import { TtyKeyDecoder, type TtyInput } from './tty-keys.ts';

export interface TtyKeypadOptions {
  /** Default process.stdin. Raw mode is used only when it is a TTY. */
  input?: NodeJS.ReadableStream;
  /** Called on Ctrl-C; default: send SIGINT to this process. */
  onInterrupt?: () => void;
  /** How long a lone ESC waits for the rest of a sequence before it counts as CANCEL (default 50 ms). */
  escapeDelayMs?: number;
  logger?: Logger;
}

type RawCapable = NodeJS.ReadableStream & { isTTY?: boolean; isRaw?: boolean; setRawMode?: (mode: boolean) => unknown };

export class TtyKeypad implements Keypad {
  readonly #input: RawCapable;
  readonly #onInterrupt: () => void;
  readonly #escapeDelayMs: number;
  readonly #logger: Logger | undefined;
  readonly #listeners = new Set<(key: Key) => void>();
  #decoder = new TtyKeyDecoder();
  #escapeTimer: NodeJS.Timeout | undefined;
  #started = false;
  #wasRaw: boolean | undefined;

  constructor(options: TtyKeypadOptions = {}) {
    this.#input = (options.input ?? process.stdin) as RawCapable;
    this.#onInterrupt = options.onInterrupt ?? (() => process.kill(process.pid, 'SIGINT'));
    this.#escapeDelayMs = options.escapeDelayMs ?? 50;
    this.#logger = options.logger;
  }

  onKey(listener: (key: Key) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#decoder = new TtyKeyDecoder();
    if (this.#input.isTTY && this.#input.setRawMode) {
      this.#wasRaw = Boolean(this.#input.isRaw);
      this.#input.setRawMode(true);
    }
    // Keys typed while nobody listened (before start, or since stop) are stale:
    // a forgotten Enter must not confirm the first screen. Drop what the stream
    // holds; bytes still in the kernel's buffer cannot be reached from here.
    while (this.#input.read() !== null) {
      // discard
    }
    this.#input.on('data', this.#onData);
    this.#input.resume();
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    clearTimeout(this.#escapeTimer);
    this.#input.off('data', this.#onData);
    if (this.#wasRaw !== undefined) {
      this.#input.setRawMode?.(this.#wasRaw);
      this.#wasRaw = undefined;
    }
    // A paused stdin no longer keeps the process alive.
    this.#input.pause();
  }

  readonly #onData = (chunk: Buffer | string): void => {
    clearTimeout(this.#escapeTimer);
    this.#emit(this.#decoder.feed(chunk));
    if (this.#decoder.pending) {
      this.#escapeTimer = setTimeout(() => this.#emit(this.#decoder.flush()), this.#escapeDelayMs);
    }
  };

  #emit(inputs: TtyInput[]): void {
    for (const input of inputs) {
      if (input.type === 'interrupt') {
        this.#call(this.#onInterrupt);
        continue;
      }
      for (const listener of [...this.#listeners]) this.#call(() => listener(input.key));
    }
  }

  /** A failing listener must not stop keys reaching the others, nor kill the input stream. */
  #call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#logger?.error({ err: error }, 'keypad listener failed');
    }
  }
}
