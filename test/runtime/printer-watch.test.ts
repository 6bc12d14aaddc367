// The printer as the merchant and ops see it (src/runtime/printer-watch.ts):
// a home-screen notice and an `events` message when the paper runs out, the
// cover is open or the printer goes silent, cleared when it recovers; a
// receipt that could not be printed is kept on disk and printed later — as
// the original, since the original never came out — and never holds up the
// refund itself. First the watch alone on a simulated clock, then a whole
// terminal with simulated devices.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { SimLink } from '../../hal/network/sim.ts';
import { SimPrinter } from '../../hal/printer/sim.ts';
import type { PrintDocument, PrintOutcome, Printer, PrinterStatus } from '../../hal/printer/types.ts';
import { SimClock } from '../../src/runtime/clock.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { PrinterWatch } from '../../src/runtime/printer-watch.ts';
import { Unprinted } from '../../src/runtime/unprinted.ts';
import { TestTerminal, refundByKeys, simConfig, tempDir } from '../support/terminal.ts';
import { freshPayCode } from '../../scripts/host/demo-orders.ts';

const test = suite('printer watch');

const doc = (title: string): PrintDocument => ({ title, lines: [{ kind: 'text', text: title }], cut: true });

/** A printer that says nothing unless asked, as most ESC/POS printers; its status() calls are counted. */
class QuietPrinter implements Printer {
  readonly columns = 32;
  readonly sim = new SimPrinter();
  statusCalls = 0;
  /** While set, print() waits for it: a long job on a slow line. */
  hold: Promise<void> | undefined;
  /** The outcome of the next print, instead of printing. */
  failNext: PrintOutcome | undefined;
  print(d: PrintDocument): Promise<PrintOutcome> {
    const fail = this.failNext;
    this.failNext = undefined;
    return (this.hold ?? Promise.resolve()).then(() => fail ?? this.sim.print(d));
  }
  status(): Promise<PrinterStatus> {
    this.statusCalls += 1;
    return this.sim.status();
  }
  start = () => this.sim.start();
  stop = () => this.sim.stop();
}

/** Lets pending promise callbacks and file writes run, at least once, until `ok` (no timing involved). */
async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    await new Promise((r) => setTimeout(r, 1));
    if (ok()) return;
  }
  assert.ok(ok(), what);
}

async function rig(printer: Printer = new QuietPrinter(), options: { maxKept?: number } = {}) {
  const dir = tempDir();
  const clock = new SimClock();
  const link = new SimLink({ terminalId: 'PW01' });
  await link.start();
  await printer.start();
  const notices: string[] = [];
  const watch = new PrinterWatch({
    printer,
    link,
    clock,
    logger: silentLogger(),
    dir,
    locale: () => 'en',
    notice: (add, remove) => {
      const at = remove === undefined ? -1 : notices.indexOf(remove);
      if (at >= 0) notices.splice(at, 1);
      if (add) notices.push(add);
    },
    ...options,
  });
  await watch.start();
  const events = () => link.published().filter((p) => p.topic === 'events').map((p) => p.payload);
  return { dir, clock, link, watch, notices, events, done: () => (watch.stop(), rmSync(dir, { recursive: true, force: true })) };
}

test('a printer that tells nothing is asked when idle: paper out shows and goes, ops hear of it once', async () => {
  const printer = new QuietPrinter();
  const r = await rig(printer);
  try {
    await until(() => r.watch.state === 'ready', 'asked at start');
    printer.sim.setProblem('paper_out');
    r.clock.advance(30_000);
    await until(() => r.notices.length > 0, 'a notice after the idle check');
    assert.equal(r.notices, ['Printer out of paper: load a new roll']);
    assert.equal(r.events().map((e) => [e.type, e.reason]), [['paper_out', 'paper_out']]);
    // Asked again and again while it lasts (more often than when fine): still one notice, one event.
    for (let i = 0; i < 3; i++) {
      const asked = printer.statusCalls;
      r.clock.advance(5_000);
      await until(() => printer.statusCalls > asked, 'asked every few seconds while there is a problem');
    }
    assert.equal(r.notices, ['Printer out of paper: load a new roll']);
    assert.is(r.events().length, 1);
    printer.sim.setProblem('cover_open');
    r.clock.advance(5_000);
    await until(() => r.notices[0] === 'Printer cover open: close it', 'the notice follows the problem');
    assert.equal(r.events().map((e) => [e.type, e.reason]), [['paper_out', 'paper_out'], ['printer_offline', 'cover_open']]);
    printer.sim.setProblem(null);
    r.clock.advance(5_000);
    await until(() => r.notices.length === 0, 'recovery clears the notice');
    assert.is(r.watch.state, 'ready');
  } finally {
    r.done();
  }
});

test('never asked while it prints', async () => {
  const printer = new QuietPrinter();
  const r = await rig(printer);
  try {
    await until(() => r.watch.state === 'ready', 'asked at start');
    let release!: () => void;
    printer.hold = new Promise((resolve) => (release = resolve));
    const job = r.watch.print(doc('long job'));
    const asked = printer.statusCalls;
    r.clock.advance(120_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.is(printer.statusCalls, asked, 'no status query during the job');
    release();
    assert.equal(await job, { ok: true });
    r.clock.advance(30_000);
    await until(() => printer.statusCalls > asked, 'asked again once idle');
  } finally {
    r.done();
  }
});

test('a failed print is kept on disk and printed later as it was (not REPRINT); the notice says so until then', async () => {
  const sim = new SimPrinter();
  const r = await rig(sim);
  try {
    sim.setProblem('offline');
    await until(() => r.watch.state === 'offline', 'told by the printer');
    assert.equal(r.notices, ['Printer not answering: check its power and cable']);
    assert.equal(r.events().map((e) => e.type), ['printer_offline']);
    assert.is((await r.watch.print(doc('first'))).ok, false);
    assert.is((await r.watch.print(doc('second'))).ok, false);
    assert.equal(sim.printed(), []);
    // On disk: a restart (a new store over the same folder) still has them.
    const reopened = await Unprinted.open({ dir: r.dir });
    assert.equal(reopened.list().map((k) => k.doc.title), ['first', 'second']);
    // While the printer is out, OK would only fail again: the problem is what the notice says.
    await r.watch.printKept();
    assert.equal(sim.printed(), []);
    sim.setProblem(null);
    await until(() => r.notices[0] === '2 receipts not printed: OK prints them', 'the kept receipts once the printer is back');
    await r.watch.printKept();
    assert.equal(sim.printed().map((p) => p.doc), [doc('first'), doc('second')], 'the documents as they were made, in order');
    assert.equal(r.notices, []);
    assert.equal((await Unprinted.open({ dir: r.dir })).list(), []);
  } finally {
    r.done();
  }
});

test('a receipt the printer failed only after taking it comes out later marked REPRINT: some of it may be on paper', async () => {
  const printer = new QuietPrinter();
  const r = await rig(printer);
  try {
    printer.failNext = { ok: false, reason: 'paper_out', detail: 'after sending the receipt: paper_out', sent: true };
    await r.watch.print(doc('taken'));
    printer.failNext = { ok: false, reason: 'paper_out' };
    await r.watch.print(doc('never sent'));
    await r.watch.printKept();
    const out = printer.sim.printed().map((p) => p.doc);
    assert.equal(out.map((d) => d.title), ['taken', 'never sent']);
    assert.equal(out[0]!.lines[0], { kind: 'text', text: '*** REPRINT ***', align: 'center', bold: true });
    assert.equal(out[1], doc('never sent'), 'never on paper: the original');
    // Kept, then a try fails part-way: from then on it is a copy too.
    printer.failNext = { ok: false, reason: 'offline' };
    await r.watch.print(doc('late'));
    printer.failNext = { ok: false, reason: 'paper_out', sent: true };
    await r.watch.printKept();
    assert.equal(r.watch.kept(), [doc('late')]);
    await r.watch.printKept();
    assert.equal(printer.sim.lastText()?.split('\n').slice(0, 2), ['        *** REPRINT ***', 'late']);
  } finally {
    r.done();
  }
});

test('kept receipts are bounded, oldest let go; a kept one the printer cannot render does not block the rest', async () => {
  const sim = new SimPrinter();
  const r = await rig(sim, { maxKept: 3 });
  try {
    sim.setProblem('paper_out');
    for (const title of ['1', '2', '3', '4']) await r.watch.print(doc(title));
    await r.watch.print({ title: 'broken', lines: [{ kind: 'pair' }] } as unknown as PrintDocument);
    assert.equal(r.watch.kept().map((d) => d.title), ['3', '4', 'broken']);
    sim.setProblem(null);
    await r.watch.printKept();
    assert.equal(sim.printed().map((p) => p.doc.title), ['3', '4']);
    assert.equal(r.watch.kept(), []);
  } finally {
    r.done();
  }
});

test('a problem that starts while the broker is away is reported when it is back, unless it is over by then', async () => {
  const sim = new SimPrinter();
  const r = await rig(sim);
  try {
    await until(() => r.watch.state === 'ready', 'asked at start');
    r.link.drop();
    sim.setProblem('paper_out');
    await until(() => r.watch.state === 'paper_out', 'told');
    r.link.restore();
    await until(() => r.events().length === 1, 'sent on reconnect');
    assert.is(r.events()[0]!.type, 'paper_out');
    r.link.drop();
    sim.setProblem('offline');
    await until(() => r.watch.state === 'offline', 'told');
    sim.setProblem(null);
    await until(() => r.watch.state === 'ready', 'told');
    r.link.restore();
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.is(r.events().length, 1, 'a problem already over is not news');
  } finally {
    r.done();
  }
});

// ---- a whole terminal ----

test('terminal: paper out → home notice and `paper_out` on events; a new roll clears it', async () => {
  const t = await TestTerminal.start(simConfig(tempDir()));
  try {
    await t.see(/TT01 ONLINE/);
    await t.running.terminal.settled(); // what the terminal does at start is over
    t.devices.printer!.setProblem('paper_out');
    await t.see(/! Printer out of paper: load a new roll/);
    const events = t.devices.link!.published().filter((p) => p.topic === 'events');
    assert.equal(events.map((e) => e.payload.type), ['paper_out']);
    t.devices.printer!.setProblem(null);
    const home = await t.see(/ONLINE No refunds queued 1 Sale/);
    assert.not.match(home, /Printer/);
  } finally {
    await t.stop();
  }
});

test('terminal: a refund while the printer is offline is APPROVED; its receipts are kept, and printed (as originals) after recovery with OK', async () => {
  const dir = tempDir();
  let t = await TestTerminal.start(simConfig(dir));
  const orderId = '2026000000000001';
  try {
    await t.see(/TT01 ONLINE/);
    await t.running.terminal.settled(); // what the terminal does at start is over
    t.devices.printer!.setProblem('offline');
    await t.see(/Printer not answering/);
    await refundByKeys(t, orderId, '1200', freshPayCode({ channel: 'wechat' }));
    await t.see(/Refund: APPROVED/);
    await t.running.terminal.settled();
    assert.equal(t.devices.printer!.printed(), []);
    const [record] = await t.running.ledger.recent(1);
    assert.is(record?.state, 'approved');
    t.keys('[OK]');
    await t.see(/! Printer not answering: check its power and cable/);
  } finally {
    await t.stop();
  }
  // Kept across a restart; the printer works again.
  t = await TestTerminal.start(simConfig(dir));
  try {
    await t.see(/! 2 receipts not printed: OK prints them \(CLEAR: dismiss\)/);
    t.keys('[OK]');
    await t.see(/ONLINE No refunds queued 1 Sale/);
    await t.running.terminal.settled();
    const printed = t.devices.printer!.printed();
    assert.equal(printed.map((p) => /MERCHANT COPY/.test(p.text) ? 'merchant' : 'customer'), ['merchant', 'customer']);
    const [record] = await t.running.ledger.recent(1);
    for (const p of printed) {
      assert.match(p.text, /APPROVED/);
      assert.match(p.text, /12\.00/);
      assert.not.match(p.text, /REPRINT/, 'the first copy that comes out is the original');
      const codes = p.doc.lines.flatMap((l) => (l.kind === 'qr' ? [l.data] : []));
      assert.equal(codes, [orderId, record!.txn.id], 'the order and refund numbers as QR codes');
    }
  } finally {
    await t.stop();
  }
});

test('terminal: CLEAR on the kept receipts’ notice lets them go (Transactions can still reprint)', async () => {
  const t = await TestTerminal.start(simConfig(tempDir()));
  try {
    await t.see(/TT01 ONLINE/);
    await t.running.terminal.settled(); // what the terminal does at start is over
    t.devices.printer!.setProblem('paper_out');
    await refundByKeys(t, '2026000000000001', '500', freshPayCode({ channel: 'wechat' }));
    await t.see(/Refund: APPROVED/);
    await t.running.terminal.settled();
    t.keys('[OK]');
    t.devices.printer!.setProblem(null);
    await t.see(/2 receipts not printed/);
    t.keys('[CLEAR]');
    await t.see(/ONLINE No refunds queued 1 Sale/);
    await t.running.terminal.settled();
    assert.equal(t.running.terminal.printerWatch.kept(), []);
    t.keys('[OK]');
    await t.running.terminal.settled();
    assert.equal(t.devices.printer!.printed(), []);
  } finally {
    await t.stop();
  }
});

test.run();
