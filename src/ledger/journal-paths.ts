// A journaled store's settings, the names of its files, and how a document maps to entries.
import { basename, dirname, join } from 'node:path';
import type { FormatSpec, Recovery } from './envelope.ts';
import type { FileSystem } from './fs.ts';

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

export interface CompactionPolicy {
  /** Compact when the journal is larger than this many times the live data… */
  factor: number;
  /** …and larger than this (small stores would otherwise compact every few writes)… */
  minBytes: number;
  /** …once no write came for this long (a terminal is idle most of the time). */
  quietMs: number;
}

export const DEFAULT_COMPACTION: CompactionPolicy = { factor: 2, minBytes: 256 * 1024, quietMs: 200 };

export interface JournalFileOptions<T> extends FormatSpec {
  /** The snapshot, `….json`; journals are `<name>.<generation>.journal` beside it. */
  file: string;
  codec: JournalCodec<T>;
  /** Codecs of older versions whose entries differ, to replay their journals before migrating. */
  legacyCodecs?: Readonly<Record<number, JournalCodec<any>>>;
  /** Returns why a snapshot's (migrated) data is not usable, or undefined when it is. */
  validate?: (data: unknown) => string | undefined;
  /** Called for every file that read() had to work around. */
  onRecover?: (recovery: Recovery) => void;
  compaction?: Partial<CompactionPolicy>;
  fs?: FileSystem;
}
