// Names of a journaled store's files, and how a document maps to entries.
import { basename, dirname, join } from 'node:path';

export type Entry = readonly [key: string, value: unknown];

/**
 * How a lowdb document is split into entries that a journal record can put or
 * delete one by one (a transaction by its id, an order by its number…).
 * `entries` gives them in the document's order; `document` rebuilds the
 * document from them, using the values as they are (the writer compares
 * values by identity to find what changed).
 */
export interface JournalCodec<T> {
  entries(data: T): Iterable<Entry>;
  document(entries: readonly Entry[]): T;
}

export interface StorePaths {
  dir: string;
  /** File name without `.json`: `outbox`, `2026-11-27`. */
  stem: string;
  snapshot: string;
  prev: string;
  tmp: string;
  corrupt: string;
  journal: (generation: number) => string;
}

export function storePaths(file: string): StorePaths {
  if (!file.endsWith('.json')) throw new Error(`a journaled store's file must end in .json, got ${file}`);
  const dir = dirname(file);
  const stem = basename(file, '.json');
  return {
    dir,
    stem,
    snapshot: file,
    prev: `${file}.prev`,
    tmp: `${file}.tmp`,
    corrupt: `${file}.corrupt`,
    journal: (generation) => join(dir, `${stem}.${generation}.journal`),
  };
}
