import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimPrinter, fileSlug, type PrintedDocument } from '../../hal/printer/sim.ts';
import { printerContract, sampleReceipt } from './printer.contract.ts';

const contract = printerContract('sim', () => {
  const printer = new SimPrinter();
  return {
    printer,
    setProblem: (problem) => printer.setProblem(problem),
    printedTitles: () => printer.printed().map((p) => p.doc.title),
  };
});

const test = suite('printer/sim back door');

async function started(options: ConstructorParameters<typeof SimPrinter>[0] = {}) {
  const printer = new SimPrinter(options);
  await printer.start();
  return printer;
}

test('printed() keeps each document with its text rendering; lastText() is the latest', async () => {
  const printer = await started();
  assert.is(printer.lastText(), null);
  await printer.print({ title: 'receipt', lines: [{ kind: 'pair', left: 'Amount', right: '12.34' }] });
  await printer.print({ title: 'slip', lines: [{ kind: 'text', text: '退款成功', align: 'center' }], cut: false });
  const printed = printer.printed();
  assert.is(printed.length, 2);
  assert.is(printed[0]!.text, `Amount${' '.repeat(21)}12.34\n✂${' -'.repeat(15)}`);
  assert.is(printer.lastText(), '            退款成功');
  printer.clear();
  assert.equal(printer.printed(), []);
  assert.is(printer.lastText(), null);
});

test('a document changed after printing does not change what was printed', async () => {
  const printer = await started();
  const doc = sampleReceipt();
  await printer.print(doc);
  doc.title = 'changed';
  assert.is(printer.printed()[0]!.doc.title, 'receipt');
});

test('not started, the printer is offline', async () => {
  const printer = new SimPrinter();
  assert.equal(await printer.print(sampleReceipt()), { ok: false, reason: 'offline', detail: 'not started' });
  assert.equal((await printer.status()).ok, false);
  assert.equal(printer.printed(), []);
});

test('paper low still prints and shows in status', async () => {
  const printer = await started();
  printer.setPaperLow(true);
  assert.equal(await printer.status(), { ok: true, paperLow: true });
  assert.equal(await printer.print(sampleReceipt()), { ok: true });
});

test('paper out, cover open, offline through the back door: onStatus hears each change once, and the recovery', async () => {
  const printer = await started();
  const heard: unknown[] = [];
  printer.onStatus((s) => heard.push(s));
  for (const problem of ['paper_out', 'paper_out', 'cover_open', 'offline', null] as const) printer.setProblem(problem);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(heard, [
    { ok: false, reason: 'paper_out' },
    { ok: false, reason: 'cover_open' },
    { ok: false, reason: 'offline' },
    { ok: true },
  ]);
  assert.equal(await printer.status(), { ok: true });
});

test('onPrinted listeners see each successful print, not failed ones', async () => {
  const printer = await started();
  const seen: PrintedDocument[] = [];
  const off = printer.onPrinted((p) => seen.push(p));
  await printer.print(sampleReceipt('one'));
  printer.setProblem('paper_out');
  await printer.print(sampleReceipt('two'));
  printer.setProblem(null);
  off();
  await printer.print(sampleReceipt('three'));
  assert.equal(
    seen.map((p) => p.doc.title),
    ['one'],
  );
  assert.match(seen[0]!.text, /REFUND/);
});

test('outputDir gets one UTF-8 file per document, numbered, created when missing', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'scanpos-printer-')), 'receipts');
  const printer = await started({ outputDir: dir });
  await printer.print(sampleReceipt('receipt'));
  await printer.print({ title: 'Z report', lines: [{ kind: 'text', text: '结算 totals agreed' }] });
  assert.equal(readdirSync(dir).sort(), ['0001-receipt.txt', '0002-z-report.txt']);
  const text = readFileSync(join(dir, '0002-z-report.txt'), 'utf8');
  assert.ok(text.startsWith('结算 totals agreed\n'));
  assert.is(printer.printed()[1]!.file, join(dir, '0002-z-report.txt'));
});

test('numbering goes on after the files already there, so a restart overwrites nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanpos-printer-'));
  writeFileSync(join(dir, '0041-receipt.txt'), 'old');
  writeFileSync(join(dir, 'notes.txt'), 'not a receipt');
  const printer = await started({ outputDir: dir });
  await Promise.all([printer.print(sampleReceipt('a')), printer.print(sampleReceipt('b'))]);
  assert.equal(readdirSync(dir).sort(), ['0041-receipt.txt', '0042-a.txt', '0043-b.txt', 'notes.txt']);
  assert.is(readFileSync(join(dir, '0041-receipt.txt'), 'utf8'), 'old');
});

test('a folder that cannot be written does not fail the print', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanpos-printer-'));
  writeFileSync(join(dir, 'file'), '');
  const printer = await started({ outputDir: join(dir, 'file', 'receipts') });
  assert.equal(await printer.print(sampleReceipt()), { ok: true });
  assert.is(printer.printed()[0]!.file, undefined);
});

test('file names are safe whatever the title', () => {
  assert.is(fileSlug('Z report'), 'z-report');
  assert.is(fileSlug('../../etc/passwd'), 'etc-passwd');
  assert.is(fileSlug('结算单'), '结算单');
  assert.is(fileSlug('***'), 'document');
});

contract.run();
test.run();
