// One lowdb document on a DurableJsonFile, and the one way the ledger changes it.
import { Low } from 'lowdb';
import type { Logger } from '../runtime/log.ts';
import { DurableJsonFile, type Migration, type Recovery } from './durable-file.ts';

export interface DocOptions<T> {
  file: string;
  format: string;
  version: number;
  /** Content of a store that does not exist yet. */
  empty: () => T;
  migrations?: Readonly<Record<number, Migration>>;
  validate?: (data: unknown) => string | undefined;
  onRecover?: (recovery: Recovery) => void;
  log?: Logger;
}

export interface OpenedDoc<T> {
  db: Low<T>;
  /** True when the main file was damaged or missing and its previous generation was used. */
  recovered: boolean;
}

export async function openDoc<T>(options: DocOptions<T>): Promise<OpenedDoc<T>> {
  let recovered = false;
  const adapter = new DurableJsonFile<T>({
    ...options,
    onRecover: (recovery) => {
      recovered = true;
      options.onRecover?.(recovery);
    },
  });
  const db = new Low<T>(adapter, options.empty());
  await db.read();
  return { db, recovered };
}

/**
 * Replaces the document with `next` and writes it. If the write fails the
 * in-memory copy goes back to what is on disk, so memory never claims more
 * than a restart would find.
 */
export async function commit<T>(db: Low<T>, next: T): Promise<void> {
  const before = db.data;
  db.data = next;
  try {
    await db.write();
  } catch (error) {
    db.data = before;
    throw error;
  }
}

/** Small shape checks shared by the stores: a file that parses but has the wrong shape counts as damaged. */
export function objectWith(data: unknown, arrays: string[], others: string[] = []): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'data is not an object';
  const record = data as Record<string, unknown>;
  for (const key of arrays) if (!Array.isArray(record[key])) return `data.${key} is not a list`;
  for (const key of others) if (record[key] === undefined) return `data.${key} is missing`;
  return undefined;
}
