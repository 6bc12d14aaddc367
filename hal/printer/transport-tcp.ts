// A network printer on its raw port (TCP 9100, "JetDirect" / AppSocket).
// One connection per job: many printers serve a single client on 9100 and
// drop idle connections, so holding one open would lock out every other
// host and hide a dead link until the next write stalls.
import { connect, type Socket } from 'node:net';
import { StreamSession, TransportTimeout, type PrinterTransport } from './transport.ts';

export interface TcpTransportOptions {
  host: string;
  /** Default 9100. */
  port?: number;
  /** How long a connection may take (default 3000 ms). */
  connectTimeoutMs?: number;
  /** How long to wait for the printer to close its side after a job (default 1000 ms). */
  closeTimeoutMs?: number;
}

export class TcpTransport implements PrinterTransport {
  readonly target: string;
  readonly #host: string;
  readonly #port: number;
  readonly #connectTimeoutMs: number;
  readonly #closeTimeoutMs: number;
  #session: StreamSession | null = null;
  #closing: Promise<void> | null = null;

  constructor(options: TcpTransportOptions) {
    this.#host = options.host;
    this.#port = options.port ?? 9100;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 3000;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 1000;
    this.target = `tcp ${this.#host}:${this.#port}`;
  }

  async send(bytes: Uint8Array, timeoutMs: number): Promise<void> {
    const session = await this.#open();
    try {
      await session.write(bytes, timeoutMs);
    } catch (error) {
      this.#abort();
      throw error;
    }
  }

  async query(request: Uint8Array, replyLength: number, timeoutMs: number): Promise<Uint8Array> {
    const session = await this.#open();
    try {
      return await session.query(request, replyLength, timeoutMs);
    } catch (error) {
      this.#abort();
      throw error;
    }
  }

  /**
   * Half-closes (our data goes out first, then FIN) and lets the printer close
   * its side, without making the caller wait: the outcome of the job is known.
   * The next connection waits for this one to be gone (at most closeTimeoutMs),
   * so a printer that serves one client at a time is never asked for two.
   */
  async release(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    if (!session) return;
    const socket = session.stream as Socket;
    session.detach();
    if (socket.destroyed) return;
    const closing = new Promise<void>((resolve) => {
      const timer = setTimeout(() => socket.destroy(), this.#closeTimeoutMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      // Keep reading until the printer closes: unread data at close() would make the kernel send RST.
      socket.resume();
      socket.end();
    });
    this.#closing = closing;
    void closing.then(() => {
      if (this.#closing === closing) this.#closing = null;
    });
  }

  async close(): Promise<void> {
    await this.release();
    await this.#closing;
  }

  /**
   * Drops the connection with RST: unlike a normal close, it discards what the
   * kernel still holds for the printer, so half a receipt does not come out
   * after the driver has reported the job failed.
   */
  #abort(): void {
    const session = this.#session;
    this.#session = null;
    if (!session) return;
    session.detach();
    const socket = session.stream as Socket;
    if (!socket.destroyed) socket.resetAndDestroy();
  }

  async #open(): Promise<StreamSession> {
    if (this.#session?.alive) return this.#session;
    if (this.#session) this.#abort();
    if (this.#closing) await this.#closing;
    const socket = connect({ host: this.#host, port: this.#port });
    // Status requests are 3 bytes: without this they wait for the printer's delayed ACK.
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportTimeout(`${this.target}: no connection within ${this.#connectTimeoutMs} ms`));
      }, this.#connectTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve();
      });
      const onError = (error: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new Error(`${this.target}: ${error.message}`));
      };
      socket.once('error', onError);
    });
    this.#session = new StreamSession(socket);
    return this.#session;
  }
}
