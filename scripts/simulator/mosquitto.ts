// mosquitto as a child process on a free loopback port, with its own
// config (no persistence, nothing from a system-wide config): the second,
// independent broker of the tests, the crash harness and the benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RunningBroker {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface Broker {
  name: string;
  start(): Promise<RunningBroker>;
}

/** The mosquitto binary on PATH or in /usr/sbin (where Debian puts it), if any. */
export function findMosquitto(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const path = join(dir, 'mosquitto');
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not there: the next folder
    }
  }
  return undefined;
}

/** A port nobody listens on right now (the kernel picks it; released before use). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

export function mosquittoBroker(binary: string): Broker {
  return {
    name: 'mosquitto',
    async start() {
      // The free port can be taken between the check and mosquitto's bind: try a few.
      let lastError: Error | undefined;
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          return await startMosquitto(binary, await freePort());
        } catch (err) {
          lastError = err as Error;
        }
      }
      throw lastError!;
    },
  };
}

async function startMosquitto(binary: string, port: number): Promise<RunningBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'scanpos-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  // Its own listener only: no persistence, nothing from a system-wide config.
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stdout', 'log_type error', 'log_type warning', ''].join('\n'));
  const run = await runMosquitto(binary, { conf, dir, ports: [port], failure: `mosquitto did not start on port ${port}`, tail: 4000 });
  let stopped = false;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await run.stop();
    },
  };
}

export interface MosquittoProcess {
  /** The last of what it printed (for a test's failure message). */
  output(): string;
  /** Stops it (SIGTERM, then SIGKILL after 2 s) and removes `dir`. */
  stop(): Promise<void>;
}

/**
 * Runs mosquitto on `conf` and resolves once every port accepts a
 * connection; shared by this broker and the tests' broker running the
 * shipped example config, so both stop, clean up and fail alike.
 */
export async function runMosquitto(
  binary: string,
  options: { conf: string; dir: string; ports: readonly number[]; failure: string; tail: number },
): Promise<MosquittoProcess> {
  const child = spawn(binary, ['-c', options.conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-options.tail);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (err) => keep(Buffer.from(String(err))));
  // Never outlive the tests, even when they end the process without stopping it.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);

  const stop = async () => {
    process.removeListener('exit', orphanGuard);
    if (!exited(child)) {
      child.kill('SIGTERM');
      const stopped = await Promise.race([gone.then(() => true), sleep(2000).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await gone;
      }
    }
    rmSync(options.dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 5000;
  while (!(await allAccept(options.ports))) {
    if (exited(child) || Date.now() > deadline) {
      await stop();
      throw new Error(`${options.failure}:\n${output}`);
    }
    await sleep(20);
  }
  return { output: () => output, stop };
}

async function allAccept(ports: readonly number[]): Promise<boolean> {
  for (const port of ports) if (!(await accepts(port))) return false;
  return true;
}
