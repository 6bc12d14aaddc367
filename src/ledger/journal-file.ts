// A lowdb adapter that writes only what changed: each `write(data)` appends
// one checksummed record with the entries put or deleted since the last
// write, then one fdatasync. The file written per transaction is a few
// hundred bytes whatever the size of the store, where lowdb's own adapters
// rewrite the whole file (and never fsync it).
//
// Now and then — once the journal outgrows `factor` × the live data and the
// store has been quiet for `quietMs` (or at once, past HARD_FACTOR × that) —
// the store is compacted: the whole document goes to a new snapshot (temp
// file, fdatasync, rename, as DurableJsonFile does) and a new, empty journal
// is started beside it. The snapshot is written while writes go on appending
// to the old journal; it names the journal and the offset it covers up to
// (`follows`), so the records appended meanwhile count after it. Only the
// switch — two renames and one folder fsync — waits its turn among the writes.
// After a recovery, a torn tail, a failed write or a migration the next write
// compacts first, in its turn. See journal-read.ts for what boot does with
// whatever a power cut left.
//
// What is synced when:
//   append        the record (fdatasync); the folder too when the journal
//                 file was created by this write
//   compaction    the snapshot's temp file (fdatasync, beside the writes),
//                 then the folder (the renames and the new journal's entry)
// A write resolves only after its syncs: anything after the last good
// record at boot was never acknowledged and is cut off.
import type { Adapter } from 'lowdb';
import { checkSpec } from './envelope.ts';
import { nodeFileSystem, writeSynced, type FileHandleLike, type FileSystem } from './fs.ts';
import { dropJournals, installSnapshot } from './journal-files.ts';
import { apply, baselineOf, deepFreeze, diff, emptyBaseline, told, type Baseline, type ToldChange } from './journal-diff.ts';
import { encodeHeader, encodeLine, recordJson } from './journal-format.ts';
import { DEFAULT_COMPACTION, storePaths, type CompactionPolicy, type Entry, type JournalFileOptions, type StorePaths } from './journal-paths.ts';
import { readStore, type JournalState } from './journal-read.ts';
import { SerialQueue } from './serial.ts';

export { DEFAULT_COMPACTION, type CompactionPolicy, type Entry, type JournalCodec, type JournalFileOptions } from './journal-paths.ts';

/** Past this many times the limit a compaction starts without waiting for quiet (a long busy spell). */
const HARD_FACTOR = 4;

/** A snapshot about to be written: what it holds, and the journal position it covers up to. */
interface Plan {
  generation: number;
  from: number;
  offset: number;
  text: string;
}

export class JournalFile<T> implements Adapter<T> {
  readonly file: string;
  private readonly paths: StorePaths;
  private readonly fs: FileSystem;
  private readonly policy: CompactionPolicy;
  private readonly queue = new SerialQueue();
  /** What is on disk now, entry by entry. */
  private baseline: Baseline = emptyBaseline();
  /** The journal that appends go to. */
  private generation = 0;
  private journal: JournalState = 'missing';
  private journalBytes = 0;
  private handle: FileHandleLike | undefined;
  private snapshotGeneration: number | undefined;
  private prevGeneration: number | undefined;
  private mainDamaged = false;
  private mustCompact = false;
  private known = new Set<number>();
  private quietTimer: NodeJS.Timeout | undefined;
  /** A compaction writing its snapshot beside the writes, and its use of the temp file. */
  private alongside: Promise<void> | undefined;
  private tmpInUse: Promise<void> | undefined;
  private closing = false;
  /** The change the store said its next write makes (`tell`). */
  private said: { data: T; change: ToldChange } | undefined;

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
    const said = this.said?.data === data ? this.said.change : undefined;
    this.said = undefined;
    if (said) {
      for (const [, value] of said.puts) deepFreeze(value);
      return this.queue.run(() => this.writeNow({ said }));
    }
    const entries = [...this.options.codec.entries(data)];
    for (const [, value] of entries) deepFreeze(value);
    return this.queue.run(() => this.writeNow({ entries }));
  }

  /**
   * What the next `write(data)` of this very document changes, so that the
   * write costs the change and not the store (see journal-diff.ts). Said
   * just before lowdb's `write()`, which hands the document straight over.
   */
  tell(data: T, change: ToldChange): void {
    this.said = { data, change };
  }

  /**
   * Writes a new snapshot of what is on disk now and starts an empty journal,
   * in its turn among the writes. `scrub` leaves nothing older behind: two
   * compactions in a row (so .prev is the same data too), then every older
   * journal removed — how the outbox gets rid of pay codes once it is empty.
   */
  compact(options: { scrub?: boolean } = {}): Promise<void> {
    return this.queue.run(async () => {
      await this.compactNow();
      if (!options.scrub) return;
      await this.compactNow();
      await this.dropJournals(this.generation);
    });
  }

  /** Sizes and generation, for tests and figures; `appended`: the current journal holds records. */
  sizes(): { journalBytes: number; liveBytes: number; generation: number; appended: boolean } {
    const appended = this.journalBytes > encodeHeader(this.header(this.generation)).length;
    return { journalBytes: this.journalBytes, liveBytes: this.baseline.liveBytes, generation: this.generation, appended };
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Finishes (or runs) a due compaction, then closes the journal file; a later write opens it again. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
    await this.alongside;
    return this.queue.run(async () => {
      try {
        if (this.overLimit(1)) await this.compactNow();
      } catch (err) {
        // Nothing is lost: the journal holds it all, and a later write compacts.
        this.options.log?.warn({ err, file: this.file }, 'ledger: compaction at close failed');
      } finally {
        this.closing = false;
        await this.closeHandle();
      }
    });
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
    this.journal = state.journal;
    this.journalBytes = state.journalBytes;
    this.snapshotGeneration = state.snapshotGeneration;
    this.prevGeneration = state.prevGeneration;
    this.mainDamaged = state.mainDamaged;
    this.mustCompact = state.mustCompact;
    this.known = state.known;
    this.baseline = baselineOf(state.entries ?? []);
    return state.entries ? options.codec.document(this.current()) : null;
  }

  private current(): Entry[] {
    return [...this.baseline.slots].map(([key, slot]) => [key, slot.value] as const);
  }

  private async writeNow(write: { entries: Entry[] } | { said: ToldChange }): Promise<void> {
    // From what is on disk: the journal may end in a torn or half-written record that nothing may follow.
    if (this.mustCompact) await this.compactNow();
    const change = 'said' in write ? told(this.baseline, write.said) : diff(this.baseline, write.entries);
    if (change.del.length === 0 && change.puts.length === 0) return;
    await this.append(encodeLine(recordJson(change.del, change.puts)));
    apply(this.baseline, change);
    this.scheduleCompaction();
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

  private overLimit(times: number): boolean {
    return this.journalBytes > times * Math.max(this.policy.minBytes, this.policy.factor * this.baseline.liveBytes);
  }

  /** Waits for quiet (each write starts the wait again), unless the journal is far over its limit. */
  private scheduleCompaction(): void {
    if (this.alongside || this.closing || !this.overLimit(1)) return;
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(
      () => {
        this.quietTimer = undefined;
        if (this.alongside || this.closing) return;
        this.alongside = this.compactAlongside()
          .catch((err: unknown) => this.options.log?.warn({ err, file: this.file }, 'ledger: compaction failed; tried again later'))
          .finally(() => (this.alongside = undefined));
      },
      this.overLimit(HARD_FACTOR) ? 0 : this.policy.quietMs,
    );
    // A compaction never keeps the process alive; close() runs a due one.
    this.quietTimer.unref();
  }

  /** The snapshot is written while writes go on; only the switch takes a turn among them. */
  private async compactAlongside(): Promise<void> {
    const plan = await this.queue.run(async () => (this.mustCompact || !this.overLimit(1) ? undefined : this.plan(true)));
    if (!plan) return;
    const writing = writeSynced(this.fs, this.paths.tmp, Buffer.from(plan.text, 'utf8'));
    this.tmpInUse = writing.then(
      () => undefined,
      () => undefined,
    );
    await writing;
    await this.queue.run(async () => {
      if (this.generation !== plan.from || this.mustCompact) return; // a compaction in the queue came first
      await this.install(plan);
    });
  }

  /** Compaction in the queue's turn (after a recovery, a failure, or on request). */
  private async compactNow(): Promise<void> {
    await this.tmpInUse; // a compaction beside the writes may still be writing the temp file
    const plan = this.plan(false);
    await writeSynced(this.fs, this.paths.tmp, Buffer.from(plan.text, 'utf8'));
    await this.install(plan);
  }

  /**
   * `alongside`: writes will go on appending to the current journal until the
   * switch, and the snapshot says from where they count. In the queue's turn
   * nothing can follow, and the journal may end in a failed write's debris.
   */
  private plan(alongside: boolean): Plan {
    const generation = this.generation + 1;
    const follows = alongside ? { follows: { generation: this.generation, offset: this.journalBytes } } : {};
    const data = this.options.codec.document(this.current());
    const text = `${JSON.stringify({ ...this.header(generation), ...follows, data })}\n`;
    return { generation, from: this.generation, offset: this.journalBytes, text };
  }

  /** Puts the written snapshot in place and switches appends to a new journal. */
  private async install(plan: Plan): Promise<void> {
    const header = encodeHeader(this.header(plan.generation));
    const handle = await installSnapshot(this.fs, this.paths, { generation: plan.generation, header, setAside: this.mainDamaged });
    await this.closeHandle();
    this.handle = handle;
    // The snapshot moved to .prev, unless it was missing or damaged (then .prev stays what it was).
    if (this.snapshotGeneration !== undefined && !this.mainDamaged) this.prevGeneration = this.snapshotGeneration;
    this.snapshotGeneration = plan.generation;
    this.generation = plan.generation;
    this.journal = 'ok';
    this.journalBytes = header.length;
    this.mustCompact = false;
    this.mainDamaged = false;
    this.known.add(plan.generation);
    // .prev follows the journal before its own: that one and the later ones stay.
    await this.dropJournals((this.prevGeneration ?? 1) - 1);
  }

  private dropJournals(keepFrom: number): Promise<void> {
    return dropJournals(this.fs, this.paths, this.known, keepFrom, this.options.log);
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
