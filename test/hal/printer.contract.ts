// Contract suite of a printer (hal/printer/types.ts), run against any driver.
// The factory gives the printer and, where the bench can do it, a way to put
// the device into a problem (the simulator's back door; a TCP test server
// answering status bytes) and to read back what was printed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PrintDocument, Printer, PrinterProblem } from '../../hal/printer/types.ts';

export interface PrinterUnderTest {
  printer: Printer;
  /** Puts the device into `problem`, or back to normal with null. */
  setProblem?: (problem: PrinterProblem | null) => void | Promise<void>;
  /** Titles of the documents that came out, in order. */
  printedTitles?: () => string[];
}

export type PrinterFactory = () => PrinterUnderTest | Promise<PrinterUnderTest>;

export const sampleReceipt = (title = 'receipt'): PrintDocument => ({
  title,
  lines: [
    { kind: 'text', text: '退款凭证 REFUND', align: 'center', large: true },
    { kind: 'rule' },
    { kind: 'pair', left: '订单号 Order', right: '2026112600000001' },
    { kind: 'pair', left: 'Amount', right: '12.34', bold: true },
    { kind: 'text', text: 'APPROVED', align: 'center', bold: true },
    { kind: 'qr', data: '2026112600000001' },
    { kind: 'barcode', data: '2026112600000001' },
    { kind: 'feed', lines: 2 },
  ],
});

export function printerContract(name: string, make: PrinterFactory) {
  const test = suite(`printer contract: ${name}`);

  async function started() {
    const under = await make();
    await under.printer.start();
    return under;
  }

  test('has a receipt width of 32 or 48 columns', async () => {
    const { printer } = await make();
    assert.ok(printer.columns === 32 || printer.columns === 48, `columns ${printer.columns}`);
  });

  test('prints a receipt with Chinese text, QR code and barcode', async () => {
    const { printer, printedTitles } = await started();
    assert.equal(await printer.print(sampleReceipt()), { ok: true });
    if (printedTitles) assert.equal(printedTitles(), ['receipt']);
    await printer.stop();
  });

  test('status is ok when the printer is ready', async () => {
    const { printer } = await started();
    const status = await printer.status();
    assert.ok(status.ok || status.reason === 'unsupported', JSON.stringify(status));
    await printer.stop();
  });

  test('documents printed at once come out whole and in order', async () => {
    const { printer, printedTitles } = await started();
    const outcomes = await Promise.all(['a', 'b', 'c'].map((t) => printer.print(sampleReceipt(t))));
    assert.equal(outcomes, [{ ok: true }, { ok: true }, { ok: true }]);
    if (printedTitles) assert.equal(printedTitles(), ['a', 'b', 'c']);
    await printer.stop();
  });

  test('a print during a problem resolves with that problem and prints nothing', async () => {
    const { printer, setProblem, printedTitles } = await started();
    if (!setProblem) return;
    for (const problem of ['paper_out', 'cover_open', 'offline'] as const) {
      await setProblem(problem);
      const outcome = await printer.print(sampleReceipt(problem));
      assert.is(outcome.ok, false);
      if (!outcome.ok) assert.is(outcome.reason, problem);
      const status = await printer.status();
      assert.is(status.ok, false);
      if (!status.ok) assert.is(status.reason, problem);
    }
    await setProblem(null);
    assert.equal(await printer.print(sampleReceipt('after')), { ok: true });
    if (printedTitles) assert.equal(printedTitles(), ['after']);
    await printer.stop();
  });

  test('an empty document or an odd line never makes print reject', async () => {
    const { printer } = await started();
    assert.equal(await printer.print({ title: 'empty', lines: [] }), { ok: true });
    const odd = { title: 'odd', lines: [{ kind: 'feed', lines: -3 }, { kind: 'sparkles' }] } as unknown as PrintDocument;
    const outcome = await printer.print(odd);
    assert.type(outcome.ok, 'boolean');
    await printer.stop();
  });

  test('start and stop are idempotent', async () => {
    const { printer } = await make();
    await printer.start();
    await printer.start();
    await printer.stop();
    await printer.stop();
  });

  return test;
}
