// The scanner on a serial port (USB-CDC /dev/ttyACM*, USB-serial /dev/ttyUSB*,
// or a UART), read with `serialport`.
// - Reads are framed by serial-framing.ts (CR, LF, CRLF, or silence for
//   scanners that send no terminator) and pass serial-bursts.ts (double reads
//   and bursts) before listeners hear them; every dropped read is logged with
//   its reason, its length and at most its last 4 characters (reads may be
//   payment tokens).
// - A device missing at start is not an error: status() says why, and the
//   port is tried again with backoff. When the device goes away (the port
//   closes or errors) the scanner says so and keeps trying until the path
//   opens again. stop() ends all of it.
// - Input waiting in the tty when the port opens is discarded: it was read
//   while nobody was looking and is no answer to what the screen asks now.
import { SerialPort } from 'serialport';
import type { Logger } from '../../src/runtime/log.ts';
import type { Scanner, ScannerStatus } from './types.ts';
import { LineFramer, type Framed } from './serial-framing.ts';
import { ReadGate } from './serial-bursts.ts';
import { readHangupAsDisconnect } from './serial-hangup.ts';

export interface SerialScannerOptions {
  /** The device, e.g. /dev/ttyACM0 (a /dev/serial/by-id/… link survives re-enumeration). */
  path: string;
  /** As set on the scanner (9600 is the usual factory setting; USB-CDC ignores it). */
  baudRate: number;
  logger: Logger;
  /** Silence that ends a read without a terminator, and after which a code is delivered (default 50 ms). */
  interByteTimeoutMs?: number;
  /** Longest read that can be a code, in bytes (default 512). */
  maxLength?: number;
  /** The same code read again within this time of its last read is a re-read, dropped (default 1000 ms). */
  repeatWindowMs?: number;
  /** Delays between attempts to open: doubling from min up to max (defaults 500 ms, 5 s). */
  reopenMinMs?: number;
  reopenMaxMs?: number;
  /** Monotonic milliseconds for the repeat window (default performance.now: the board has no RTC and its wall clock jumps). */
  now?: () => number;
}

export class SerialScanner implements Scanner {
  readonly #o: Required<Omit<SerialScannerOptions, 'logger'>> & { logger: Logger };
  readonly #codeListeners = new Set<(code: string) => void>();
  readonly #statusListeners = new Set<(status: ScannerStatus) => void>();
  readonly #framer: LineFramer;
  readonly #gate: ReadGate;
  #status: ScannerStatus = { present: false, detail: 'not started' };
  #started = false;
  /** Status listeners hear changes from the state start() found, not that first state itself. */
  #announce = false;
  #port: SerialPort | undefined;
  #opening: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;
  #silence: NodeJS.Timeout | undefined;
  #failures = 0;
  #openedAt = 0;
  #lastFailure: string | undefined;

  constructor(options: SerialScannerOptions) {
    // `??`, not a spread: a key given as undefined (an optional config field) takes the default.
    this.#o = {
      path: options.path,
      baudRate: options.baudRate,
      logger: options.logger,
      interByteTimeoutMs: options.interByteTimeoutMs ?? 50,
      maxLength: options.maxLength ?? 512,
      repeatWindowMs: options.repeatWindowMs ?? 1000,
      reopenMinMs: options.reopenMinMs ?? 500,
      reopenMaxMs: options.reopenMaxMs ?? 5000,
      now: options.now ?? (() => performance.now()),
    };
    this.#framer = new LineFramer({ maxLength: this.#o.maxLength });
    this.#gate = new ReadGate({ repeatWindowMs: this.#o.repeatWindowMs });
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
    return { ...this.#status };
  }

  /**
   * Resolves once the first attempt to open has settled: status() then tells
   * whether the device is there, and listeners hear every change after that.
   */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.#open();
    this.#announce = true;
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#announce = false;
    clearTimeout(this.#retry);
    clearTimeout(this.#silence);
    // An attempt under way sees `#started` false when it settles and closes its port.
    await this.#opening;
    const port = this.#port;
    this.#port = undefined;
    for (const read of this.#framer.cutOff()) this.#take(read);
    const held = this.#gate.clear();
    if (held) this.#o.logger.info({ reads: held }, 'scanner: stopped with codes not yet delivered; dropped');
    if (port) await closePort(port);
    this.#status = { present: false, detail: 'stopped' };
  }

  #open(): Promise<void> {
    const attempt = this.#attempt().finally(() => (this.#opening = undefined));
    this.#opening = attempt;
    return attempt;
  }

  async #attempt(): Promise<void> {
    const { path, baudRate, logger } = this.#o;
    let port: SerialPort;
    try {
      port = new SerialPort({ path, baudRate, autoOpen: false });
    } catch (err) {
      this.#failed(err as Error);
      return;
    }
    // Errors of calls made without a callback arrive here; a closed port is handled by 'close'.
    port.on('error', (err) => {
      logger.warn({ path, err: err.message }, 'scanner: port error');
      if (!port.isOpen) this.#lost(port, 'unplugged');
    });
    const error = await new Promise<Error | null>((resolve) => port.open(resolve));
    if (!error) {
      const flushed = await new Promise<Error | null>((resolve) => port.flush(resolve));
      if (flushed) logger.debug({ path, err: flushed.message }, 'scanner: stale input not flushed');
    }
    if (!this.#started) {
      await closePort(port);
      return;
    }
    if (error) {
      this.#failed(error);
      return;
    }
    readHangupAsDisconnect(port.port);
    port.on('data', (chunk: Buffer) => this.#onData(port, chunk));
    port.on('close', () => this.#lost(port, 'unplugged'));
    this.#port = port;
    this.#openedAt = this.#o.now();
    this.#lastFailure = undefined;
    logger.info({ path }, 'scanner: open');
    this.#setStatus({ present: true });
  }

  #failed(err: Error): void {
    const detail = openFailure(this.#o.path, err);
    // Said once per kind of failure: a scanner left unplugged must not fill the journal.
    const level = detail === this.#lastFailure ? 'debug' : 'warn';
    this.#lastFailure = detail;
    this.#o.logger[level]({ path: this.#o.path, err: err.message }, `scanner: not available (${detail}); retrying`);
    this.#setStatus({ present: false, detail });
    this.#scheduleRetry();
  }

  #lost(port: SerialPort, detail: string): void {
    if (port !== this.#port) return;
    this.#port = undefined;
    clearTimeout(this.#silence);
    // A device that stayed a while is retried from the shortest delay; one
    // that keeps dropping out right after opening (a bad cable) backs off as
    // if it had never opened, instead of flapping twice a second in the journal.
    if (this.#o.now() - this.#openedAt >= this.#o.reopenMaxMs) this.#failures = 0;
    // Codes complete before the device went are as good as if silence had followed them.
    for (const read of this.#framer.cutOff()) this.#take(read);
    this.#settle();
    if (port.isOpen) void closePort(port);
    this.#o.logger.warn({ path: this.#o.path }, 'scanner: device gone; waiting for it to come back');
    this.#lastFailure = undefined;
    this.#setStatus({ present: false, detail });
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (!this.#started) return;
    const { reopenMinMs, reopenMaxMs } = this.#o;
    const delay = Math.min(reopenMaxMs, reopenMinMs * 2 ** this.#failures++);
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => void this.#open(), delay);
    this.#retry.unref?.();
  }

  #onData(port: SerialPort, chunk: Buffer): void {
    if (port !== this.#port) return;
    clearTimeout(this.#silence);
    for (const read of this.#framer.push(chunk)) this.#take(read);
    this.#silence = setTimeout(() => this.#onSilence(), this.#o.interByteTimeoutMs);
  }

  #onSilence(): void {
    for (const read of this.#framer.flush()) this.#take(read);
    this.#settle();
  }

  #take(read: Framed): void {
    if (read.kind === 'code') return this.#gate.hold(read.code);
    const { reason, bytes, tail } = read;
    // An empty read (a stray terminator) carries nothing and harms nothing.
    const level = reason === 'empty' ? 'debug' : 'warn';
    this.#o.logger[level]({ reason, bytes, tail }, 'scanner: read dropped');
  }

  #settle(): void {
    const verdict = this.#gate.settle(this.#o.now());
    if (!verdict) return;
    const { logger } = this.#o;
    if (verdict.kind === 'drop') {
      if (verdict.reason === 'burst') logger.warn({ reason: 'burst', reads: verdict.reads }, 'scanner: read dropped');
      else logger.info({ reason: verdict.reason, bytes: verdict.bytes, tail: verdict.tail }, 'scanner: read dropped');
      return;
    }
    for (const listener of [...this.#codeListeners]) {
      try {
        listener(verdict.code);
      } catch (err) {
        // One listener's fault must not stop the others, nor the reading.
        logger.error({ err: (err as Error).message }, 'scanner: code listener failed');
      }
    }
  }

  #setStatus(status: ScannerStatus): void {
    const changed = status.present !== this.#status.present;
    this.#status = status;
    // Listeners hear appearances and disappearances; a new reason for being missing is only in status().
    if (!changed || !this.#announce) return;
    for (const listener of [...this.#statusListeners]) listener(this.status());
  }
}

function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
}

/** Why the port did not open, in words for a technician (serialport's errors carry only a message). */
function openFailure(path: string, err: Error): string {
  const message = err.message.replace(/^Error:? /, '');
  if (/No such file or directory/i.test(message)) return `not connected (no ${path})`;
  if (/Permission denied/i.test(message)) return `permission denied on ${path} (the service user needs the dialout group)`;
  if (/Cannot lock port/i.test(message)) return `${path} is in use by another program`;
  return `cannot open ${path}: ${message}`;
}
