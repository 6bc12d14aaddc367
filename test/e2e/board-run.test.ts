// `scanpos run --config FILE` as a board runs it, every device driven from
// outside the process: a real MQTT broker (aedes) with the reference host and
// its demo orders; the serial scanner and the ESC/POS serial printer on ptys
// made by socat; keys typed into the process's stdin (the TTY keypad driver
// reads stdin, and takes a pipe as well as a terminal: raw mode is only for a
// terminal); the display drawn on its stdout and read back through a small
// terminal model. Codes are written into the scanner's pty, receipts read as
// bytes from the printer's pty and decoded as ESC/POS.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connectAsync } from 'mqtt';
import { aedesBroker } from '../support/brokers.ts';
import { havePtys, openPtyPair } from '../support/pty.ts';
import { startPtyPrinter, type FakePrinter } from '../support/printer-pty.ts';
import { decodeDocuments } from '../support/escpos-decode.ts';
import { tempDir } from '../support/terminal.ts';
import { Screen } from '../hal/display/screen.ts';
import { startHost } from '../../scripts/host/start.ts';
import { freshPayCode } from '../../scripts/host/demo-orders.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { maskCode } from '../../src/domain/mask.ts';
import { Cleanup, within } from './stack.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TID = 'BRD1';
const ORDER = '2026000000000001'; // demo order: WeChat Pay, 88.00
/** The simulator's demo supervisor PIN (README) and its hash in config/simulator.json. */
const PIN = '246810';
const GS_V = Buffer.of(0x1d, 0x56); // cut
const DLE_EOT_4 = Buffer.of(0x10, 0x04, 0x04); // the last status request of a check
const ROWS = 10;
const COLS = 32;

/** What the board's display shows, read from the bytes the process writes to its stdout. */
class Board {
  readonly screen = new Screen(24, 80);
  #waiters = new Set<() => void>();
  #stderr = '';

  constructor(readonly child: ChildProcessWithoutNullStreams, readonly logFile: string) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      this.screen.write(text);
      for (const wake of [...this.#waiters]) wake();
    });
    child.stderr.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()));
    child.once('exit', () => {
      for (const wake of [...this.#waiters]) wake();
    });
  }

  /** The frame inside the box, rows joined with spaces and runs of spaces made one. */
  text(): string {
    return Array.from({ length: ROWS }, (_, i) => this.screen.slice(i + 1, 1, COLS).trim()).join(' ').replace(/\s+/g, ' ').trim();
  }

  /** Keys as a keyboard sends them: digits, `\r` OK, `\x1b` CANCEL, `\x7f` CLEAR. */
  keys(bytes: string): void {
    this.child.stdin.write(bytes);
  }

  async see(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.text())) {
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the board never showed ${pattern}; it shows:\n${this.text()}\n${this.#why()}`);
      }
      // Until more output arrives (or the process ends, or time is up).
      await new Promise<void>((wake) => {
        const done = () => {
          clearTimeout(timer);
          this.#waiters.delete(done);
          wake();
        };
        const timer = setTimeout(done, Math.max(1, deadline - Date.now()));
        this.#waiters.add(done);
      });
    }
    return this.text();
  }

  #why(): string {
    let log = '';
    try {
      log = readFileSync(this.logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      // no log yet
    }
    return `exit: ${this.child.exitCode ?? 'running'}\nstderr: ${this.#stderr.slice(-2000)}\nlog (last lines):\n${log}`;
  }
}

/** Documents that came out of the printer: waits for `count` cuts, then decodes the stream. */
async function receipts(fake: FakePrinter, count: number) {
  const cuts = (bytes: Buffer) => decodeDocuments(bytes).filter((d) => d.cuts > 0).length;
  await fake.waitFor((bytes) => cuts(bytes) >= count, 15_000);
  return decodeDocuments(fake.bytes());
}

const test = suite('e2e: scanpos run on board devices (serial scanner and printer on ptys, keys on stdin)');

if (havePtys('the board run test (scanpos run with serial devices)')) {
  test('a whole refund driven from outside: keys, a scanned code, the receipt bytes; then paper out, kept receipts printed after a new roll', async () => {
    const cleanup = new Cleanup();
    try {
      const broker = await aedesBroker.start();
      cleanup.add(() => broker.stop(), 'the broker stopping');
      const hostDir = tempDir();
      cleanup.add(async () => rmSync(hostDir, { recursive: true, force: true }), 'removing the host folder');
      const host = await startHost({ url: broker.url, logger: silentLogger(), dataDir: hostDir });
      cleanup.add(() => host.stop(), 'the host stopping');
      const scanner = await openPtyPair();
      cleanup.add(() => scanner.close(), 'the scanner pty closing');
      const printer = await startPtyPrinter();
      cleanup.add(() => printer.close(), 'the printer pty closing');
      // Ops watch the terminal's events.
      const ops = await connectAsync(broker.url, { clientId: 'ops-watch', protocolVersion: 4, reconnectPeriod: 0 });
      cleanup.add(() => ops.endAsync(true), 'the ops client ending');
      const events: Array<Record<string, unknown>> = [];
      ops.on('message', (_topic, payload) => events.push(JSON.parse(payload.toString()) as Record<string, unknown>));
      await ops.subscribeAsync(`pos/${TID}/events`, { qos: 1 });

      const dir = tempDir();
      cleanup.add(async () => rmSync(dir, { recursive: true, force: true }), 'removing the terminal folder');
      const simulator = JSON.parse(readFileSync(join(ROOT, 'config', 'simulator.json'), 'utf8')) as { security: { supervisorPinHash: string } };
      const configFile = join(dir, 'board.json');
      writeFileSync(
        configFile,
        JSON.stringify({
          version: 1,
          terminal: { id: TID, number: '0042', locale: 'en' },
          storage: { dir: 'data' },
          network: { driver: 'mqtt', rpcTimeoutMs: 3000, reconnectMinMs: 100, reconnectMaxMs: 1000, bootJitterMs: 0 },
          mqtt: { url: broker.url },
          display: { driver: 'tty', rows: ROWS, cols: COLS },
          keypad: { driver: 'tty' },
          scanner: { driver: 'serial', path: scanner.port, baudRate: 9600 },
          printer: { driver: 'escpos', interface: 'serial', path: printer.path, baudRate: 19200, columns: 32 },
          indicators: { driver: 'none' },
          security: { supervisorPinHash: simulator.security.supervisorPinHash },
        }),
      );

      const child = spawn(process.execPath, [join(ROOT, 'bin', 'scanpos.js'), 'run', '--config', configFile], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      cleanup.add(async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await within(exited, 3500, 'scanpos run did not stop on SIGTERM').catch((err: unknown) => {
          child.kill('SIGKILL');
          throw err;
        });
      }, 'scanpos run stopping');
      // The display draws on stdout, so the log goes to a file under storage.dir.
      const board = new Board(child, join(dir, 'data', 'logs', 'scanpos.log'));

      await board.see(new RegExp(`${TID} ONLINE`), 30_000);
      // 2 Refund → the order number → OK: the order check.
      board.keys(`2${ORDER}\r`);
      await board.see(/WeChat Pay .*Left: 88\.00/);
      board.keys('\r');
      await board.see(/Supervisor PIN/);
      board.keys(`${PIN}\r`);
      await board.see(/Refund amount: 88\.00/);
      board.keys('1200\r'); // the first digit replaces the proposed amount
      await board.see(/Scan the customer/);
      const code = freshPayCode({ channel: 'wechat' });
      await scanner.write(`${code}\r`);
      await board.see(/Confirm/);
      board.keys('\r');
      await board.see(/Refund: APPROVED/);

      const docs = await receipts(printer.printer, 2);
      assert.is(docs.length, 2, 'merchant and customer copies');
      const atHost = host.store.allTxns().filter((t) => t.txn.terminalId === TID && t.txn.type === 'refund');
      assert.is(atHost.length, 1, 'the host recorded exactly one refund');
      const refundNo = atHost[0]!.txn.id;
      assert.is(atHost[0]!.txn.amountCents, 1200);
      assert.is(atHost[0]!.result.status, 'approved');
      assert.equal(
        docs.map((d) => d.lines.find((l) => /COPY/.test(l.text))?.text.trim()),
        ['MERCHANT COPY', 'CUSTOMER COPY'],
      );
      for (const doc of docs) {
        assert.ok(doc.lines.some((l) => l.text.trim() === 'APPROVED' && l.bold), `APPROVED in\n${doc.text}`);
        assert.ok(doc.lines.some((l) => /^Amount +12\.00$/.test(l.text) && l.bold), `the amount in\n${doc.text}`);
        assert.ok(doc.text.includes(maskCode(code)), 'the code, masked');
        assert.not.ok(doc.text.includes(code), 'never the whole code');
        assert.equal(doc.qr, [ORDER, refundNo], 'the order and refund numbers as QR codes');
        assert.is(doc.cuts, 1);
      }

      // The paper runs out — once the last job's own check after sending is
      // answered, or that copy, already out, would count as failed (and be kept
      // as a copy to print again, marked REPRINT). The next refund is APPROVED
      // all the same; its receipts are kept.
      await printer.printer.waitFor((bytes) => bytes.subarray(bytes.lastIndexOf(GS_V)).includes(DLE_EOT_4), 5000);
      const printedBefore = printer.printer.bytes().length;
      printer.printer.condition = 'paper_out';
      board.keys('\r');
      await board.see(new RegExp(`${TID} ONLINE`));
      board.keys(`2${ORDER}\r`);
      await board.see(/Left: 76\.00/);
      board.keys(`\r${PIN}\r`);
      await board.see(/Refund amount: 76\.00/);
      board.keys('500\r');
      await board.see(/Scan the customer/);
      await scanner.write(`${freshPayCode({ channel: 'wechat' })}\r`);
      await board.see(/Confirm/);
      board.keys('\r');
      await board.see(/Refund: APPROVED/);
      board.keys('\r');
      await board.see(/! Printer out of paper: load a new roll/);
      const outOfPaper = await within(
        (async () => {
          while (!events.some((e) => e.type === 'paper_out')) await new Promise((r) => setTimeout(r, 20));
          return events.find((e) => e.type === 'paper_out')!;
        })(),
        5000,
        'no paper_out event on the link',
      );
      assert.equal({ v: outOfPaper.v, reason: outOfPaper.reason }, { v: 1, reason: 'paper_out' });
      const inked = decodeDocuments(printer.printer.bytes().subarray(printedBefore)).filter((d) => d.lines.length > 0);
      assert.is(inked.length, 0, 'not a line of the receipts went to a printer with no paper');

      // A new roll: the notice turns into the kept receipts, and OK prints them — as originals.
      printer.printer.condition = 'ready';
      await board.see(/! 2 receipts not printed: OK prints them/, 15_000);
      board.keys('\r');
      const all = await receipts(printer.printer, 4);
      const kept = all.slice(2);
      assert.is(kept.length, 2);
      for (const doc of kept) {
        assert.ok(doc.text.includes('APPROVED'));
        assert.ok(doc.lines.some((l) => /^Amount +5\.00$/.test(l.text)), `the amount in\n${doc.text}`);
        assert.not.ok(doc.text.includes('REPRINT'), 'the first copy that comes out is the original');
      }
      await board.see(/ONLINE No refunds queued 1 Sale/);
      const refunds = host.store.allTxns().filter((t) => t.txn.terminalId === TID && t.txn.type === 'refund');
      assert.is(refunds.length, 2, 'one refund per OK, whatever the printer did');
      assert.equal(host.store.order(ORDER)?.order.refundedCents, 1700);

      child.kill('SIGTERM');
      assert.is(await within(exited, 5000, 'scanpos run did not stop on SIGTERM'), 0);
    } finally {
      await cleanup.run();
    }
  });
}

test.run();
