// Start-up and memory of the bundled terminal, as a board runs it (the
// command line, Node flags, environment and code cache folder of the systemd
// unit scripts/board/scanpos.service), against bare Node measured in
// the same run, normally and with the CPU capped to a fraction of one core
// (a cgroup quota: a developer machine at 20% of a core starts Node about as
// slowly as a Pi Zero 2 class board).
//
// - Start-up: from spawn to the home screen's menu arriving on the display,
//   against spawn to exit of `node -e 0`.
// - Memory: resident set of the terminal at idle (2 s after its home screen
//   says ONLINE), against `node -e "setInterval(()=>{},1000)"` 2 s after spawn.
//
// The terminal under test: the display is the TTY driver drawing on the
// child's stdout (a pipe read by the bench), the printer the ESC/POS driver
// over TCP (a sink on loopback), the network the MQTT link to a broker in
// this process (aedes) with the reference host on it; keypad and scanner are
// simulators (GPIO and serial devices are not here), logs go to a file. The
// data folder is kept between runs, as on a board that restarts, and so is
// the code cache: the unmeasured first start writes it, as a board's first
// start after an install does (scripts/board/launch.cjs).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import { bundleOptions } from '../bundle-options.mjs';
import { hashPin } from '../../src/domain/pin.ts';
import { messages } from '../../src/domain/i18n/index.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { startHost } from '../host/start.ts';
import { startBroker } from '../simulator/broker.ts';
import { cpuCap, type CpuCap } from './cpu-cap.ts';
import { figure, percentile, type Figure } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const IDLE_MS = 2000;
const TIME_TARGET = '≤ 1.5×';
const MEMORY_TARGET = '≤ 1.4×';

export interface BootOptions {
  /** Measured starts of each kind, per mode (after one unmeasured warm-up). */
  runs: number;
  /** The capped mode's share of one core (default 0.2); 0 skips the capped mode. */
  cpu?: number;
  /** Progress and the cap's fate, one line each. */
  say?: (line: string) => void;
}

interface Sample {
  homeMs: number;
  onlineMs: number;
  rssKb: number;
}

export async function bootBench(options: BootOptions): Promise<Figure[]> {
  const say = options.say ?? ((line: string) => process.stderr.write(line + '\n'));
  const fraction = options.cpu ?? 0.2;
  const work = mkdtempSync(join(tmpdir(), 'scanpos-bench-boot-'));
  // Under node_modules, as the board's dist/ sits beside its packages: the
  // native addons left out of the bundle must resolve.
  const cache = join(ROOT, 'node_modules', '.cache', 'scanpos-bench');
  mkdirSync(cache, { recursive: true });
  const outdir = mkdtempSync(join(cache, 'bundle-'));
  const broker = await startBroker();
  const host = await startHost({ url: broker.url, logger: silentLogger(), dataDir: join(work, 'host') });
  const sink = await printerSink();
  const figures: Figure[] = [];
  try {
    await build(bundleOptions(ROOT, outdir));
    const unit = unitCommand(readFileSync(join(ROOT, 'scripts', 'board', 'scanpos.service'), 'utf8'));
    say(`boot bench: the terminal runs as the unit runs it: node ${[...unit.flags, unit.entry].join(' ')} run --config FILE`);
    const entry = [...unit.flags, join(outdir, unit.entry)];
    const modes: Array<{ label: string; cap?: CpuCap }> = [{ label: '' }];
    if (fraction > 0) {
      const capped = cpuCap(fraction);
      if (capped.ok) modes.push({ label: `, cpu ${Math.round(fraction * 100)}%`, cap: capped.cap });
      else say(`boot bench: the capped runs are skipped, ${capped.reason}; figures are uncapped only`);
    }
    for (const mode of modes) {
      try {
        const dir = join(work, `terminal${mode.cap ? '-capped' : ''}`);
        const config = writeConfig(dir, broker.url, sink.port);
        const env = { ...process.env, ...unit.env, ...(unit.cacheDirectory ? { CACHE_DIRECTORY: join(dir, 'cache') } : {}) };
        if (env.CACHE_DIRECTORY) mkdirSync(env.CACHE_DIRECTORY, { recursive: true });
        const wrap = (command: string, args: string[]) => (mode.cap ? mode.cap.wrap(command, args) : { command, args });
        // One warm-up of each: the ledger's files are made, the disk cache
        // filled, the code cache written (it is waited for).
        await bareStart(wrap);
        await terminalStart(wrap, entry, config, env, env.CACHE_DIRECTORY);
        const bare: number[] = [];
        const idle: number[] = [];
        const samples: Sample[] = [];
        for (let i = 0; i < options.runs; i++) {
          bare.push(await bareStart(wrap));
          samples.push(await terminalStart(wrap, entry, config, env));
          idle.push(await bareIdleRss(wrap));
          say(`boot${mode.label}: run ${i + 1}/${options.runs}: home ${samples.at(-1)!.homeMs.toFixed(0)} ms (node -e 0 ${bare.at(-1)!.toFixed(0)} ms), rss ${(samples.at(-1)!.rssKb / 1024).toFixed(1)} MB (idle node ${(idle.at(-1)! / 1024).toFixed(1)} MB)`);
        }
        const home = percentile(samples.map((s) => s.homeMs), 50);
        const bareMs = percentile(bare, 50);
        figures.push(
          figure(`start → home screen drawn, p50${mode.label}`, home, 'ms', { name: 'node -e 0', value: bareMs }, TIME_TARGET),
          figure(`start → home screen ONLINE, p50${mode.label}`, percentile(samples.map((s) => s.onlineMs), 50), 'ms', { name: 'node -e 0', value: bareMs }),
          figure(`resident memory at idle, p50${mode.label}`, percentile(samples.map((s) => s.rssKb), 50) / 1024, 'MB', { name: 'idle node', value: percentile(idle, 50) / 1024 }, MEMORY_TARGET),
        );
      } finally {
        mode.cap?.remove();
      }
    }
  } finally {
    await sink.stop();
    await host.stop();
    await broker.stop();
    rmSync(outdir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}

type Wrap = (command: string, args: string[]) => { command: string; args: string[] };

function writeConfig(dir: string, mqttUrl: string, printerPort: number): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'terminal.json');
  const config = {
    version: 1,
    terminal: { id: 'BOOT1', number: '0098' },
    storage: { dir: './data' },
    network: { driver: 'mqtt', bootJitterMs: 0 },
    mqtt: { url: mqttUrl },
    display: { driver: 'tty' },
    keypad: { driver: 'sim' },
    scanner: { driver: 'sim' },
    printer: { driver: 'escpos', interface: 'tcp', host: '127.0.0.1', port: printerPort },
    indicators: { driver: 'none' },
    security: { supervisorPinHash: hashPin('246810') },
    log: { level: 'info', file: './terminal.log' },
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** Spawn → exit of `node -e 0`, in ms. */
async function bareStart(wrap: Wrap): Promise<number> {
  const { command, args } = wrap(process.execPath, ['-e', '0']);
  const t0 = performance.now();
  const child = spawn(command, args, { stdio: 'ignore' });
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('exit', (c) => done(c));
  });
  if (code !== 0) throw new Error(`node -e 0 exited with ${code}`);
  return performance.now() - t0;
}

/** Resident set of an idle Node process 2 s after spawn, in KiB. */
async function bareIdleRss(wrap: Wrap): Promise<number> {
  const { command, args } = wrap(process.execPath, ['-e', 'setInterval(()=>{},1000)']);
  const child = spawn(command, args, { stdio: 'ignore' });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    await sleep(IDLE_MS);
    return rssKb(child.pid!);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * How scanpos.service runs the terminal: the Node flags before the entry, the
 * entry's file name (in the kit), the unit's Environment= and whether it has
 * a CacheDirectory= (the launcher keeps V8's code cache there).
 */
export function unitCommand(unit: string): { flags: string[]; entry: string; env: Record<string, string>; cacheDirectory: boolean } {
  const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1]?.trim().split(/\s+/);
  const at = execStart?.findIndex((word) => /^\/opt\/scanpos\/[^/]+$/.test(word)) ?? -1;
  if (!execStart || at < 1 || basename(execStart[0]!) !== 'node') throw new Error('scanpos.service: no `ExecStart=…/node [flags] /opt/scanpos/ENTRY …` line');
  const env: Record<string, string> = {};
  for (const [, assignments] of unit.matchAll(/^Environment=(.*)$/gm)) {
    for (const assignment of assignments!.trim().split(/\s+/)) {
      const eq = assignment.indexOf('=');
      if (eq > 0) env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
    }
  }
  return { flags: execStart.slice(1, at), entry: basename(execStart[at]!), env, cacheDirectory: /^CacheDirectory=\S/m.test(unit) };
}

/**
 * One start of the terminal: spawn → home screen, → ONLINE, then its memory
 * at idle; stopped with SIGTERM. With `awaitCache`, it is stopped only once
 * a code cache is in that folder.
 */
async function terminalStart(wrap: Wrap, entry: string[], config: string, env: NodeJS.ProcessEnv, awaitCache?: string): Promise<Sample> {
  const words = messages('en');
  const menu = words.menu[0]!;
  const { command, args } = wrap(process.execPath, [...entry, 'run', '--config', config]);
  const t0 = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let shown = '';
  let stderr = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const seen = (text: string) =>
    new Promise<number>((done, fail) => {
      const check = () => {
        if (!shown.includes(text)) return false;
        child.stdout.off('data', check);
        done(performance.now() - t0);
        return true;
      };
      if (check()) return;
      child.stdout.on('data', check);
      void exited.then((code) => fail(new Error(`the terminal exited (${code}) before showing "${text}":\n${stderr}`)));
    });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (shown += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  try {
    const homeMs = await withTimeout(seen(menu), 60_000, 'home screen');
    const onlineMs = await withTimeout(seen(words.online), 60_000, 'ONLINE');
    await sleep(IDLE_MS);
    const sample = { homeMs, onlineMs, rssKb: rssKb(child.pid!) };
    if (awaitCache) await withTimeout(cacheWritten(awaitCache, exited), 60_000, 'code cache');
    return sample;
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

async function cacheWritten(dir: string, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  while (!readdirSync(dir).some((name) => name.endsWith('.cache'))) {
    if (gone) throw new Error(`the terminal exited without writing its code cache in ${dir}`);
    await sleep(100);
  }
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`no ${what} within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A receipt printer's raw port on loopback: takes whatever is sent and answers
 * each status request (DLE EOT n) as a healthy printer, 0x12 (the fixed bits).
 */
async function printerSink(): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // the terminal is stopped mid-conversation
    let tail: number[] = [];
    socket.on('data', (chunk: Buffer) => {
      for (const byte of chunk) {
        tail = [...tail.slice(-1), byte];
        if (tail[0] === 0x10 && tail[1] === 0x04) {
          socket.write(Uint8Array.of(0x12));
          tail = [];
        }
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
