// A printer on a serial line (RS-232, or USB presenting a serial port:
// /dev/ttyUSB0, /dev/ttyACM0). The port is ours alone, so it stays open
// between jobs and is opened again after an unplug or a failed job.
import type { SerialPort } from 'serialport';
import { StreamSession, TransportTimeout, within, type PrinterTransport } from './transport.ts';

export interface SerialTransportOptions {
  path: string;
  baudRate: number;
  /** RTS/CTS hardware flow control, when the printer's switches select it (default off). */
  rtscts?: boolean;
  /** How long opening the port may take (default 3000 ms). */
  openTimeoutMs?: number;
}

export class SerialTransport implements PrinterTransport {
  readonly target: string;
  readonly #options: SerialTransportOptions;
  readonly #openTimeoutMs: number;
  #session: StreamSession | null = null;

  constructor(options: SerialTransportOptions) {
    this.#options = options;
    this.#openTimeoutMs = options.openTimeoutMs ?? 3000;
    this.target = `serial ${options.path} ${options.baudRate}`;
  }

  async send(bytes: Uint8Array, timeoutMs: number): Promise<void> {
    const session = await this.#open();
    try {
      await session.write(bytes, timeoutMs);
    } catch (error) {
      await this.#drop({ discard: true });
      throw error;
    }
  }

  async query(request: Uint8Array, replyLength: number, timeoutMs: number): Promise<Uint8Array> {
    const session = await this.#open();
    try {
      return await session.query(request, replyLength, timeoutMs);
    } catch (error) {
      // A silent printer is not a broken port: keep it unless the port itself failed.
      if (!(error instanceof TransportTimeout) || !session.alive) await this.#drop({ discard: true });
      throw error;
    }
  }

  async release(): Promise<void> {}

  async close(): Promise<void> {
    await this.#drop({ discard: false });
  }

  /**
   * Closes the port. With `discard`, output still queued in the kernel is
   * flushed first (tcflush): it would otherwise reach the printer after the job
   * was reported failed, and close() itself waits for the queue to drain (the
   * tty's closing_wait, 30 s by default) while the printer holds CTS low.
   */
  async #drop(options: { discard: boolean }): Promise<void> {
    const session = this.#session;
    this.#session = null;
    if (!session) return;
    session.detach();
    const port = session.stream as SerialPort;
    if (!port.isOpen) return;
    const step = (run: (done: (error?: Error | null) => void) => void) =>
      within(new Promise<void>((resolve) => run(() => resolve())), this.#openTimeoutMs, `${this.target} close`).catch(() => undefined);
    if (options.discard) await step((done) => port.flush(done));
    await step((done) => port.close(done));
  }

  async #open(): Promise<StreamSession> {
    if (this.#session?.alive) return this.#session;
    if (this.#session) await this.#drop({ discard: true });
    const { path, baudRate, rtscts = false } = this.#options;
    // The native addon is loaded by the first job: a board whose printer is on
    // TCP, or whose receipts wait, does not pay for it at start-up.
    const { SerialPort } = await import('serialport');
    const port = new SerialPort({ path, baudRate, rtscts, autoOpen: false });
    // Until the session listens, an error must not be unhandled.
    port.on('error', () => undefined);
    const opened = new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    try {
      await within(opened, this.#openTimeoutMs, `${this.target} open`);
    } catch (error) {
      opened.then(() => port.close(() => undefined)).catch(() => undefined);
      throw error instanceof TransportTimeout ? error : new Error(`${this.target}: ${(error as Error).message}`);
    }
    this.#session = new StreamSession(port);
    return this.#session;
  }
}
