// How ESC/POS bytes reach a printer and how its status replies come back.
// node-thermal-printer only builds byte buffers here: its own interfaces
// (`execute()`, `raw()`) cannot read a reply with a time-out, and its file
// interface would retry a write to a serial device for minutes. Our
// transports are two small Duplex-stream users: serial (transport-serial.ts)
// and TCP port 9100 (transport-tcp.ts).
import type { Duplex } from 'node:stream';

/** Nothing came back, or the bytes did not go out, within the time allowed. */
export class TransportTimeout extends Error {}

export interface PrinterTransport {
  /** Where the printer is, for logs: `tcp 10.0.0.7:9100`, `serial /dev/ttyUSB0 19200`. */
  readonly target: string;
  /**
   * Writes `bytes`, connecting first when needed. Resolves once the operating
   * system has taken them all; rejects after `timeoutMs` (a printer that stopped
   * reading) or on an I/O error. After a failure the connection is dropped with
   * whatever was still queued in it, so the rest of a job never trickles out later.
   */
  send(bytes: Uint8Array, timeoutMs: number): Promise<void>;
  /**
   * Sends `request` and resolves with the first `replyLength` bytes that arrive
   * after it (bytes that came earlier are discarded); rejects with
   * TransportTimeout when they have not all come within `timeoutMs`.
   */
  query(request: Uint8Array, replyLength: number, timeoutMs: number): Promise<Uint8Array>;
  /** The job is over: TCP closes its connection (the next call connects again); serial keeps its port open. */
  release(): Promise<void>;
  /** Closes for good (a later call opens again). Never rejects. */
  close(): Promise<void>;
}

/** `promise`, or a TransportTimeout after `ms` (calling `onTimeout` first). */
export function within<T>(promise: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new TransportTimeout(`${what} timed out after ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Reads and writes one open Duplex stream (a socket or a serial port) with
 * time-outs. Received bytes wait in `#inbox` until a query takes them.
 */
export class StreamSession {
  readonly stream: Duplex;
  #inbox: Buffer = Buffer.alloc(0);
  #wake: (() => void) | null = null;
  #closed: Error | null = null;

  constructor(stream: Duplex) {
    this.stream = stream;
    stream.on('data', this.#onData);
    stream.on('error', this.#onError);
    stream.on('close', this.#onClose);
  }

  /** False once the stream has failed or closed: the transport opens a new one. */
  get alive(): boolean {
    return this.#closed === null && !this.stream.destroyed;
  }

  #onData = (chunk: Buffer | string) => {
    this.#inbox = Buffer.concat([this.#inbox, Buffer.from(chunk)]);
    this.#wake?.();
  };

  #onError = (error: Error) => {
    this.#closed ??= error;
    this.#wake?.();
  };

  #onClose = () => {
    this.#closed ??= new Error('connection closed by the printer');
    this.#wake?.();
  };

  write(bytes: Uint8Array, timeoutMs: number, what = 'sending to the printer'): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closed);
    const written = new Promise<void>((resolve, reject) => {
      this.stream.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
    // A write that fails after a time-out has nobody waiting for it.
    written.catch(() => undefined);
    return within(written, timeoutMs, what);
  }

  async query(request: Uint8Array, replyLength: number, timeoutMs: number): Promise<Uint8Array> {
    this.#inbox = Buffer.alloc(0);
    const started = Date.now();
    await this.write(request, timeoutMs, 'sending a status request');
    const reply = new Promise<Uint8Array>((resolve, reject) => {
      const check = () => {
        if (this.#inbox.length >= replyLength) {
          const out = this.#inbox.subarray(0, replyLength);
          this.#inbox = this.#inbox.subarray(replyLength);
          this.#wake = null;
          resolve(Uint8Array.from(out));
        } else if (this.#closed) {
          this.#wake = null;
          reject(this.#closed);
        }
      };
      this.#wake = check;
      check();
    });
    reply.catch(() => undefined);
    return within(reply, Math.max(1, timeoutMs - (Date.now() - started)), 'waiting for the status reply', () => {
      this.#wake = null;
    });
  }

  /** Stops listening; the owner closes or destroys the stream. */
  detach(): void {
    this.stream.off('data', this.#onData);
    this.stream.off('close', this.#onClose);
    // An 'error' after we stopped listening must not crash the process.
    this.stream.off('error', this.#onError);
    this.stream.on('error', () => undefined);
    this.#closed ??= new Error('connection released');
    this.#wake?.();
  }
}
