// A fake ESC/POS printer for driver tests, at the end of a local TCP server
// (127.0.0.1, a free port, like a network printer's port 9100) or of a
// pseudo-terminal made by socat (like a USB-serial printer). It keeps every
// byte that arrives, answers DLE EOT 1/2/4 with the status bytes of its
// condition (ready, paper low, paper out, cover open, offline, error) or not
// at all (silent), and can stop reading and answering part-way through a job,
// as a printer that loses power does.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type FakeCondition = 'ready' | 'paper_low' | 'paper_out' | 'cover_open' | 'offline' | 'error' | 'silent';

/** Replies to DLE EOT 1, 2 and 4 (see hal/printer/status.ts for the bits). */
export const STATUS_BYTES: Record<Exclude<FakeCondition, 'silent'>, Record<1 | 2 | 4, number>> = {
  ready: { 1: 0x12, 2: 0x12, 4: 0x12 },
  paper_low: { 1: 0x12, 2: 0x12, 4: 0x1e },
  paper_out: { 1: 0x1a, 2: 0x32, 4: 0x72 },
  cover_open: { 1: 0x1a, 2: 0x16, 4: 0x12 },
  offline: { 1: 0x1a, 2: 0x12, 4: 0x12 },
  error: { 1: 0x1a, 2: 0x52, 4: 0x12 },
};

/** The printer itself, whatever the line: bytes in, status replies out. */
export class FakePrinter {
  condition: FakeCondition = 'ready';
  #chunks: Buffer[] = [];
  #dataBytes = 0;
  #stallAfter: number | null = null;
  #stalled = false;
  #state: 0 | 1 | 2 = 0; // bytes seen of a DLE EOT: none, DLE, DLE EOT
  #queries = 0;
  readonly #stallListeners = new Set<() => void>();

  /** Every byte received so far, status requests included. */
  bytes(): Buffer {
    return Buffer.concat(this.#chunks);
  }

  /** DLE EOT requests received so far. */
  get queries(): number {
    return this.#queries;
  }

  get stalled(): boolean {
    return this.#stalled;
  }

  /** Forgets what was received; back to ready and reading. */
  reset(): void {
    this.#chunks = [];
    this.#dataBytes = 0;
    this.#queries = 0;
    this.#stallAfter = null;
    this.#stalled = false;
    this.#state = 0;
    this.condition = 'ready';
  }

  /** Once more than `bytes` bytes of print data (not status requests) have come, stop reading and answering. */
  stallAfter(bytes: number): void {
    this.#stallAfter = bytes;
  }

  onStall(listener: () => void): () => void {
    this.#stallListeners.add(listener);
    return () => this.#stallListeners.delete(listener);
  }

  /** Takes bytes from the line; `answer` writes back to it. */
  receive(chunk: Buffer, answer: (reply: Buffer) => void): void {
    if (this.#stalled) return;
    this.#chunks.push(Buffer.from(chunk));
    for (const byte of chunk) {
      if (this.#state === 2) {
        this.#state = 0;
        this.#queries += 1;
        this.#dataBytes -= 2; // DLE EOT were counted as data until n came
        const reply = this.condition === 'silent' ? undefined : STATUS_BYTES[this.condition][byte as 1 | 2 | 4];
        if (reply !== undefined) answer(Buffer.of(reply));
        continue;
      }
      this.#state = byte === 0x10 ? 1 : this.#state === 1 && byte === 0x04 ? 2 : 0;
      this.#dataBytes += 1;
      if (this.#stallAfter !== null && this.#dataBytes > this.#stallAfter + 2) {
        this.#stalled = true;
        for (const listener of this.#stallListeners) listener();
        return;
      }
    }
  }

  /** Resolves when `test(bytes())` holds; rejects after `timeoutMs`. */
  async waitFor(test: (bytes: Buffer) => boolean, timeoutMs = 2000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!test(this.bytes())) {
      if (Date.now() > until) throw new Error(`fake printer: condition not met within ${timeoutMs} ms (${this.bytes().length} bytes received)`);
      await sleep(5);
    }
  }
}

export interface RunningFake {
  printer: FakePrinter;
  close(): Promise<void>;
}

export interface TcpFake extends RunningFake {
  host: string;
  port: number;
  /** Connections accepted so far. */
  connections(): number;
}

/** A fake network printer on 127.0.0.1, a free port. */
export async function startTcpPrinter(): Promise<TcpFake> {
  const printer = new FakePrinter();
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    if (printer.stalled) socket.pause();
    const off = printer.onStall(() => socket.pause());
    socket.on('close', off);
    socket.on('data', (chunk: Buffer) => printer.receive(chunk, (reply) => socket.write(reply)));
    // The far end closed its side after a job: so does a printer.
    socket.on('end', () => socket.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake printer: no port');
  return {
    printer,
    host: '127.0.0.1',
    port: address.port,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface PtyFake extends RunningFake {
  /** The serial device to open (a symlink to the pty socat made). */
  path: string;
}

let socat: string | null | undefined;

/** The socat binary, or null when it is not installed. */
export function findSocat(): string | null {
  if (socat !== undefined) return socat;
  const found = spawnSync('sh', ['-c', 'command -v socat'], { encoding: 'utf8' });
  socat = found.status === 0 && found.stdout.trim() ? found.stdout.trim() : null;
  return socat;
}

/**
 * A fake serial printer: socat makes a pty (the device the driver opens) and
 * connects its other side to socat's stdin/stdout, which this process reads
 * and writes as the printer. Stalling stops reading stdout: the pipe, socat
 * and the pty fill up and the driver's writes stop going through.
 */
export async function startPtyPrinter(options: { path?: string } = {}): Promise<PtyFake> {
  const binary = findSocat();
  if (!binary) throw new Error('socat is not installed');
  // A given path is a printer plugged back in where it was; its folder is the caller's.
  const dir = options.path ? null : mkdtempSync(join(tmpdir(), 'scanpos-printer-pty-'));
  const path = options.path ?? join(dir!, 'printer');
  const printer = new FakePrinter();
  // wait-slave: socat starts moving bytes only once the driver opens the device
  // (checked every pty-interval seconds: 1 s by default).
  const pty = `PTY,rawer,echo=0,wait-slave,pty-interval=0.005,link=${path}`;
  const child: ChildProcessWithoutNullStreams = spawn(binary, ['-d', '-d', pty, 'STDIO'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stdin.on('error', () => undefined);
  child.stdout.on('data', (chunk: Buffer) => printer.receive(chunk, (reply) => child.stdin.write(reply)));
  printer.onStall(() => child.stdout.pause());
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const until = Date.now() + 3000;
  while (!existsSync(path)) {
    if (child.exitCode !== null || Date.now() > until) {
      child.kill();
      throw new Error(`socat did not make its pty: ${log.trim()}`);
    }
    await sleep(5);
  }
  return {
    printer,
    path,
    close: async () => {
      if (child.exitCode === null) child.kill();
      await exited;
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
