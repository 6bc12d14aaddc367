// Printer contract. Receipts are documents (what to print), never device bytes:
// each driver renders them its own way (ESC/POS, plain text in the simulator).

export type Align = 'left' | 'center' | 'right';

export type DocLine =
  | { kind: 'text'; text: string; align?: Align; bold?: boolean; large?: boolean }
  /** Label on the left, value on the right of the same line. */
  | { kind: 'pair'; left: string; right: string; bold?: boolean }
  | { kind: 'rule' }
  | { kind: 'feed'; lines: number }
  /**
   * QR code of a number, bare so that it can be scanned back: an order number
   * (digits) or a refund number (the transaction id as it is).
   */
  | { kind: 'qr'; data: string }
  | { kind: 'barcode'; data: string };

export interface PrintDocument {
  /** What it is, for logs and file names: `receipt`, `slip`, `report`, `selftest`… */
  title: string;
  lines: DocLine[];
  /** Cut the paper after the document (default true). */
  cut?: boolean;
}

export type PrinterProblem = 'paper_out' | 'cover_open' | 'offline' | 'error';

export type PrinterStatus =
  | { ok: true; paperLow?: boolean }
  | { ok: false; reason: PrinterProblem | 'unsupported'; detail?: string };

export type PrintOutcome =
  | { ok: true }
  | {
      ok: false;
      reason: PrinterProblem;
      detail?: string;
      /**
       * The document went out before the failure was seen (the printer stopped
       * or ran out of paper while it had it): some or all of it may be on paper,
       * so a later print of it is a copy.
       */
      sent?: boolean;
    };

export interface Printer {
  /** Receipt width in characters (32 on 58 mm paper, 48 on 80 mm). */
  readonly columns: number;
  /**
   * Prints `doc`. Resolves (never rejects) with the outcome; a failed print
   * leaves nothing half-done that the caller must clean up.
   */
  print(doc: PrintDocument): Promise<PrintOutcome>;
  /** Asks the device for its state; `unsupported` when the device cannot tell. */
  status(): Promise<PrinterStatus>;
  /**
   * Optional: calls `listener` whenever what the printer reports changes (learnt
   * from a job, from status(), or told by the device itself). Callers that need
   * to know the state without it ask status(). Returns the unsubscribe function.
   */
  onStatus?(listener: (status: PrinterStatus) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}
