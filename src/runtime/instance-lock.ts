// One terminal process per data folder. Two would share one ledger (each
// with its own idea of what is on disk) and, with the same MQTT client id,
// throw each other off the broker every second. The lock is a file naming
// the process and the boot it belongs to: a lock left by a process that is
// gone (killed, a power cut) is taken over, and so is one from an earlier
// boot, whose pid may now belong to any other program.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'scanpos.pid';

export class FolderInUseError extends Error {
  override readonly name = 'FolderInUseError';
}

export interface FolderLock {
  release(): void;
}

/** Takes the data folder for this process; throws FolderInUseError while another live terminal has it. */
export function lockDataFolder(dir: string): FolderLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const mine = `${process.pid} ${bootId()}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, mine);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return { release: () => releaseIfMine(path, mine) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readHolder(path);
    if (holder && holder.pid !== process.pid && holder.boot === bootId() && alive(holder.pid)) {
      throw new FolderInUseError(`${dir} is in use by another scanpos process (pid ${holder.pid}); stop it first (one terminal per data folder)`);
    }
    // Stale: its process is gone, or it was written before this boot.
    try {
      unlinkSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new FolderInUseError(`${dir}: could not take ${LOCK_FILE} (another process keeps taking it)`);
}

function readHolder(path: string): { pid: number; boot: string } | undefined {
  try {
    const [pid, boot = ''] = readFileSync(path, 'utf8').trim().split(/\s+/);
    const n = Number(pid);
    return Number.isInteger(n) && n > 0 ? { pid: n, boot } : undefined;
  } catch {
    return undefined;
  }
}

function releaseIfMine(path: string, mine: string): void {
  try {
    if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
  } catch {
    // Already gone: nothing to release.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This boot's id (Linux); elsewhere one constant, and only liveness decides. */
function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}
