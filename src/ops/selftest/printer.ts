// Printer test: what the printer says about itself (paper, cover), then a
// test page when one is asked for. A driver that cannot tell its state is
// said to be so; without a page to print there is then nothing to test.
import type { PrintDocument, Printer, PrinterProblem } from '../../../hal/printer/types.ts';
import type { CheckOutcome } from './runner.ts';

const PROBLEM: Record<PrinterProblem, string> = {
  paper_out: 'paper out',
  cover_open: 'cover open',
  offline: 'printer offline',
  error: 'printer error',
};

export interface PrinterCheckOptions {
  /** The test page; absent for a status-only check (at start-up, or while a transaction is on screen). */
  page?: PrintDocument;
  /** Why no page is printed, for the detail. */
  noPageReason?: string;
}

export async function checkPrinter(printer: Pick<Printer, 'status' | 'print'>, options: PrinterCheckOptions = {}): Promise<CheckOutcome> {
  const status = await printer.status();
  const notes: string[] = [];
  if (!status.ok && status.reason !== 'unsupported') {
    return { status: 'fail', detail: [PROBLEM[status.reason], status.detail].filter(Boolean).join(': ') };
  }
  if (status.ok) notes.push(status.paperLow ? 'paper low: change the roll soon' : 'paper ok', 'cover closed');
  else notes.push('status: this printer cannot report paper or cover');
  if (!options.page) {
    if (!status.ok) return { status: 'skipped', detail: [...notes, options.noPageReason ?? 'no test page printed'].join(', ') };
    return { status: 'pass', detail: [...notes, ...(options.noPageReason ? [options.noPageReason] : [])].join(', ') };
  }
  const printed = await printer.print(options.page);
  if (!printed.ok) {
    return { status: 'fail', detail: [...notes, `test page not printed: ${[PROBLEM[printed.reason], printed.detail].filter(Boolean).join(': ')}`].join(', ') };
  }
  return { status: 'pass', detail: [...notes, 'test page printed (text, Chinese, QR, bar code)'].join(', ') };
}
