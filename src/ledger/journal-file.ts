// A lowdb adapter that writes only what changed: each `write(data)` appends
// one checksummed record with the entries put or deleted since the last
// write, then one fdatasync. The file written per transaction is a few
// hundred bytes whatever the size of the store, where lowdb's own adapters
// rewrite the whole file (and never fsync it).
//
// Now and then — when the journal outgrows `factor` × the live data, or after
// a recovery, a torn tail, a failed write or a migration — the write instead
// compacts: the whole document goes to a new snapshot (temp file, fsync,
// rename, the same path as DurableJsonFile) with a new, empty journal beside
// it, both made durable by one folder fsync. See journal-read.ts for what
// boot does with whatever a power cut left.
//
// What is synced when:
//   append        the record (fdatasync); the folder too when the journal
//                 file was created by this write
//   compaction    the snapshot's temp file (fdatasync), then the folder
//                 (the renames and the new journal's entry)
// A write resolves only after its syncs: anything after the last good
// record at boot was never acknowledged and is cut off.
import type { Adapter } from 'lowdb';
import { checkSpec, type FormatSpec, type Recovery } from './envelope.ts';
import { errorCode, nodeFileSystem, unlinkIfExists, writeSynced, type FileHandleLike, type FileSystem } from './fs.ts';
import { encodeHeader, encodeLine, recordJson } from './journal-format.ts';
import { storePaths, type Entry, type JournalCodec, type StorePaths } from './journal-paths.ts';
import { readStore, type JournalState } from './journal-read.ts';
import { SerialQueue } from './serial.ts';

export type { Entry, JournalCodec } from './journal-paths.ts';

export interface CompactionPolicy {
  /** Compact when the journal is larger than this many times the live data… */
  factor: number;
  /** …and larger than this (small stores would otherwise compact every few writes). */
  minBytes: number;
}

export const DEFAULT_COMPACTION: CompactionPolicy = { factor: 2, minBytes: 256 * 1024 };

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

/** What was last made durable, per key: the value (compared by identity), its size and position. */
interface Slot {
  value: unknown;
  size: number;
  index: number;
}

export class JournalFile<T> implements Adapter<T> {
  readonly file: string;
  private readonly paths: StorePaths;
  private readonly fs: FileSystem;
  private readonly policy: CompactionPolicy;
  private readonly queue = new SerialQueue();
  private baseline = new Map<string, Slot>();
  private liveBytes = 0;
  private generation = 0;
  private snapshotGeneration: number | undefined;
  private prevGeneration: number | undefined;
  private journal: JournalState = 'missing';
  private journalBytes = 0;
  private handle: FileHandleLike | undefined;
  private mustCompact = false;
  private mainDamaged = false;
  private known = new Set<number>();

  constructor(private readonly options: JournalFileOptions<T>) {
    checkSpec(options);
    this.file = options.file;
    this.paths = storePaths(options.file);
    this.fs = options.fs ?? nodeFileSystem;
    this.policy = { ...DEFAULT_COMPACTION, ...options.compaction };
  }

  /** Null for a fresh store. Queued behind writes in progress. */
  read(): Promise<T | null> {
    return this.queue.run(() => this.readNow());
  }

  write(data: T): Promise<void> {
    // Taken now: lowdb hands over its live object. The values are frozen so
    // that a change made in place (which the identity comparison would miss)
    // fails loudly instead of never reaching the disk.
    const entries = [...this.options.codec.entries(data)];
    for (const [, value] of entries) deepFreeze(value);
    return this.queue.run(() => this.writeNow(entries));
  }

  /** Writes a new snapshot and starts an empty journal, from what is on disk now. */
  compact(): Promise<void> {
    return this.queue.run(() => this.compactNow(this.current(), this.baseline, this.liveBytes));
  }

  /** Bytes in the journal and, roughly, in the live data (for tests and figures). */
  sizes(): { journalBytes: number; liveBytes: number; generation: number } {
    return { journalBytes: this.journalBytes, liveBytes: this.liveBytes, generation: this.generation };
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Closes the journal file; a later write opens it again. */
  close(): Promise<void> {
    return this.queue.run(() => this.closeHandle());
  }

  private async readNow(): Promise<T | null> {
    await this.closeHandle();
    const { options } = this;
    const state = await readStore({
      ...options,
      paths: this.paths,
      fs: this.fs,
      codecFor: (version) => (version === options.version ? options.codec : options.legacyCodecs?.[version] ?? options.codec),
    });
    for (const recovery of state.recoveries) {
      options.log?.warn(recovery, 'ledger file recovered');
      options.onRecover?.(recovery);
    }
    this.generation = state.generation;
    this.snapshotGeneration = state.snapshotGeneration;
    this.prevGeneration = state.prevGeneration;
    this.journal = state.journal;
    this.journalBytes = state.journalBytes;
    this.mustCompact = state.mustCompact;
    this.mainDamaged = state.mainDamaged;
    this.known = state.known;
    this.baseline = new Map();
    this.liveBytes = 0;
    if (!state.entries) return null;
    let index = 0;
    for (const [key, value] of state.entries) {
      deepFreeze(value);
      const size = JSON.stringify(value).length + key.length;
      this.baseline.set(key, { value, size, index: index++ });
      this.liveBytes += size;
    }
    return options.codec.document(this.current());
  }

  private current(): Entry[] {
    return [...this.baseline].map(([key, slot]) => [key, slot.value] as const);
  }

  private async writeNow(entries: Entry[]): Promise<void> {
    const change = diff(this.baseline, entries);
    if (this.mustCompact) return this.compactNow(entries, change.next, change.liveBytes);
    if (change.del.length === 0 && change.puts.length === 0) return;
    const line = encodeLine(recordJson(change.del, change.puts));
    const limit = Math.max(this.policy.minBytes, this.policy.factor * change.liveBytes);
    if (this.journalBytes + line.length > limit) return this.compactNow(entries, change.next, change.liveBytes);
    await this.append(line);
    this.baseline = change.next;
    this.liveBytes = change.liveBytes;
  }

  private async append(line: Buffer): Promise<void> {
    const created = this.journal === 'missing';
    const payload = this.journal === 'ok' ? line : Buffer.concat([encodeHeader(this.header(this.generation)), line]);
    try {
      this.handle ??= await this.fs.open(this.paths.journal(this.generation), 'append');
      await this.handle.write(payload);
      await this.handle.sync();
      if (created) await this.fs.syncDir(this.paths.dir);
    } catch (error) {
      // The journal may now end in part of this record; nothing may follow it.
      this.mustCompact = true;
      await this.closeHandle();
      throw error;
    }
    this.known.add(this.generation);
    this.journal = 'ok';
    this.journalBytes += payload.length;
  }

  private async compactNow(entries: Entry[], next: Map<string, Slot>, liveBytes: number): Promise<void> {
    await this.closeHandle();
    const generation = Math.max(this.generation, ...this.known) + 1;
    const text = `${JSON.stringify({ ...this.header(generation), data: this.options.codec.document(entries) })}\n`;
    const header = encodeHeader(this.header(generation));
    this.mustCompact = true; // until this compaction is through
    this.known.add(generation);
    try {
      await writeSynced(this.fs, this.paths.tmp, Buffer.from(text, 'utf8'));
      // The new journal needs no fsync of its own: an empty or headless journal
      // reads as empty, and its first record's fdatasync covers the header.
      this.handle = await this.fs.open(this.paths.journal(generation), 'truncate');
      await this.handle.write(header);
      await this.rotate(this.paths.snapshot, this.mainDamaged ? this.paths.corrupt : this.paths.prev);
      await this.fs.rename(this.paths.tmp, this.paths.snapshot);
      await this.fs.syncDir(this.paths.dir);
    } catch (error) {
      await this.closeHandle();
      throw error;
    }
    // outbox.json moved to .prev, unless it was missing or damaged (then .prev stays what it was).
    if (this.snapshotGeneration !== undefined && !this.mainDamaged) this.prevGeneration = this.snapshotGeneration;
    this.snapshotGeneration = generation;
    this.generation = generation;
    this.journal = 'ok';
    this.journalBytes = header.length;
    this.mustCompact = false;
    this.mainDamaged = false;
    this.baseline = next;
    this.liveBytes = liveBytes;
    await this.dropOldJournals();
  }

  /**
   * Journals older than the previous snapshot are no longer needed by any
   * recovery path. Removed without a folder fsync: one that comes back after
   * a power cut is ignored, as no snapshot points at it.
   */
  private async dropOldJournals(): Promise<void> {
    const keepFrom = this.prevGeneration ?? 0;
    const old = new Set([...this.known].filter((g) => g < keepFrom));
    if (keepFrom > 0) old.add(keepFrom - 1);
    for (const generation of old) {
      try {
        await unlinkIfExists(this.fs, this.paths.journal(generation));
        this.known.delete(generation);
      } catch (err) {
        this.options.log?.warn({ err, file: this.paths.journal(generation) }, 'ledger: old journal not removed');
      }
    }
  }

  private async rotate(from: string, to: string): Promise<void> {
    try {
      await this.fs.rename(from, to);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }

  private header(generation: number) {
    return { format: this.options.format, version: this.options.version, generation };
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    try {
      await handle?.close();
    } catch (err) {
      this.options.log?.warn({ err, file: this.file }, 'ledger: journal not closed cleanly');
    }
  }
}

/**
 * The records that turn `before` into `entries`: a key that keeps its place
 * is put only when its value changed; a new key, and any key after the first
 * one out of place, is (deleted and) put at the end, as replay appends.
 */
function diff(before: ReadonlyMap<string, Slot>, entries: readonly Entry[]) {
  const next = new Map<string, Slot>();
  const del: string[] = [];
  const puts: Array<[string, string]> = [];
  let liveBytes = 0;
  let last = -1;
  let appending = false;
  entries.forEach(([key, value], index) => {
    if (next.has(key)) throw new Error(`journal: key ${JSON.stringify(key)} appears twice in one document`);
    const old = before.get(key);
    let size = old?.size ?? 0;
    if (old && !appending && old.index > last) {
      last = old.index;
      if (old.value !== value) size = put(puts, key, value);
    } else {
      appending = true;
      if (old) del.push(key);
      size = put(puts, key, value);
    }
    next.set(key, { value, size, index });
    liveBytes += size;
  });
  for (const key of before.keys()) if (!next.has(key)) del.push(key);
  return { next, del, puts, liveBytes };
}

function put(puts: Array<[string, string]>, key: string, value: unknown): number {
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error(`journal: the value of ${JSON.stringify(key)} cannot be stored (${typeof value})`);
  puts.push([key, json]);
  return json.length + key.length;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}
