// What the ops CLI tests share: running `scanpos ops …` in this process with
// its output captured, terminals on a real broker (in this process, or as a
// child `scanpos run` that can be killed), and waiting on retained topics.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import type { Io } from '../../scripts/ops/args.ts';
import { opsMain } from '../../scripts/ops/main.ts';
import { NET, within, type Cleanup } from '../e2e/stack.ts';
import { TestTerminal, simConfig, tempDir } from '../support/terminal.ts';

export interface Ran {
  code: number;
  out: string;
  err: string;
}

/** `scanpos ops ARGS` in this process, 80 columns, output captured. */
export async function ops(args: string[]): Promise<Ran> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), width: 80, now: () => Date.now() };
  const code = await opsMain(args, io);
  return { code, out, err };
}

/** The table row that starts with `tid`, split on runs of spaces. */
export function row(table: string, tid: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(tid + ' '));
  if (!line) throw new Error(`no row for ${tid} in:\n${table}`);
  return line.split(/ {2,}/);
}

/** A terminal with simulated devices on the broker at `url`, stopped by `cleanup`. */
export async function mqttTerminal(url: string, id: string, cleanup: Cleanup, over: Record<string, unknown> = {}): Promise<TestTerminal> {
  const t = await TestTerminal.start(simConfig(tempDir(), { terminal: { id, number: '0042' }, network: { driver: 'mqtt', ...NET }, mqtt: { url }, ...over }));
  cleanup.add(() => t.stop(), `terminal ${id} stopping`);
  await t.see(new RegExp(`${id} ONLINE`));
  return t;
}

/** `scanpos run` in a child process (a terminal that can be killed), stopped by `cleanup`. */
export function childTerminal(url: string, id: string, cleanup: Cleanup): ChildProcess {
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'terminal.json');
  const config = {
    terminal: { id, number: '0043' },
    storage: { dir: './data' },
    network: { driver: 'mqtt', ...NET },
    mqtt: { url },
    display: { driver: 'sim' },
    keypad: { driver: 'sim' },
    scanner: { driver: 'sim' },
    printer: { driver: 'sim' },
    indicators: { driver: 'none' },
    log: { level: 'warn' },
  };
  writeFileSync(file, JSON.stringify(config));
  const bin = new URL('../../bin/scanpos.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, 'run', '--config', file], { stdio: 'ignore' });
  cleanup.add(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, `child terminal ${id}`);
  return child;
}

/** Resolves when `{prefix}/{tid}/{suffix}` holds a message `match` accepts (retained or new). */
export async function retainedWhen(url: string, topic: string, match: (body: Record<string, unknown>) => boolean, ms = 15_000): Promise<Record<string, unknown>> {
  const client = await connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
  try {
    const seen = new Promise<Record<string, unknown>>((resolve) => {
      client.on('message', (_t, payload) => {
        try {
          const body = JSON.parse(payload.toString()) as Record<string, unknown>;
          if (match(body)) resolve(body);
        } catch {
          // not JSON: not what we wait for
        }
      });
    });
    await client.subscribeAsync(topic, { qos: 1 });
    return await within(seen, ms, `${topic} never matched`);
  } finally {
    await client.endAsync(true);
  }
}
