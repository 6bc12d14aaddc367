// EscposPrinter on a network printer (the TCP fake): the printer contract
// suite, one connection per job, a printer that is not there, and a printer
// that cannot answer status requests.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import type { Config } from '../../config/schema.ts';
import { EscposPrinter } from '../../hal/printer/escpos.ts';
import { escposPrinterFrom, PrinterConfigError, type EscposConfig } from '../../hal/printer/escpos-config.ts';
import { TcpTransport } from '../../hal/printer/transport-tcp.ts';
import type { PrintDocument, PrintOutcome, Printer, PrinterStatus } from '../../hal/printer/types.ts';
import { decodeDocuments } from '../support/escpos-decode.ts';
import { startTcpPrinter, type TcpFake } from '../support/printer-pty.ts';
import { printerContract, sampleReceipt } from './printer.contract.ts';

const STAMP = '#title:';

/**
 * The contract asks which documents came out. Titles are not printed, so the
 * bench stamps each document with a last line carrying its title, and reads
 * the titles back from the paper: one per document that arrived whole (cut).
 */
class Stamped implements Printer {
  readonly #inner: Printer;
  constructor(inner: Printer) {
    this.#inner = inner;
  }
  get columns(): number {
    return this.#inner.columns;
  }
  print(doc: PrintDocument): Promise<PrintOutcome> {
    const lines = Array.isArray(doc.lines) ? doc.lines : [];
    return this.#inner.print({ ...doc, lines: [...lines, { kind: 'text', text: `${STAMP}${doc.title}` }] });
  }
  status(): Promise<PrinterStatus> {
    return this.#inner.status();
  }
  start(): Promise<void> {
    return this.#inner.start();
  }
  stop(): Promise<void> {
    return this.#inner.stop();
  }
}

const titlesOnPaper = (fake: TcpFake): string[] =>
  decodeDocuments(fake.printer.bytes())
    .filter((d) => d.cuts === 1)
    .map((d) => d.lines.map((l) => l.text).find((t) => t.startsWith(STAMP))?.slice(STAMP.length) ?? '(no title)');

const fakes: TcpFake[] = [];

const contract = printerContract('escpos over tcp', async () => {
  const fake = await startTcpPrinter();
  fakes.push(fake);
  const printer = new EscposPrinter({
    transport: new TcpTransport({ host: fake.host, port: fake.port, connectTimeoutMs: 500 }),
    columns: 32,
    statusTimeoutMs: 200,
    sendTimeoutMs: 1000,
  });
  return {
    printer: new Stamped(printer),
    setProblem: (problem) => {
      fake.printer.condition = problem ?? 'ready';
    },
    printedTitles: () => titlesOnPaper(fake),
  };
});
contract.after(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

const test = suite('printer/escpos tcp');

async function bench(options: { statusQuery?: boolean } = {}) {
  const fake = await startTcpPrinter();
  const printer = new EscposPrinter({
    transport: new TcpTransport({ host: fake.host, port: fake.port, connectTimeoutMs: 500 }),
    columns: 48,
    statusTimeoutMs: 200,
    sendTimeoutMs: 1000,
    ...options,
  });
  await printer.start();
  return { fake, printer, done: async () => (await printer.stop(), await fake.close()) };
}

test('one connection per job (and per status query), closed when the job is done', async () => {
  const { fake, printer, done } = await bench();
  try {
    for (const title of ['a', 'b', 'c']) assert.equal(await printer.print(sampleReceipt(title)), { ok: true });
    assert.is(fake.connections(), 3);
    await printer.status();
    assert.is(fake.connections(), 4);
    assert.is(decodeDocuments(fake.printer.bytes()).length, 3);
  } finally {
    await done();
  }
});

test('80 mm paper: 48 columns', async () => {
  const { fake, printer, done } = await bench();
  try {
    await printer.print({ title: 't', lines: [{ kind: 'pair', left: '金额 Amount', right: '12.34' }, { kind: 'rule' }] });
    const [doc] = decodeDocuments(fake.printer.bytes());
    assert.equal(
      doc!.lines.map((l) => l.text),
      [`金额 Amount${' '.repeat(32)}12.34`, '-'.repeat(48)],
    );
  } finally {
    await done();
  }
});

test('no printer at the address: offline at once, with the reason', async () => {
  const spare = createServer();
  await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
  const port = (spare.address() as { port: number }).port;
  await new Promise<void>((resolve) => spare.close(() => resolve()));
  const printer = new EscposPrinter({ transport: new TcpTransport({ host: '127.0.0.1', port, connectTimeoutMs: 500 }), columns: 32 });
  await printer.start();
  const started = Date.now();
  const outcome = await printer.print(sampleReceipt());
  assert.ok(Date.now() - started < 500);
  assert.is(outcome.ok, false);
  if (!outcome.ok) {
    assert.is(outcome.reason, 'offline');
    assert.match(outcome.detail ?? '', /ECONNREFUSED/);
  }
  assert.is((await printer.status()).ok, false);
  await printer.stop();
});

test('a printer that cannot answer status requests: status() is unsupported and jobs go out unasked', async () => {
  const { fake, printer, done } = await bench({ statusQuery: false });
  try {
    assert.equal(await printer.status(), { ok: false, reason: 'unsupported' });
    fake.printer.condition = 'silent';
    assert.equal(await printer.print(sampleReceipt()), { ok: true });
    await fake.printer.waitFor((b) => b.includes(Buffer.from([0x1d, 0x56])));
    assert.is(fake.printer.queries, 0);
    assert.is(decodeDocuments(fake.printer.bytes()).length, 1);
  } finally {
    await done();
  }
});

test('not started: offline, nothing sent', async () => {
  const { fake, printer, done } = await bench();
  try {
    await printer.stop();
    assert.equal(await printer.print(sampleReceipt()), { ok: false, reason: 'offline', detail: 'not started' });
    assert.is(fake.connections(), 0);
  } finally {
    await done();
  }
});

test('from the config section: the interface picks the transport; what is missing is a start-up error', async () => {
  // The config's printer section is what the composition root hands over (this also checks the types fit).
  const section: Config['printer'] = { driver: 'escpos', interface: 'tcp', columns: 32 };
  assert.throws(() => escposPrinterFrom(section), (e: unknown) => e instanceof PrinterConfigError && /printer\.host/.test(String(e)));
  const serial: EscposConfig = { interface: 'serial', path: '/dev/ttyUSB0', columns: 32 };
  assert.throws(() => escposPrinterFrom(serial), /printer\.baudRate/);
  assert.throws(() => escposPrinterFrom({ columns: 32 }), /printer\.interface/);
  const fake = await startTcpPrinter();
  const printer = escposPrinterFrom({ interface: 'tcp', host: fake.host, port: fake.port, columns: 48, statusTimeoutMs: 200 });
  try {
    await printer.start();
    assert.is(printer.columns, 48);
    assert.equal(await printer.print(sampleReceipt()), { ok: true });
    assert.is(decodeDocuments(fake.printer.bytes()).length, 1);
  } finally {
    await printer.stop();
    await fake.close();
  }
});

contract.run();
test.run();
