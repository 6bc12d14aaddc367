// Printer contract. Receipts are documents (what to print), never device bytes:
// each driver renders them its own way (ESC/POS, plain text in the simulator).

export type Align = 'left' | 'center' | 'right';

export type DocLine =
  | { kind: 'text'; text: string; align?: Align; bold?: boolean; large?: boolean }
  /** Label on the left, value on the right of the same line. */
  | { kind: 'pair'; left: string; right: string; bold?: boolean }
  | { kind: 'rule' }
  | { kind: 'feed'; lines: number }
  /** QR code of a number (order or refund number): bare digits, so that it can be scanned back. */
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

export type PrintOutcome = { ok: true } | { ok: false; reason: PrinterProblem; detail?: string };

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
  start(): Promise<void>;
  stop(): Promise<void>;
}
