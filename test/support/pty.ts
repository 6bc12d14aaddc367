// A pair of pseudo-terminals joined by socat, standing in for a USB-serial
// device (scanner, printer) in tests:
//
//   driver under test ── opens `port` ══ socat ══ `device` ── the test plays the device
//
// `port` is what /dev/ttyACM0 is on a board; at `device` the test writes
// what the device would send and reads what the driver sent. `unplug()` ends
// socat: both ptys disappear and the driver's tty is hung up, as when a USB
// cable is pulled. `plug()` makes a new pair under the same two names.
//
//   if (havePtys('serial scanner tests')) {            // records a skip when socat is missing
//     const pty = await openPtyPair();
//     const scanner = new SerialScanner({ path: pty.port, … });
//     await pty.write('134567890123456789\r');
//     await pty.unplug();  await pty.plug();
//     await pty.close();
//   }
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import tty from 'node:tty';
import { skipBecause } from './skip.ts';

export interface PtyPair {
  /** The path the driver under test opens. */
  readonly port: string;
  /** The far end, where the test plays the device. */
  readonly device: string;
  readonly plugged: boolean;
  /** The device sends `bytes` (a string is sent as latin1: one byte per character). */
  write(bytes: string | Uint8Array): Promise<void>;
  /**
   * What the driver sent to the device since the last read: waits until at
   * least `min` bytes (default 1) arrived or `timeoutMs` (default 1000)
   * passed, and returns what there is.
   */
  read(options?: { min?: number; timeoutMs?: number }): Promise<Buffer>;
  /**
   * The device disappears: socat ends and both ptys with it. `abrupt` kills
   * socat with SIGKILL, at once, mid-transfer if bytes are in flight (the
   * links are left dangling, as a stale /dev/serial/by-id link would be).
   */
  unplug(options?: { abrupt?: boolean }): Promise<void>;
  /** The device is back under the same paths (a new pty pair). */
  plug(): Promise<void>;
  /** Unplugs and removes the folder of the links. */
  close(): Promise<void>;
}

/** socat on PATH, if any. */
export function findSocat(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, 'socat');
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not there: the next folder
    }
  }
  return undefined;
}

/** Whether pty pairs can be made here; if not, records a skip of `what` (a failure under CI=true). */
export function havePtys(what: string): boolean {
  if (findSocat()) return true;
  skipBecause(`socat is not installed: ${what} did not run (apt-get install socat)`);
  return false;
}

// Pairs still running when the process exits (a test that failed before
// close()) must not outlive it.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A new pair, plugged in unless `plugged: false` (the device is missing at first; `plug()` brings it). */
export async function openPtyPair(options: { plugged?: boolean } = {}): Promise<PtyPair> {
  const socat = findSocat();
  if (!socat) throw new Error('socat is not installed (apt-get install socat); check havePtys() first');
  const dir = mkdtempSync(join(tmpdir(), 'pty-'));
  const pair = new SocatPair(socat, dir);
  if (options.plugged ?? true) await pair.plug();
  return pair;
}

class SocatPair implements PtyPair {
  readonly port: string;
  readonly device: string;
  #child: ChildProcess | undefined;
  #fd: number | undefined;
  #input: tty.ReadStream | undefined;
  #received: Buffer[] = [];
  #arrived: (() => void) | undefined;

  readonly #socat: string;
  readonly #dir: string;

  constructor(socat: string, dir: string) {
    this.#socat = socat;
    this.#dir = dir;
    this.port = join(dir, 'port');
    this.device = join(dir, 'device');
  }

  get plugged(): boolean {
    return this.#child !== undefined;
  }

  async plug(): Promise<void> {
    if (this.#child) return;
    // After an abrupt unplug the old links dangle: remove them, so that
    // waiting for the links below waits for the new ones.
    rmSync(this.port, { force: true });
    rmSync(this.device, { force: true });
    // rawer: no echo, no line editing, no CR/LF translation, either way.
    const args = ['-d', '-d', `pty,rawer,link=${this.port}`, `pty,rawer,link=${this.device}`];
    const child = spawn(this.#socat, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let log = '';
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socat: ptys not ready after 3 s:\n${log}`)), 3000);
      child.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        // socat says so once both ptys exist and it forwards between them.
        if (!log.includes('starting data transfer loop')) return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`socat ended (${code ?? signal}) before the ptys were ready:\n${log}`));
      });
    });
    try {
      await ready;
      while (!existsSync(this.port) || !existsSync(this.device)) await sleep(2);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    // A pair left plugged in does not keep the tests' process alive (the exit hook above ends it).
    child.unref();
    (child.stderr as unknown as { unref?: () => void }).unref?.();
    this.#child = child;
    this.#fd = openSync(this.device, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  }

  async unplug(options: { abrupt?: boolean } = {}): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    child.ref(); // until it has exited
    child.kill(options.abrupt ? 'SIGKILL' : 'SIGTERM');
    this.#closeDevice();
    await exited;
  }

  async close(): Promise<void> {
    await this.unplug();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  async write(bytes: string | Uint8Array): Promise<void> {
    if (this.#fd === undefined) throw new Error('the device is unplugged');
    let data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
    while (data.length > 0) {
      try {
        data = data.subarray(writeSync(this.#fd, data));
      } catch (err) {
        // The pty's buffer is full (nobody reads the port side): wait for room.
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        await sleep(2);
      }
    }
  }

  async read(options: { min?: number; timeoutMs?: number } = {}): Promise<Buffer> {
    const min = options.min ?? 1;
    const deadline = Date.now() + (options.timeoutMs ?? 1000);
    this.#startReading();
    while (Buffer.concat(this.#received).length < min && Date.now() < deadline) {
      const arrived = new Promise<void>((resolve) => (this.#arrived = resolve));
      await Promise.race([arrived, sleep(Math.max(0, deadline - Date.now()))]);
    }
    const out = Buffer.concat(this.#received);
    this.#received = [];
    return out;
  }

  /** Reads the device side only once a test asks for it: a scanner test never does. */
  #startReading(): void {
    if (this.#input || this.#fd === undefined) return;
    const input = new tty.ReadStream(this.#fd);
    input.on('data', (chunk: Buffer) => {
      this.#received.push(chunk);
      this.#arrived?.();
    });
    // EIO when socat ends under it: that is the unplug, nothing to report.
    input.on('error', () => undefined);
    this.#input = input;
  }

  #closeDevice(): void {
    if (this.#input) {
      this.#input.destroy(); // closes the fd as well
      this.#input = undefined;
    } else if (this.#fd !== undefined) {
      closeSync(this.#fd);
    }
    this.#fd = undefined;
  }
}
