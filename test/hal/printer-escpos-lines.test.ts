// EscposPrinter against a fake printer on both kinds of line it meets: a TCP
// server on 127.0.0.1 (a network printer's port 9100) and a pty made by socat
// (a USB-serial printer). Each scenario reads the bytes that arrived, decodes
// the ESC/POS stream and checks what the paper would say.
import { suite } from 'uvu';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { EscposPrinter } from '../../hal/printer/escpos.ts';
import { TcpTransport } from '../../hal/printer/transport-tcp.ts';
import { SerialTransport } from '../../hal/printer/transport-serial.ts';
import { TransportTimeout, type PrinterTransport } from '../../hal/printer/transport.ts';
import type { PrinterStatus } from '../../hal/printer/types.ts';
import type { Locale } from '../../src/domain/money.ts';
import { receipt } from '../../src/domain/receipt.ts';
import type { TxnRecord } from '../../src/domain/types.ts';
import { decodeDocuments, decodeEscpos } from '../support/escpos-decode.ts';
import { findSocat, startPtyPrinter, startTcpPrinter, type FakePrinter } from '../support/printer-pty.ts';
import { skipBecause } from '../support/skip.ts';

const ORDER = '2026112600000001';
const REFUND_NO = '3f2b8c1e-7d4a-4e91-9b0c-5a6d7e8f9012';
const STATUS_MS = 200;
const SEND_MS = 500;

const refund = (): TxnRecord => ({
  txn: {
    id: REFUND_NO,
    type: 'refund',
    orderId: ORDER,
    amountCents: 1234,
    currency: 'CNY',
    channel: 'wechat',
    payCode: '134567890123456789',
    createdAt: '2026-11-27T08:00:00Z',
    offline: false,
    terminalId: 'T1001',
    operator: 'supervisor',
  },
  state: 'approved',
  result: { id: REFUND_NO, status: 'approved', code: 'OK', message: 'ok', hostRef: 'H42' },
  attempts: 1,
  updatedAt: '2026-11-27T08:00:01Z',
});

const refundReceipt = (locale: Locale) =>
  receipt(refund(), { locale, timezone: 'Asia/Shanghai', merchantName: locale === 'en' ? 'Corner Shop' : '街角小店', header: [], footer: [] }, { copy: 'merchant' });

interface Bench {
  fake: FakePrinter;
  /** A new transport to the fake printer. */
  transport(): PrinterTransport;
  close(): Promise<void>;
}

const benches: Record<string, () => Promise<Bench>> = {
  tcp: async () => {
    const f = await startTcpPrinter();
    return { fake: f.printer, transport: () => new TcpTransport({ host: f.host, port: f.port, connectTimeoutMs: 500 }), close: f.close };
  },
  pty: async () => {
    const f = await startPtyPrinter();
    return { fake: f.printer, transport: () => new SerialTransport({ path: f.path, baudRate: 19200, openTimeoutMs: 500 }), close: f.close };
  },
};

async function withPrinter(make: () => Promise<Bench>, run: (printer: EscposPrinter, bench: Bench) => Promise<void>): Promise<void> {
  const bench = await make();
  const printer = new EscposPrinter({ transport: bench.transport(), columns: 32, statusTimeoutMs: STATUS_MS, sendTimeoutMs: SEND_MS });
  await printer.start();
  try {
    await run(printer, bench);
  } finally {
    await printer.stop();
    await bench.close();
  }
}

const isCut = (bytes: Buffer) => bytes.includes(Buffer.from([0x1d, 0x56]));

/** Only status requests arrived: not one byte of a receipt. */
const nothingPrinted = (fake: FakePrinter) => decodeEscpos(fake.bytes()).items.every((i) => i.kind === 'status-request');

function lineSuite(name: string, make: () => Promise<Bench>) {
  const test = suite(`printer/escpos over ${name}`);

  test('an English refund receipt arrives whole: the words, the amount, the order number as a QR code, the cut', () =>
    withPrinter(make, async (printer, { fake }) => {
      assert.equal(await printer.print(refundReceipt('en')), { ok: true });
      await fake.waitFor(isCut);
      const [doc, ...more] = decodeDocuments(fake.bytes());
      assert.is(more.length, 0);
      const text = doc!.text;
      for (const words of ['Corner Shop', 'REFUND', 'MERCHANT COPY', 'APPROVED', 'WeChat Pay', '**************6789', 'Signature']) assert.ok(text.includes(words), `${words} in\n${text}`);
      assert.ok(doc!.lines.some((l) => l.text === `Amount${' '.repeat(21)}12.34` && l.bold));
      assert.ok(doc!.lines.some((l) => l.text === `Order${' '.repeat(11)}${ORDER}`));
      assert.ok(text.includes('3f2b8c1e-7d4a-4e91-') && text.includes('9b0c-5a6d7e8f9012'), 'the refund number, broken where a reader expects');
      // Both numbers as codes, each under its label: the order's (to start a refund by a scan), the refund's.
      assert.equal(doc!.qr, [ORDER, REFUND_NO]);
      const labels = doc!.items.flatMap((item, i) => (item.kind === 'qr' ? [doc!.items[i - 1]] : []));
      assert.equal(labels.map((l) => l?.kind === 'line' && l.text), ['Order', 'Refund no.']);
      assert.is(doc!.cuts, 1);
      // Asked before and after the job.
      assert.ok(fake.queries >= 4, `${fake.queries} status requests`);
    }),
  );

  test('a Chinese refund receipt round-trips through GB18030 in Chinese mode', () =>
    withPrinter(make, async (printer, { fake }) => {
      assert.equal(await printer.print(refundReceipt('zh-CN')), { ok: true });
      await fake.waitFor(isCut);
      const bytes = fake.bytes();
      assert.ok(bytes.includes(Buffer.from([0x1c, 0x26])), 'FS &');
      const [doc] = decodeDocuments(bytes);
      for (const words of ['街角小店', '退款', '商户存根', '成功', '微信支付', '签名']) assert.ok(doc!.text.includes(words), `${words} in\n${doc!.text}`);
      assert.ok(doc!.lines.some((l) => l.text.startsWith('金额') && l.text.endsWith('¥12.34') && l.bold));
      assert.ok(doc!.lines.some((l) => l.text.startsWith('订单号') && l.text.endsWith(ORDER)));
      assert.ok(doc!.lines.filter((l) => /[^\x00-\x7f]/.test(l.text)).every((l) => l.segments.every((s) => s.chinese)));
      assert.equal(doc!.qr, [ORDER, REFUND_NO]);
      assert.ok(doc!.lines.some((l) => l.text === '退款单号' && l.align === 'center'), 'the refund code’s label, in Chinese');
      assert.is(doc!.cuts, 1);
    }),
  );

  test('paper out, cover open, offline, error: refused with the reason, nothing of the receipt sent', () =>
    withPrinter(make, async (printer, { fake }) => {
      for (const condition of ['paper_out', 'cover_open', 'offline', 'error'] as const) {
        fake.condition = condition;
        const outcome = await printer.print(refundReceipt('en'));
        assert.is(outcome.ok, false, condition);
        if (!outcome.ok) assert.is(outcome.reason, condition);
        const status = await printer.status();
        if (!status.ok) assert.is(status.reason, condition);
        assert.ok(nothingPrinted(fake), condition);
      }
      fake.condition = 'ready';
      assert.equal(await printer.print(refundReceipt('en')), { ok: true });
      await fake.waitFor(isCut);
      assert.is(decodeDocuments(fake.bytes()).length, 1);
    }),
  );

  test('a printer that does not answer DLE EOT: offline within the status time-out, nothing sent', () =>
    withPrinter(make, async (printer, { fake }) => {
      fake.condition = 'silent';
      const started = Date.now();
      const outcome = await printer.print(refundReceipt('en'));
      const took = Date.now() - started;
      assert.is(outcome.ok, false);
      if (!outcome.ok) {
        assert.is(outcome.reason, 'offline');
        assert.match(outcome.detail ?? '', /no answer to DLE EOT 1 within 200 ms/);
      }
      assert.ok(took >= STATUS_MS && took < STATUS_MS + 400, `${took} ms`);
      assert.ok(nothingPrinted(fake));
    }),
  );

  test('a printer that stops answering in the middle of a job: the job fails within its time-outs', () =>
    withPrinter(make, async (printer, { fake }) => {
      fake.stallAfter(200);
      const started = Date.now();
      const outcome = await printer.print(refundReceipt('zh-CN'));
      const took = Date.now() - started;
      assert.is(outcome.ok, false);
      if (!outcome.ok) assert.is(outcome.reason, 'offline');
      assert.ok(took < SEND_MS + 4 * STATUS_MS + 400, `${took} ms`);
      assert.ok(fake.stalled);
    }),
  );

  test('a printer that stops reading: send() gives up after its time-out and drops the line', async () => {
    const bench = await make();
    const transport = bench.transport();
    try {
      bench.fake.stallAfter(0);
      const started = Date.now();
      // More than every buffer between here and the printer (kernel socket or tty, pipe, socat) can hold.
      const error = await transport.send(Buffer.alloc(16 << 20, 0x20), 300).then(
        () => null,
        (e: unknown) => e,
      );
      const took = Date.now() - started;
      assert.instance(error, TransportTimeout);
      assert.ok(took >= 300 && took < 1300, `${took} ms`);
    } finally {
      await transport.close();
      await bench.close();
    }
  });

  test('paper low still prints; problems and recovery reach onStatus listeners', () =>
    withPrinter(make, async (printer, { fake }) => {
      const seen: PrinterStatus[] = [];
      printer.onStatus((s) => seen.push(s));
      fake.condition = 'paper_out';
      await printer.print(refundReceipt('en'));
      fake.condition = 'paper_low';
      assert.equal(await printer.print(refundReceipt('en')), { ok: true });
      assert.equal(await printer.status(), { ok: true, paperLow: true });
      fake.condition = 'ready';
      await printer.status();
      assert.equal(
        seen.map((s) => (s.ok ? (s.paperLow ? 'paper_low' : 'ready') : s.reason)),
        ['paper_out', 'paper_low', 'ready'],
      );
    }),
  );

  return test;
}

const serial = suite('printer/escpos serial line');

serial('unplugged: offline at the next job; plugged back in: the port is opened again and prints', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanpos-printer-plug-'));
  const path = join(dir, 'printer');
  let fake = await startPtyPrinter({ path });
  const printer = new EscposPrinter({ transport: new SerialTransport({ path, baudRate: 19200, openTimeoutMs: 500 }), columns: 32, statusTimeoutMs: STATUS_MS });
  await printer.start();
  try {
    assert.equal(await printer.print(refundReceipt('en')), { ok: true });
    await fake.close(); // the cable is pulled: the pty's other side is gone
    const gone = await printer.print(refundReceipt('en'));
    assert.is(gone.ok, false);
    if (!gone.ok) assert.is(gone.reason, 'offline');
    fake = await startPtyPrinter({ path });
    assert.equal(await printer.print(refundReceipt('zh-CN')), { ok: true });
    await fake.printer.waitFor(isCut);
    assert.ok(decodeDocuments(fake.printer.bytes())[0]!.text.includes('退款'));
  } finally {
    await printer.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

lineSuite('tcp', benches.tcp!).run();
if (findSocat()) {
  lineSuite('a pty (socat)', benches.pty!).run();
  serial.run();
}
else skipBecause('socat is not installed: the ESC/POS printer was not tested over a serial line (apt-get install socat)');
