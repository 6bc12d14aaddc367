// One lowdb document on a JournalFile, and the one way the ledger changes it.
import { Low } from 'lowdb';
import type { Logger } from '../runtime/log.ts';
import type { Migration, Recovery } from './envelope.ts';
import type { FileSystem } from './fs.ts';
import { JournalFile, type CompactionPolicy, type JournalCodec } from './journal-file.ts';
import type { ToldChange } from './journal-diff.ts';

/** What every store is opened with, besides its own settings. */
export interface StoreContext {
  fs?: FileSystem;
  compaction?: Partial<CompactionPolicy>;
  onRecover?: (recovery: Recovery) => void;
  log?: Logger;
}

export interface DocOptions<T> extends StoreContext {
  file: string;
  format: string;
  version: number;
  codec: JournalCodec<T>;
  /** Content of a store that does not exist yet. */
  empty: () => T;
  migrations?: Readonly<Record<number, Migration>>;
  validate?: (data: unknown) => string | undefined;
}

export interface OpenedDoc<T> {
  db: Low<T>;
  adapter: JournalFile<T>;
  /** True when a file was damaged, missing or torn and had to be worked around. */
  recovered: boolean;
}

export async function openDoc<T>(options: DocOptions<T>): Promise<OpenedDoc<T>> {
  let recovered = false;
  const adapter = new JournalFile<T>({
    ...options,
    onRecover: (recovery) => {
      recovered = true;
      options.onRecover?.(recovery);
    },
  });
  const db = new Low<T>(adapter, options.empty());
  await db.read();
  return { db, adapter, recovered };
}

/**
 * Replaces the document with `next` and writes it. If the write fails the
 * in-memory copy goes back to what is on disk, so memory never claims more
 * than a restart would find. `said`: what changed, when the store knows
 * (the write then costs the change, not the whole document).
 */
export async function commit<T>(db: Low<T>, next: T, said?: { adapter: JournalFile<T>; change: ToldChange }): Promise<void> {
  const before = db.data;
  db.data = next;
  said?.adapter.tell(next, said.change);
  try {
    await db.write();
  } catch (error) {
    db.data = before;
    throw error;
  }
}

/** Version 1 files were whole-file JSON with the same data: the journal (version 2) reads them as they are. */
export const FROM_WHOLE_FILE: Readonly<Record<number, Migration>> = { 1: (data) => data };

/** Small shape checks shared by the stores: a file that parses but has the wrong shape counts as damaged. */
export function objectWith(data: unknown, arrays: string[], others: string[] = []): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'data is not an object';
  const record = data as Record<string, unknown>;
  for (const key of arrays) if (!Array.isArray(record[key])) return `data.${key} is not a list`;
  for (const key of others) if (record[key] === undefined) return `data.${key} is missing`;
  return undefined;
}
