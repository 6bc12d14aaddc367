// A CPU cap for a child process, to feel what a low-power board feels: a cpu
// cgroup of its own whose quota is a fraction of one core (cgroup v1
// `cpu.cfs_quota_us`, or v2 `cpu.max`). 20% of one core of a developer
// machine makes a bare `node -e 0` take about as long as on a Pi Zero 2 class
// board (~0.5 s). Making a cgroup needs root (or a delegated subtree); where
// none can be made, the caller is told why and runs uncapped.
import { mkdirSync, rmdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';
const PERIOD_US = 100_000;

export interface CpuCap {
  /** Fraction of one core, e.g. 0.2. */
  fraction: number;
  /** The cgroup's folder. */
  dir: string;
  /**
   * The command that runs `command args` inside the cgroup: a shell puts its
   * own pid in the cgroup and then execs the command, so the command is capped
   * from its first instruction (a pid written after spawn would not be).
   */
  wrap(command: string, args: string[]): { command: string; args: string[] };
  /** Removes the cgroup (its processes must have exited). */
  remove(): void;
}

export type CapOutcome = { ok: true; cap: CpuCap } | { ok: false; reason: string };

export function cpuCap(fraction: number): CapOutcome {
  const quota = Math.max(1000, Math.floor(fraction * PERIOD_US));
  const name = `scanpos-bench-${process.pid}`;
  const attempts: Array<{ parent: string; limits: Array<[file: string, value: string]> }> = [
    // cgroup v1: the cpu controller mounted on its own (or with cpuacct).
    { parent: join(ROOT, 'cpu'), limits: [['cpu.cfs_period_us', String(PERIOD_US)], ['cpu.cfs_quota_us', String(quota)]] },
    { parent: join(ROOT, 'cpu,cpuacct'), limits: [['cpu.cfs_period_us', String(PERIOD_US)], ['cpu.cfs_quota_us', String(quota)]] },
    // cgroup v2: the unified hierarchy (the cpu controller must be enabled for children).
    { parent: ROOT, limits: [['cpu.max', `${quota} ${PERIOD_US}`]] },
  ];
  const reasons: string[] = [];
  for (const { parent, limits } of attempts) {
    if (!existsSync(join(parent, 'cgroup.procs'))) continue;
    if (parent === ROOT && !existsSync(join(ROOT, 'cgroup.controllers'))) continue;
    const dir = join(parent, name);
    try {
      mkdirSync(dir);
    } catch (err) {
      reasons.push(`${parent}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      continue;
    }
    try {
      for (const [file, value] of limits) writeFileSync(join(dir, file), value);
    } catch (err) {
      reasons.push(`${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      rmdirSync(dir);
      continue;
    }
    const procs = join(dir, 'cgroup.procs');
    return {
      ok: true,
      cap: {
        fraction,
        dir,
        wrap: (command, args) => ({ command: '/bin/sh', args: ['-c', 'echo $$ > "$0" && exec "$@"', procs, command, ...args] }),
        remove: () => {
          try {
            rmdirSync(dir);
          } catch {
            // Still busy or already gone: nothing more to do.
          }
        },
      },
    };
  }
  return { ok: false, reason: reasons.length ? `no cpu cgroup could be made (${reasons.join('; ')})` : 'no cpu cgroup controller here' };
}
