// ESC/POS receipt printer on a serial line or TCP 9100 (transport*.ts).
//
// A job: ask the printer's status (DLE EOT, status.ts) and refuse with the
// reason — paper out, cover open, offline — before a byte of the receipt is
// sent; send the whole receipt in one write; ask again, so that a printer
// that ran out of paper or went silent during the job makes it fail. Every
// step has a time-out, print() never rejects, and jobs run one at a time in
// the order they were given. What to do with a receipt that failed (keep it,
// offer a reprint) is the caller's business: the outcome says why.
//
// Worst case for one job: connect/open + 3 status replies + send + the first
// status reply after it (send time-out) + 2 more, each bounded by its own
// time-out.
import type { Logger } from '../../src/runtime/log.ts';
import type { CodePage } from './escpos-text.ts';
import { queryStatus } from './status.ts';
import type { PrinterTransport } from './transport.ts';
import type { PrintDocument, PrintOutcome, Printer, PrinterStatus } from './types.ts';

export interface EscposPrinterOptions {
  transport: PrinterTransport;
  /** Characters per line in font A: 32 on 58 mm paper, 48 on 80 mm. */
  columns: number;
  /** How text is encoded (escpos-text.ts); default `gb18030`. */
  codePage?: CodePage;
  /** Whether the printer answers DLE EOT (default true). Without it status() is `unsupported` and jobs are sent unchecked. */
  statusQuery?: boolean;
  /** Time-out of each status reply (default 1000 ms). */
  statusTimeoutMs?: number;
  /** Time-out of sending one job (default 10 000 ms: 2 KB at 9600 baud take ~2 s). */
  sendTimeoutMs?: number;
  logger?: Logger;
}

// The encoder (node-thermal-printer, iconv-lite's code page tables) is over a
// megabyte of code: loaded by the first job, not at start-up, where it would
// cost a small board a good part of a second and ~15 MB it may never use.
let encoder: Promise<typeof import('./escpos-render.ts')> | undefined;
const loadEncoder = () => (encoder ??= import('./escpos-render.ts'));

const notStarted = (): PrintOutcome & PrinterStatus => ({ ok: false, reason: 'offline', detail: 'not started' });

/** What changes the printer's state for listeners (a new detail text is not a change). */
const stateOf = (s: PrinterStatus): string => (s.ok ? (s.paperLow ? 'paper_low' : 'ready') : s.reason);

export class EscposPrinter implements Printer {
  readonly columns: number;
  readonly #transport: PrinterTransport;
  readonly #codePage: CodePage;
  readonly #statusQuery: boolean;
  readonly #statusTimeoutMs: number;
  readonly #sendTimeoutMs: number;
  readonly #logger: Logger | undefined;
  readonly #listeners = new Set<(status: PrinterStatus) => void>();
  #started = false;
  #last: PrinterStatus | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: EscposPrinterOptions) {
    this.columns = options.columns;
    this.#transport = options.transport;
    this.#codePage = options.codePage ?? 'gb18030';
    this.#statusQuery = options.statusQuery ?? true;
    this.#statusTimeoutMs = options.statusTimeoutMs ?? 1000;
    this.#sendTimeoutMs = options.sendTimeoutMs ?? 10_000;
    this.#logger = options.logger;
  }

  /** Does not touch the printer: it may be switched off at boot; the first job or status() connects. */
  async start(): Promise<void> {
    this.#started = true;
  }

  async stop(): Promise<void> {
    this.#started = false;
    await this.#queue;
    await this.#transport.close();
  }

  status(): Promise<PrinterStatus> {
    if (!this.#started) return Promise.resolve(notStarted());
    if (!this.#statusQuery) return Promise.resolve({ ok: false, reason: 'unsupported' });
    return this.#serial(async () => {
      try {
        return this.#note(await queryStatus(this.#transport, { timeoutMs: this.#statusTimeoutMs }));
      } finally {
        await this.#transport.release();
      }
    });
  }

  print(doc: PrintDocument): Promise<PrintOutcome> {
    return this.#serial(() => this.#print(doc)).catch((error: unknown): PrintOutcome => {
      // Only a bug gets here; the promise still resolves.
      this.#logger?.error({ err: error, title: doc?.title }, 'print job failed unexpectedly');
      return { ok: false, reason: 'error', detail: String(error) };
    });
  }

  /**
   * Calls `listener` whenever what the printer reports changes (paper out, cover
   * open, offline, back to ready, paper low), learnt from a job or from status().
   * Returns the unsubscribe function.
   */
  onStatus(listener: (status: PrinterStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #print(doc: PrintDocument): Promise<PrintOutcome> {
    if (!this.#started) return notStarted();
    const { renderEscpos } = await loadEncoder();
    let bytes: Buffer;
    try {
      bytes = renderEscpos(doc, { columns: this.columns, codePage: this.#codePage });
    } catch (error) {
      this.#logger?.error({ err: error, title: doc?.title }, 'document could not be rendered');
      return { ok: false, reason: 'error', detail: 'malformed document' };
    }
    try {
      if (this.#statusQuery) {
        const before = await this.#check(this.#statusTimeoutMs);
        if (before) return before;
      }
      try {
        await this.#transport.send(bytes, this.#sendTimeoutMs);
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        this.#note({ ok: false, reason: 'offline', detail });
        return { ok: false, reason: 'offline', detail };
      }
      if (this.#statusQuery) {
        // The request waits behind the job on its way out (a serial line is slow),
        // hence the longer first time-out. The printer answers on arrival, before
        // it has printed what it holds: this catches a printer that is gone or
        // stopped, not a paper end on the very last lines.
        const after = await this.#check(this.#sendTimeoutMs);
        if (after) return { ...after, sent: true, detail: `after sending the receipt: ${after.detail ?? after.reason}` };
      }
      return { ok: true };
    } finally {
      await this.#transport.release();
    }
  }

  /** The reason not to print, or null when the printer is ready. */
  async #check(firstReplyMs: number): Promise<(PrintOutcome & { ok: false }) | null> {
    const status = this.#note(await queryStatus(this.#transport, { timeoutMs: this.#statusTimeoutMs, firstReplyMs }));
    if (status.ok) return null;
    const reason = status.reason === 'unsupported' ? 'error' : status.reason;
    return status.detail ? { ok: false, reason, detail: status.detail } : { ok: false, reason };
  }

  #note(status: PrinterStatus): PrinterStatus {
    if (this.#last && stateOf(this.#last) === stateOf(status)) return status;
    this.#last = status;
    if (status.ok) this.#logger?.info({ printer: this.#transport.target, paperLow: status.paperLow ?? false }, 'printer ready');
    else this.#logger?.warn({ printer: this.#transport.target, reason: status.reason, detail: status.detail }, 'printer problem');
    for (const listener of [...this.#listeners]) {
      try {
        listener(status);
      } catch (error) {
        this.#logger?.error({ err: error }, 'onStatus listener failed');
      }
    }
    return status;
  }
}
