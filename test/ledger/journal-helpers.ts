// A small journaled document for the journal's own tests: a list of items keyed by id.
import { readdirSync } from 'node:fs';
import { JournalFile, type CompactionPolicy, type JournalCodec } from '../../src/ledger/journal-file.ts';
import type { Recovery } from '../../src/ledger/durable-file.ts';
import type { FileSystem } from '../../src/ledger/fs.ts';

export interface Item {
  id: string;
  n: number;
}
export interface Box {
  items: Item[];
}

const codec: JournalCodec<Box> = {
  entries: (box) => box.items.map((item) => [item.id, item] as const),
  document: (entries) => ({ items: entries.map(([, item]) => item as Item) }),
};

export interface Extra {
  version?: number;
  recoveries?: Recovery[];
  compaction?: Partial<CompactionPolicy>;
  fs?: FileSystem;
  migrations?: Record<number, (d: any) => unknown>;
}

export const journal = (file: string, extra: Extra = {}) =>
  new JournalFile<Box>({
    file,
    format: 'test.box',
    version: extra.version ?? 2,
    codec,
    migrations: extra.migrations ?? { 1: (d) => d },
    compaction: extra.compaction ?? {},
    ...(extra.fs ? { fs: extra.fs } : {}),
    onRecover: (r) => extra.recoveries?.push(r),
  });

export const items = (...ids: Array<string | [string, number]>): Box => ({ items: ids.map((x) => (typeof x === 'string' ? { id: x, n: 0 } : { id: x[0], n: x[1] })) });
export const ids = (box: Box | null) => box?.items.map((i) => `${i.id}=${i.n}`).join(' ');
export const names = (dir: string) => readdirSync(dir).sort();

export async function reopen(file: string, extra: Extra = {}): Promise<Box | null> {
  const j = journal(file, extra);
  const box = await j.read();
  await j.close();
  return box;
}

