// The printer as the merchant and ops see it: every receipt goes through
// here, so a printer with no paper, its cover open or gone silent is told on
// the home screen (until it recovers) and to ops on `events` (`paper_out`,
// `printer_offline`), and a receipt it could not print is kept on disk
// (unprinted.ts) until the merchant prints it — OK on the home screen — or
// dismisses it with CLEAR. It comes out as the original it is (none came out
// before), or marked REPRINT when the printer failed only after taking it.
// Nothing here ever holds up a transaction: a print that fails is kept and
// reported, and the refund's screen has long moved on.
//
// The printer is asked for its state at start, after a failed print, and
// now and then while it is idle — never while it prints: a status query
// between two copies would only delay the second one (and a serial printer
// answers status requests behind the bytes still in its buffer).
import type { Link } from '../../hal/network/types.ts';
import type { PrintDocument, PrintOutcome, Printer, PrinterProblem, PrinterStatus } from '../../hal/printer/types.ts';
import { messages } from '../domain/i18n/index.ts';
import { markedReprint } from '../domain/receipt.ts';
import type { Locale } from '../domain/money.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './log.ts';
import { Unprinted } from './unprinted.ts';

export interface PrinterWatchOptions {
  printer: Printer;
  link: Pick<Link, 'publish' | 'onStatus'>;
  clock: Clock;
  logger: Logger;
  /** The storage folder: unprinted receipts are kept there. */
  dir: string;
  locale: () => Locale;
  /** Adds and/or removes a passing home-screen notice (the terminal's notice list). */
  notice: (add: string | undefined, remove?: string) => void;
  /** How often an idle printer that is fine is asked (default 30 s). */
  intervalMs?: number;
  /** How often a printer with a problem is asked, so the notice goes soon after it is fixed (default 5 s). */
  problemIntervalMs?: number;
  /** How many unprinted receipts are kept (default unprinted.ts MAX_KEPT). */
  maxKept?: number;
}

type State = 'unknown' | 'ready' | PrinterProblem;

/** What ops hear: `paper_out`, or `printer_offline` with the reason (cover open, silent, an error). */
const eventType = (problem: PrinterProblem) => (problem === 'paper_out' ? 'paper_out' : 'printer_offline');

export class PrinterWatch {
  readonly #o: PrinterWatchOptions;
  readonly #intervalMs: number;
  readonly #problemIntervalMs: number;
  #kept: Unprinted | undefined;
  #state: State = 'unknown';
  /** The home-screen notice this watch put up, if any (one at a time: the problem, else the kept receipts). */
  #shown: string | undefined;
  /** Jobs handed to the printer and not finished. */
  #printing = 0;
  #checking: Promise<PrinterStatus> | undefined;
  /** A check was asked for while printing: run it once the printer is idle. */
  #checkWanted = false;
  #lastCheck = 0;
  #printingKept = false;
  /** A problem event the broker could not take (link down): sent at the next connect unless it is over by then. */
  #unsent: Record<string, unknown> | undefined;
  #stops: Array<() => void> = [];
  #running = false;

  constructor(options: PrinterWatchOptions) {
    this.#o = options;
    this.#intervalMs = options.intervalMs ?? 30_000;
    this.#problemIntervalMs = Math.min(options.problemIntervalMs ?? 5_000, this.#intervalMs);
  }

  /** What the printer last reported: `ready`, a problem, or `unknown` (not asked yet, or it cannot tell). */
  get state(): State {
    return this.#state;
  }

  /** Receipts kept because they could not be printed, oldest first. */
  kept(): readonly PrintDocument[] {
    return this.#kept?.list().map((k) => k.doc) ?? [];
  }

  /** Reads the kept receipts (the notice says so at once), then asks the printer, without waiting for its answer. */
  async start(): Promise<void> {
    const { printer, link, clock, logger, dir } = this.#o;
    this.#kept = await Unprinted.open({ dir, log: logger, ...(this.#o.maxKept ? { max: this.#o.maxKept } : {}) });
    this.#running = true;
    if (this.#kept.list().length) logger.warn({ kept: this.#kept.list().length }, 'receipts not printed are kept');
    this.#refresh();
    this.#stops.push(
      clock.every(this.#problemIntervalMs, () => this.#tick()),
      link.onStatus((s) => {
        if (s.connected) void this.#sendUnsent();
      }),
    );
    if (printer.onStatus) this.#stops.push(printer.onStatus((s) => this.#apply(s)));
    void this.check();
  }

  stop(): void {
    this.#running = false;
    for (const stop of this.#stops.splice(0)) stop();
  }

  /**
   * Prints `doc`; when that fails, keeps it and asks the printer why. Never
   * rejects: a receipt that cannot even be kept is logged, and that is all.
   */
  async print(doc: PrintDocument): Promise<PrintOutcome> {
    const outcome = await this.#job(doc);
    if (outcome.ok) return outcome;
    const { logger, clock } = this.#o;
    logger.warn({ reason: outcome.reason, detail: outcome.detail, doc: doc.title }, 'receipt not printed: kept to print later');
    try {
      await this.#kept?.keep(doc, new Date(clock.now()), { copy: outcome.sent === true });
    } catch (err) {
      logger.error({ err, doc: doc.title }, 'an unprinted receipt could not be kept');
    }
    await this.#checkWhenIdle();
    this.#refresh();
    return outcome;
  }

  /**
   * Prints the kept receipts, oldest first, each removed once it is out. Stops
   * at the first that fails because of the printer; one the printer refuses
   * while it says it is ready (a document it cannot render) is dropped, or it
   * would hold back all the others for ever.
   */
  async printKept(): Promise<void> {
    const kept = this.#kept;
    if (!kept || this.#printingKept) return;
    this.#printingKept = true;
    try {
      for (const k of [...kept.list()]) {
        const outcome = await this.#job(k.copy ? markedReprint(k.doc, this.#o.locale()) : k.doc);
        if (!outcome.ok) {
          if (outcome.sent && !k.copy) await kept.markCopy(k.id);
          await this.#checkWhenIdle();
          if (outcome.reason !== 'error' || this.#state !== 'ready') break;
          this.#o.logger.error({ doc: k.doc.title, detail: outcome.detail }, 'a kept receipt cannot be printed: no longer kept');
        }
        await kept.remove(k.id);
        this.#refresh();
      }
    } finally {
      this.#printingKept = false;
      this.#refresh();
    }
  }

  /**
   * The merchant dismissed the home notice `text`: when it is the kept
   * receipts' notice they are let go (Transactions can still reprint them,
   * marked REPRINT). Returns whether `text` was this watch's notice.
   */
  async dismiss(text: string | undefined): Promise<boolean> {
    if (text === undefined || text !== this.#shown) return false;
    if (this.#problem()) {
      // Hidden until the printer's state changes, as any passing notice.
      this.#o.notice(undefined, text);
      return true;
    }
    const count = this.#kept?.list().length ?? 0;
    await this.#kept?.clear();
    this.#o.logger.info({ count }, 'unprinted receipts dismissed by the merchant');
    this.#refresh();
    return true;
  }

  /** Asks the printer now (unless it is printing: then once it has finished). */
  check(): Promise<void> {
    if (this.#printing > 0) {
      this.#checkWanted = true;
      return Promise.resolve();
    }
    return this.status().then(() => undefined);
  }

  /**
   * Asks the printer now and takes its answer in; a query already under way
   * is shared, so that the self-test and this watch never ask twice at once.
   */
  status(): Promise<PrinterStatus> {
    this.#checking ??= this.#query().finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  async #query(): Promise<PrinterStatus> {
    this.#lastCheck = this.#o.clock.now();
    const status = await this.#o.printer.status().catch((err: unknown): PrinterStatus => ({ ok: false, reason: 'error', detail: String(err) }));
    this.#apply(status);
    return status;
  }

  async #job(doc: PrintDocument): Promise<PrintOutcome> {
    this.#printing += 1;
    try {
      const outcome = await this.#o.printer.print(doc);
      if (outcome.ok) this.#apply({ ok: true });
      return outcome;
    } finally {
      this.#printing -= 1;
      if (this.#printing === 0 && this.#checkWanted) {
        this.#checkWanted = false;
        void this.check();
      }
    }
  }

  /** After a failed job: the printer's state now, or once the jobs still under way have finished. */
  async #checkWhenIdle(): Promise<void> {
    if (this.#printing > 0) this.#checkWanted = true;
    else await this.check();
  }

  #tick(): void {
    if (!this.#running || this.#printing > 0 || this.#checking) return;
    const every = this.#problem() ? this.#problemIntervalMs : this.#intervalMs;
    if (this.#o.clock.now() - this.#lastCheck >= every) void this.check();
  }

  #problem(): PrinterProblem | undefined {
    return this.#state === 'unknown' || this.#state === 'ready' ? undefined : this.#state;
  }

  /** A new report from the printer: the notice and ops follow its changes, not its repetitions. */
  #apply(status: PrinterStatus): void {
    // A printer that cannot answer status queries tells nothing: the print outcomes still do.
    const problem = status.ok || status.reason === 'unsupported' ? undefined : status.reason;
    if (!status.ok && !problem) return;
    const next: State = problem ?? 'ready';
    const before = this.#state;
    if (next === before) return;
    this.#state = next;
    const { logger, clock } = this.#o;
    const detail = status.ok ? undefined : status.detail;
    if (!problem) {
      this.#unsent = undefined;
      if (before !== 'unknown') logger.info({ was: before }, 'printer ready again');
    } else {
      logger.warn({ reason: problem, detail }, 'printer problem');
      const event = {
        type: eventType(problem),
        at: new Date(clock.now()).toISOString(),
        reason: problem,
        ...(detail ? { detail } : {}),
      };
      this.#unsent = event;
      void this.#sendUnsent();
    }
    this.#refresh();
  }

  async #sendUnsent(): Promise<void> {
    const event = this.#unsent;
    if (!event) return;
    const sent = await this.#o.link.publish('events', event).catch(() => false);
    if (sent && this.#unsent === event) this.#unsent = undefined;
  }

  /** The one notice of this watch: the printer's problem, else the receipts waiting to be printed. */
  #refresh(): void {
    if (!this.#running) return;
    const words = messages(this.#o.locale());
    const problem = this.#problem();
    const count = this.#kept?.list().length ?? 0;
    const text = problem ? words.printerProblem[problem] : count > 0 && !this.#printingKept ? words.receiptsKept(count) : undefined;
    if (text === this.#shown) return;
    const old = this.#shown;
    this.#shown = text;
    this.#o.notice(text, old);
  }
}
