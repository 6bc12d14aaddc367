// Simulated printer: keeps every printed document with its plain-text
// rendering (render-text.ts), optionally writes each one to a text file so
// that the simulator's receipts can be read afterwards, and can be put into
// any of the problems a real printer has (paper out, cover open, offline).
// A print during a problem keeps nothing, as a real failed print leaves no
// receipt, and before start() the printer is `offline`. A change made through
// the back door is told to onStatus() listeners at once, as a printer with
// automatic status back (ESC/POS GS a) tells its host unasked.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../src/runtime/log.ts';
import { renderText } from './render-text.ts';
import type { PrintDocument, PrintOutcome, Printer, PrinterProblem, PrinterStatus } from './types.ts';

export interface SimPrinterOptions {
  /** Receipt width in characters (default 32, 58 mm paper). */
  columns?: number;
  /** When set, each printed document is also written there as `NNNN-title.txt` (UTF-8). */
  outputDir?: string;
  logger?: Logger;
}

export interface PrintedDocument {
  doc: PrintDocument;
  /** The receipt as plain text, lines joined with '\n'. */
  text: string;
  /** The file it was written to, when `outputDir` is set and the write succeeded. */
  file?: string;
}

/** A file-name-safe form of a document title: `Z report` → `z-report`. */
export const fileSlug = (title: string): string =>
  title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'document';

export class SimPrinter implements Printer {
  readonly columns: number;
  readonly #outputDir: string | undefined;
  readonly #logger: Logger | undefined;
  readonly #listeners = new Set<(printed: PrintedDocument) => void>();
  readonly #statusListeners = new Set<(status: PrinterStatus) => void>();
  #printed: PrintedDocument[] = [];
  #problem: PrinterProblem | null = null;
  #paperLow = false;
  #started = false;
  /** Last file sequence number used; read from outputDir on first write so a restart never overwrites. */
  #sequence: number | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: SimPrinterOptions = {}) {
    this.columns = options.columns ?? 32;
    this.#outputDir = options.outputDir;
    this.#logger = options.logger;
  }

  async start(): Promise<void> {
    this.#started = true;
  }

  async stop(): Promise<void> {
    this.#started = false;
  }

  async status(): Promise<PrinterStatus> {
    if (!this.#started) return { ok: false, reason: 'offline', detail: 'not started' };
    if (this.#problem) return { ok: false, reason: this.#problem };
    return this.#paperLow ? { ok: true, paperLow: true } : { ok: true };
  }

  /** Documents print one after the other, in the order print() was called, as on a real printer. */
  print(doc: PrintDocument): Promise<PrintOutcome> {
    const run = this.#queue.then(() => this.#print(doc));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #print(doc: PrintDocument): Promise<PrintOutcome> {
    if (!this.#started) return { ok: false, reason: 'offline', detail: 'not started' };
    if (this.#problem) return { ok: false, reason: this.#problem };
    let printed: PrintedDocument;
    try {
      printed = { doc: structuredClone(doc), text: renderText(doc, this.columns).join('\n') };
    } catch (error) {
      // Only a malformed document gets here; a real printer would print garbage, we refuse.
      this.#logger?.error({ err: error, title: doc?.title }, 'document could not be rendered');
      return { ok: false, reason: 'error', detail: 'malformed document' };
    }
    this.#printed.push(printed);
    const file = await this.#writeFile(doc.title, printed.text);
    if (file) printed.file = file;
    for (const listener of [...this.#listeners]) {
      try {
        listener(printed);
      } catch (error) {
        this.#logger?.error({ err: error }, 'onPrinted listener failed');
      }
    }
    return { ok: true };
  }

  /** Calls `listener` when the printer's state changes through the back door (setProblem, setPaperLow). */
  onStatus(listener: (status: PrinterStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Calls `listener` after each successful print (the simulator window shows receipts this way). */
  onPrinted(listener: (printed: PrintedDocument) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // ---- back door ----

  /** Every document printed since creation (or clear()), oldest first. */
  printed(): readonly PrintedDocument[] {
    return [...this.#printed];
  }

  /** Text of the last printed document, or null when nothing was printed. */
  lastText(): string | null {
    return this.#printed[this.#printed.length - 1]?.text ?? null;
  }

  /** Puts the printer into `problem` (prints then fail with it), or back to normal with null. */
  setProblem(problem: PrinterProblem | null): void {
    if (this.#problem === problem) return;
    this.#problem = problem;
    void this.#tell();
  }

  /** Paper near end: still prints, status() says `paperLow`. */
  setPaperLow(low: boolean): void {
    if (this.#paperLow === low) return;
    this.#paperLow = low;
    void this.#tell();
  }

  async #tell(): Promise<void> {
    if (!this.#started) return; // a printer that is not running tells nobody anything
    const status = await this.status();
    for (const listener of [...this.#statusListeners]) {
      try {
        listener(status);
      } catch (error) {
        this.#logger?.error({ err: error }, 'onStatus listener failed');
      }
    }
  }

  /** Forgets printed documents (files already written stay). */
  clear(): void {
    this.#printed = [];
  }

  async #writeFile(title: string, text: string): Promise<string | undefined> {
    const dir = this.#outputDir;
    if (!dir) return undefined;
    try {
      await mkdir(dir, { recursive: true });
      if (this.#sequence === null) {
        const numbers = (await readdir(dir)).map((name) => /^(\d+)-/.exec(name)?.[1]).filter((n) => n !== undefined);
        this.#sequence = Math.max(0, ...numbers.map(Number));
      }
      const file = join(dir, `${String(++this.#sequence).padStart(4, '0')}-${fileSlug(String(title))}.txt`);
      await writeFile(file, text + '\n', 'utf8');
      return file;
    } catch (error) {
      // The paper copy exists; a missing file is the simulator's problem, not the sale's.
      this.#logger?.warn({ err: error, dir }, 'could not write printed document to a file');
      return undefined;
    }
  }
}
