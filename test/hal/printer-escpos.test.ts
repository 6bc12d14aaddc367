// ESC/POS rendering and status decoding, without a printer: documents are
// rendered to bytes and read back with the test decoder. Whole receipts over
// a TCP and a serial line: printer-escpos-lines.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { charWidth } from '../../hal/display/width.ts';
import { code128 } from '../../hal/printer/escpos-barcode.ts';
import { renderEscpos } from '../../hal/printer/escpos-render.ts';
import type { CodePage } from '../../hal/printer/escpos-text.ts';
import { decodeStatus, isStatusByte } from '../../hal/printer/status.ts';
import type { DocLine, PrintDocument } from '../../hal/printer/types.ts';
import { decodeEscpos, type Line } from '../support/escpos-decode.ts';
import { STATUS_BYTES } from '../support/printer-pty.ts';
import { sampleReceipt } from './printer.contract.ts';

const test = suite('printer/escpos rendering');

const ORDER = '2026112600000001';
const REFUND_NO = '3f2b8c1e-7d4a-4e91-9b0c-5a6d7e8f9012';

const render = (doc: PrintDocument, options: { columns?: number; codePage?: CodePage } = {}) =>
  renderEscpos(doc, { columns: options.columns ?? 32, codePage: options.codePage ?? 'gb18030' });

const lines = (docLines: DocLine[], options: { columns?: number; codePage?: CodePage } = {}) =>
  decodeEscpos(render({ title: 't', lines: docLines, cut: false }, options)).lines;

/** Columns a line takes on a Chinese-mode printer: ASCII one, anything else two (the 24-dot font). */
const paperWidth = (line: Line): number =>
  line.segments.reduce((w, s) => w + [...s.text].reduce((n, ch) => n + (ch.codePointAt(0)! < 0x80 ? 1 : s.chinese ? 2 : charWidth(ch)), 0) * s.width, 0);

test('pairs are padded to the paper in columns: Chinese and the narrow signs printed from the Chinese font count two', () => {
  const out = lines([
    { kind: 'pair', left: '订单号 Order', right: ORDER },
    { kind: 'pair', left: '金额', right: '¥12.34' },
    { kind: 'pair', left: 'WeChat 退款 ×2', right: '¥1,234.00' },
  ]);
  assert.is(out[0]!.text, `订单号 Order    ${ORDER}`);
  // 金额 (4 columns) + 21 spaces + ¥12.34 (7: ¥, GB18030 81 30 84 36, prints two wide) = 32.
  assert.is(out[1]!.text, `金额${' '.repeat(21)}¥12.34`);
  for (const l of out) assert.is(paperWidth(l), 32, l.text);
});

test('text wraps at the paper width in columns; large text at half of it, centred', () => {
  const out = lines([
    { kind: 'text', text: '离线记录，网络恢复后自动提交；成功后退款到账。' },
    { kind: 'text', text: 'REFUND PENDING 2/2', large: true, align: 'left' },
  ]);
  assert.equal(
    out.map((l) => l.text),
    ['离线记录，网络恢复后自动提交；成', '功后退款到账。', 'REFUND PENDING', '2/2'],
  );
  assert.ok(out.slice(0, 2).every((l) => paperWidth(l) <= 32));
  assert.ok(out.slice(2).every((l) => l.large && l.align === 'center' && paperWidth(l) <= 32));
});

test('alignment, emphasis, rules and feeds', () => {
  const out = lines([
    { kind: 'text', text: 'left' },
    { kind: 'text', text: 'mid', align: 'center', bold: true },
    { kind: 'text', text: 'right', align: 'right' },
    { kind: 'rule' },
    { kind: 'feed', lines: 2 },
    { kind: 'feed', lines: 500 },
    { kind: 'feed', lines: -3 },
  ]);
  assert.equal(
    out.slice(0, 4).map((l) => [l.text, l.align, l.bold]),
    [
      ['left', 'left', false],
      ['mid', 'center', true],
      ['right', 'right', false],
      ['-'.repeat(32), 'left', false],
    ],
  );
  assert.is(out.length, 4 + 2 + 20, 'a feed adds at most 20 lines; a negative one none');
});

test('control characters in text never reach the printer as commands', () => {
  const bytes = render({ title: 't', lines: [{ kind: 'text', text: 'Shop\x1bp\x00\x19\xfa name' }, { kind: 'pair', left: 'a\nb', right: '\x10\x14\x01' }], cut: false });
  const d = decodeEscpos(bytes);
  assert.equal(d.lines.map((l) => l.text), ['Shoppú name', 'a b']);
  assert.not.ok(d.items.some((i) => i.kind === 'drawer'));
  assert.not.ok(bytes.includes(0x10));
});

test('QR codes of the order and refund numbers; a payload that is not ASCII prints as text', () => {
  const d = decodeEscpos(
    render({ title: 't', lines: [{ kind: 'qr', data: ORDER }, { kind: 'qr', data: REFUND_NO }, { kind: 'qr', data: '退款' }], cut: false }),
  );
  assert.equal(d.qr, [ORDER, REFUND_NO]);
  const qr = d.items.find((i) => i.kind === 'qr');
  assert.equal(qr, { kind: 'qr', data: ORDER, align: 'center', model: 2, size: 6, correction: 'M' });
  assert.ok(d.lines.some((l) => l.text === '退款' && l.align === 'center'));
});

test('CODE128: numbers in code set C (fits 58 mm), text in set B with { escaped, too wide as text', () => {
  const d = decodeEscpos(
    render({ title: 't', lines: [{ kind: 'barcode', data: ORDER }, { kind: 'barcode', data: 'AB{1' }, { kind: 'barcode', data: 'X'.repeat(40) }], cut: false }),
  );
  assert.equal(d.barcodes, [ORDER, 'AB{1']);
  assert.ok(d.lines.some((l) => l.text === 'X'.repeat(32)), 'the 40 characters do not fit as bars; printed as text');
  const symbol = code128(ORDER, { maxDots: 384 });
  assert.is(symbol?.kind, 'raw');
});

test('CODE128 never sends byte 0x10 (DLE): the pair 16 and an odd last digit go in code set B', () => {
  // 16 20 01 00 05 in code set C would be DLE DC4 1 0 5: a cash drawer pulse, sent in real time.
  for (const data of ['1620010005', '16', '2026160401', '123']) {
    const symbol = code128(data, { maxDots: 576 });
    assert.ok(symbol && symbol.kind === 'raw', data);
    if (symbol?.kind === 'raw') assert.not.ok(symbol.bytes.subarray(7).includes(0x10), data);
    assert.equal(decodeEscpos(render({ title: 't', lines: [{ kind: 'barcode', data }], cut: false })).barcodes, [data]);
  }
});

test('PC437 printers: no Chinese mode, ESC t 0, what the table lacks prints as ?', () => {
  const bytes = render({ title: 't', lines: [{ kind: 'pair', left: '金额 Amount', right: '12.34' }] }, { codePage: 'pc437' });
  assert.not.ok(bytes.includes(Buffer.from([0x1c, 0x26])));
  assert.ok(bytes.includes(Buffer.from([0x1b, 0x74, 0x00])));
  assert.equal(decodeEscpos(bytes).lines.map((l) => l.text), [`?? Amount${' '.repeat(18)}12.34`]);
});

test('cut: false leaves the paper uncut; an empty document is just an initialisation and a cut', () => {
  assert.is(decodeEscpos(render({ title: 't', lines: [{ kind: 'text', text: 'x' }], cut: false })).cuts, 0);
  const empty = decodeEscpos(render({ title: 'empty', lines: [] }));
  assert.equal(empty.lines, []);
  assert.is(empty.cuts, 1);
});

test('an odd line prints nothing; a malformed one does not crash the renderer', () => {
  const odd = { title: 'odd', lines: [{ kind: 'sparkles' }, null, { kind: 'text' }, { kind: 'pair' }, { kind: 'qr' }] } as unknown as PrintDocument;
  const d = decodeEscpos(render(odd));
  assert.equal(d.qr, []);
  assert.is(d.cuts, 1);
});

test('node-thermal-printer is only a byte builder here: it prints nothing on the console', () => {
  const original = console.error;
  const said: unknown[] = [];
  console.error = (...args: unknown[]) => void said.push(args);
  try {
    render(sampleReceipt());
    render({ title: 't', lines: [{ kind: 'text', text: 'é ¥ × 𠀀' }] }, { codePage: 'pc437' });
  } finally {
    console.error = original;
  }
  assert.equal(said, []);
});

const status = suite('printer/escpos status bits (DLE EOT)');

status('the fake printer conditions decode to the contract statuses', () => {
  const expected = {
    ready: { ok: true },
    paper_low: { ok: true, paperLow: true },
    paper_out: { ok: false, reason: 'paper_out' },
    cover_open: { ok: false, reason: 'cover_open' },
    offline: { ok: false, reason: 'offline' },
    error: { ok: false, reason: 'error' },
  } as const;
  for (const [condition, bytes] of Object.entries(STATUS_BYTES)) {
    const decoded = decodeStatus({ printer: bytes[1], paper: bytes[4], ...(bytes[1] & 0x08 ? { offlineCause: bytes[2] } : {}) });
    const { detail: _, ...shape } = decoded as { detail?: string };
    assert.equal(shape, expected[condition as keyof typeof expected], condition);
  }
});

status('an open cover wins over the paper end it also causes; a paper sensor alone is enough', () => {
  assert.is((decodeStatus({ printer: 0x1a, offlineCause: 0x36, paper: 0x72 }) as { reason: string }).reason, 'cover_open');
  assert.is((decodeStatus({ printer: 0x12, paper: 0x72 }) as { reason: string }).reason, 'paper_out');
  assert.equal(decodeStatus({ printer: 0x12, paper: 0x16 }), { ok: true, paperLow: true }, 'one near-end bit (clones)');
});

status('only bytes with the fixed bits are status replies', () => {
  assert.ok(isStatusByte(0x12) && isStatusByte(0x1a) && isStatusByte(0x72));
  for (const b of [0x00, 0x11, 0x13, 0xff, 0x92]) assert.not.ok(isStatusByte(b), b.toString(16));
});

test.run();
status.run();
