// A small whole-file JSON store in the storage folder: one lowdb document on
// a DurableJsonFile, read once when opened. For a handful of records written
// now and then (alerts, unprinted receipts, the pushed config, command ids
// seen); the ledger's per-transaction documents use openDoc (a journal).
// One place names the file and its format, so every such store is
// `<name>.json` of format `scanpos.<name>`.
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { Logger } from '../runtime/log.ts';
import { DurableJsonFile } from './durable-file.ts';

export async function openJsonStore<T>(options: {
  dir: string;
  name: string;
  /** What a fresh terminal starts with (no file yet). */
  empty: T;
  /** Why the data is not usable (the file then counts as damaged), or undefined. */
  validate: (data: unknown) => string | undefined;
  log?: Logger | undefined;
}): Promise<Low<T>> {
  const adapter = new DurableJsonFile<T>({
    file: join(options.dir, `${options.name}.json`),
    format: `scanpos.${options.name}`,
    version: 1,
    validate: options.validate,
    ...(options.log ? { log: options.log } : {}),
  });
  const db = new Low<T>(adapter, options.empty);
  await db.read();
  return db;
}
