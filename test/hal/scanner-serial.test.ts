// The serial scanner over real pseudo-terminals (socat): the scanner
// contract, then what only a serial line has — terminators, split writes,
// garbage, bursts, unplug / plug, a device missing at start, a hang-up with
// bytes in flight.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialScanner, type SerialScannerOptions } from '../../hal/scanner/serial.ts';
import type { ScannerStatus } from '../../hal/scanner/types.ts';
import { havePtys, openPtyPair, type PtyPair } from '../support/pty.ts';
import { scannerContract } from './scanner.contract.ts';

const SILENCE_MS = 50;

interface LogLine {
  level: number;
  msg: string;
  reason?: string;
  bytes?: number;
  tail?: string;
  reads?: number;
  [key: string]: unknown;
}

/** Resolves once `done()` holds; fails the test after `ms`. */
async function until(done: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const pairs = new Set<PtyPair>();
const scanners = new Set<SerialScanner>();

async function cleanUp(): Promise<void> {
  for (const scanner of scanners) await scanner.stop();
  for (const pair of pairs) await pair.close();
  scanners.clear();
  pairs.clear();
}

/** A serial scanner on a fresh pty pair, its logs captured, started. */
async function rig(options: { present?: boolean; scanner?: Partial<SerialScannerOptions> } = {}) {
  const pty = await openPtyPair({ plugged: options.present ?? true });
  pairs.add(pty);
  const logs: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  // Reopen quickly: the tests plug the device back at once.
  const scanner = new SerialScanner({ path: pty.port, baudRate: 9600, logger, reopenMinMs: 10, reopenMaxMs: 50, ...options.scanner });
  scanners.add(scanner);
  const codes: string[] = [];
  const statuses: ScannerStatus[] = [];
  scanner.onCode((code) => codes.push(code));
  scanner.onStatus((status) => statuses.push(status));
  await scanner.start();
  const drops = () => logs.filter((l) => l.msg === 'scanner: read dropped');
  return {
    pty,
    scanner,
    logs,
    codes,
    statuses,
    drops,
    /** Codes delivered plus reads dropped: every read ends as one of them. */
    outcomes: () => codes.length + drops().length,
    unplug: async (abrupt = false) => {
      await pty.unplug({ abrupt });
      await until(() => !scanner.status().present, 'the scanner to report the device gone');
    },
    plug: async () => {
      await pty.plug();
      await until(() => scanner.status().present, 'the scanner to reopen the device');
    },
  };
}

if (havePtys('the serial scanner tests')) {
  const contract = scannerContract('serial over a pty pair', async ({ present }) => {
    const r = await rig({ present });
    return {
      scanner: r.scanner,
      read: async (bytes) => {
        const before = r.outcomes();
        await r.pty.write(bytes);
        // A stopped scanner reads nothing: give it the time it would have had.
        if (r.scanner.status().detail === 'stopped') return void (await sleep(SILENCE_MS * 2));
        await until(() => r.outcomes() > before, `the read ${JSON.stringify(bytes)} to be delivered or dropped`);
      },
      unplug: () => r.unplug(),
      plug: () => r.plug(),
    };
  });
  contract.after.each(cleanUp);

  const test = suite('scanner/serial over a pty pair');
  test.after.each(cleanUp);

  test('CR, LF, CRLF and no terminator at all', async () => {
    const r = await rig();
    for (const read of ['111111\r', '222222\n', '333333\r\n', '444444']) {
      const before = r.codes.length;
      await r.pty.write(read);
      await until(() => r.codes.length > before, `a code from ${JSON.stringify(read)}`);
    }
    assert.equal(r.codes, ['111111', '222222', '333333', '444444']);
    assert.equal(r.drops(), [], 'a CRLF is one terminator: no empty read');
  });

  test('a code split across several writes with small gaps is one code', async () => {
    // Gaps of 10 ms against a 150 ms time-out: a margin that a loaded CI machine cannot eat.
    const r = await rig({ scanner: { interByteTimeoutMs: 150 } });
    for (const part of ['1345', '67890', '12345', '6789', '\r']) {
      await r.pty.write(part);
      await sleep(10);
    }
    await until(() => r.codes.length > 0, 'the code');
    assert.equal(r.codes, ['134567890123456789']);
    // Without a terminator, the gaps must stay under the inter-byte time-out too.
    for (const part of ['2026', '1126', '0000', '0001']) {
      await r.pty.write(part);
      await sleep(10);
    }
    await until(() => r.codes.length > 1, 'the second code');
    assert.equal(r.codes, ['134567890123456789', '2026112600000001']);
  });

  test('garbage is dropped and logged with its reason, never in full', async () => {
    const r = await rig();
    const garbage: Array<[string | Buffer, string, number]> = [
      ['\x00\x01\x02\x03\x1b[2J\r', 'not-printable', 8],
      ['7'.repeat(2048), 'too-long', 2048],
      [Buffer.from([0xe4, 0xbb, 0x98, 0xe6, 0xac, 0xbe, 0x0a]), 'not-printable', 6],
      ['\x7f\x7f\x7f\n', 'not-printable', 3],
    ];
    for (const [bytes, reason, length] of garbage) {
      const before = r.drops().length;
      await r.pty.write(bytes);
      await until(() => r.drops().length > before, `a drop (${reason})`);
      const drop = r.drops().at(-1)!;
      assert.is(drop.reason, reason);
      assert.is(drop.bytes, length);
      assert.ok((drop.tail ?? '').replace(/\\x[0-9a-f]{2}/g, '.').length <= 4, 'at most the last 4 bytes');
    }
    await r.pty.write('134567890123456789\r');
    await until(() => r.codes.length > 0, 'the good code after the garbage');
    assert.equal(r.codes, ['134567890123456789']);
    assert.ok(!JSON.stringify(r.logs).includes('7777777'), 'the over-long read is not in the log');
  });

  test('a burst of different codes is dropped as a whole; the next code after silence gets through', async () => {
    const r = await rig();
    const burst = Array.from({ length: 10 }, (_, i) => `13456789012345678${i}\r`).join('');
    await r.pty.write(burst);
    await until(() => r.drops().length > 0, 'the burst to be dropped');
    assert.equal(
      r.drops().map((d) => [d.reason, d.reads]),
      [['burst', 10]],
    );
    assert.equal(r.codes, []);
    assert.ok(!JSON.stringify(r.logs).includes('1345678901'), 'no code of the burst in the log');
    await r.pty.write('284567890123456789\r');
    await until(() => r.codes.length > 0, 'the code after the burst');
    assert.equal(r.codes, ['284567890123456789']);
  });

  test('a double read is delivered once; a re-read within the window is dropped, after it delivered', async () => {
    const r = await rig({ scanner: { repeatWindowMs: 150 } });
    await r.pty.write('134567890123456789\r134567890123456789\r');
    await until(() => r.codes.length > 0, 'the code');
    await r.pty.write('134567890123456789\r');
    await until(() => r.drops().length > 0, 'the re-read to be dropped');
    assert.equal(r.drops().map((d) => [d.reason, d.tail]), [['repeat', '6789']]);
    await sleep(200);
    await r.pty.write('134567890123456789\r');
    await until(() => r.codes.length > 1, 'the code, scanned again after the window');
    assert.equal(r.codes, ['134567890123456789', '134567890123456789']);
  });

  test('unplug: the scanner says so and why; plug: reading goes on', async () => {
    const r = await rig();
    await r.pty.write('111111\r');
    await until(() => r.codes.length === 1, 'the first code');
    await r.unplug();
    assert.equal(r.statuses, [{ present: false, detail: 'unplugged' }]);
    await until(() => /not connected/.test(r.scanner.status().detail ?? ''), 'the retry to find the path gone');
    await r.plug();
    assert.equal(r.statuses.map((s) => s.present), [false, true]);
    await r.pty.write('222222\r');
    await until(() => r.codes.length === 2, 'a code after the device came back');
    // And once more: the scanner does not depend on how many times it happened.
    await r.unplug();
    await r.plug();
    await r.pty.write('333333\r');
    await until(() => r.codes.length === 3, 'a code after the second plug');
    assert.equal(r.codes, ['111111', '222222', '333333']);
  });

  test('missing at start: not an error, status says why, and it opens when the device comes', async () => {
    const r = await rig({ present: false });
    const status = r.scanner.status();
    assert.is(status.present, false);
    assert.match(status.detail ?? '', /^not connected \(no .*port\)$/);
    assert.equal(r.statuses, [], 'the state found at start is not an event');
    await sleep(120); // a few retries (10, 20, 40, 50 ms)
    const said = r.logs.filter((l) => l.msg.startsWith('scanner: not available'));
    assert.ok(said.length >= 3, `retried (${said.length} attempts)`);
    assert.is(said.filter((l) => l.level >= 40).length, 1, 'said once at warn, then at debug');
    await r.plug();
    assert.equal(r.statuses, [{ present: true }]);
    await r.pty.write('2026112600000001\r\n');
    await until(() => r.codes.length > 0, 'a code');
    assert.equal(r.codes, ['2026112600000001']);
  });

  test('a hang-up with bytes in flight closes the port (no silent, spinning port)', async () => {
    const r = await rig();
    const cpu = process.cpuUsage();
    const started = Date.now();
    // socat dies mid-transfer: the port's tty is hung up while a read is under way.
    await r.pty.write('x'.repeat(4000));
    await r.unplug(true);
    const { user, system } = process.cpuUsage(cpu);
    const elapsed = Date.now() - started;
    assert.ok((user + system) / 1000 < elapsed * 0.5 + 50, `CPU ${(user + system) / 1000} ms in ${elapsed} ms`);
    await r.plug();
    await r.pty.write('134567890123456789\r');
    await until(() => r.codes.length > 0, 'a code after the device came back');
    assert.equal(r.codes, ['134567890123456789']);
  });

  test('stop ends everything: no reopening, no events, no codes', async () => {
    const r = await rig();
    await r.unplug();
    await r.scanner.stop();
    const logged = r.logs.length;
    await r.pty.plug();
    await sleep(150); // three times the longest reopen delay of the rig
    await r.pty.write('111111\r');
    await sleep(SILENCE_MS * 2);
    assert.is(r.logs.length, logged, 'nothing tried, nothing logged');
    assert.equal(r.statuses.map((s) => s.present), [false]);
    assert.equal(r.codes, []);
    assert.equal(r.scanner.status(), { present: false, detail: 'stopped' });
  });

  contract.run();
  test.run();
}

const noTty = suite('scanner/serial without a device');

noTty('a path that is not a serial device: not present, with the reason, and stop ends the retries', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanner-'));
  const path = join(dir, 'not-a-tty');
  writeFileSync(path, '');
  const scanner = new SerialScanner({ path, baudRate: 9600, logger: pino({ level: 'silent' }), reopenMinMs: 10, reopenMaxMs: 20 });
  try {
    await scanner.start();
    const { present, detail } = scanner.status();
    assert.is(present, false);
    assert.match(detail ?? '', /^cannot open .*not-a-tty: /);
  } finally {
    await scanner.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

noTty.run();
