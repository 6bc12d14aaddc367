// Storage test: a scratch file written, fsync'd, read back and removed in the
// data folder (the SD card or eMMC the ledger lives on), free space against
// `storage.minFreeBytes`, and, in a full self-test, every ledger file read.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { listDir, nodeFileSystem, unlinkIfExists, writeSynced, type FileSystem } from '../../ledger/fs.ts';
import { checkLedgerFiles } from './ledger-files.ts';
import type { CheckOutcome } from './runner.ts';

export interface StorageCheckOptions {
  dir: string;
  minFreeBytes: number;
  freeBytes: () => Promise<number>;
  /** Read every ledger file (a full self-test); the boot check relies on the ledger having just opened. */
  ledgerFiles: boolean;
  fs?: FileSystem;
}

const SCRATCH_BYTES = 4096;
const SCRATCH_PREFIX = '.selftest-';
let scratchSeq = 0;

/** `1.2 GB`, `18.0 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

export async function checkStorage(options: StorageCheckOptions): Promise<CheckOutcome> {
  const fs = options.fs ?? nodeFileSystem;
  const problems: string[] = [];
  const notes: string[] = [];

  await removeLeftovers(options.dir, fs);
  // Never one of the ledger's names, and unique per run (a boot check and a remote one may overlap).
  const scratch = join(options.dir, `${SCRATCH_PREFIX}${process.pid}-${++scratchSeq}.tmp`);
  const data = randomBytes(SCRATCH_BYTES);
  try {
    await writeSynced(fs, scratch, data);
    const back = await fs.readFile(scratch);
    if (Buffer.compare(Buffer.from(back), data) === 0) notes.push('write, fsync, read back ok');
    else problems.push('scratch file read back differs from what was written');
  } catch (error) {
    problems.push(`scratch file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  } finally {
    await unlinkIfExists(fs, scratch).catch(() => undefined);
  }

  try {
    const free = await options.freeBytes();
    if (free < options.minFreeBytes) problems.push(`free space ${formatBytes(free)}, below the minimum ${formatBytes(options.minFreeBytes)}`);
    else notes.push(`${formatBytes(free)} free`);
  } catch (error) {
    problems.push(`free space unknown (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }

  if (options.ledgerFiles) {
    const ledger = await checkLedgerFiles(options.dir, fs);
    if (ledger.problems.length) problems.push(`ledger files damaged: ${ledger.problems.join('; ')}`);
    else notes.push(`${ledger.files} ledger file(s) intact`);
  }

  return problems.length ? { status: 'fail', detail: [...problems, ...notes].join(', ') } : { status: 'pass', detail: notes.join(', ') };
}

/** Scratch files of an earlier process that stopped mid-test (power cut): this process's own may be in use. */
async function removeLeftovers(dir: string, fs: FileSystem): Promise<void> {
  const ours = `${SCRATCH_PREFIX}${process.pid}-`;
  for (const name of await listDir(dir, fs).catch(() => [])) {
    if (name.startsWith(SCRATCH_PREFIX) && name.endsWith('.tmp') && !name.startsWith(ours)) await unlinkIfExists(fs, join(dir, name)).catch(() => undefined);
  }
}
