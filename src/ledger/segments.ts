// days/YYYY-MM-DD: the final records of one business day each (a snapshot
// `.json` and its journals `.<g>.journal`). Only today's segment stays in
// memory; older days are read when asked for, so memory, start-up and the
// cost of a write do not grow with history.
import { join } from 'node:path';
import type { Low } from 'lowdb';
import type { TxnRecord } from '../domain/types.ts';
import type { BusinessCalendar } from './business-day.ts';
import { commit, FROM_WHOLE_FILE, objectWith, openDoc, type StoreContext } from './doc.ts';
import { listDir, nodeFileSystem, unlinkIfExists } from './fs.ts';
import type { JournalCodec, JournalFile } from './journal-file.ts';
import { KeyedQueue } from './serial.ts';

export const SEGMENT_FORMAT = 'scanpos.day';
export const SEGMENT_VERSION = 2;

/** How many segments `find` looks through before giving up (about a year of trading days and then some). */
export const FIND_LOOKBACK_SEGMENTS = 400;

interface SegmentData {
  day: string;
  /** In the order they became final. */
  records: TxnRecord[];
}

const codecFor = (day: string): JournalCodec<SegmentData> => ({
  entries: (data) => data.records.map((record) => [record.txn.id, record] as const),
  document: (entries) => ({ day, records: entries.map(([, record]) => record as TxnRecord) }),
});

export interface DaySegmentsOptions extends StoreContext {
  dir: string;
  calendar: BusinessCalendar;
  now: () => Date;
}

// A day has a segment when its snapshot, its previous generation (a crash
// fell between two renames) or a journal is there.
const SEGMENT_NAME = /^(\d{4}-\d{2}-\d{2})\.(?:json(?:\.prev)?|\d+\.journal)$/;

interface Segment {
  day: string;
  db: Low<SegmentData>;
  adapter: JournalFile<SegmentData>;
  recovered: boolean;
}

export class DaySegments {
  private current: Segment | undefined;
  /** Reads and writes of one day are serialised, so a reader never sees a day half-written or half-removed. */
  private readonly locks = new KeyedQueue();

  constructor(private readonly options: DaySegmentsOptions) {}

  /** Loads today's segment; true when it had to be recovered. */
  async openToday(): Promise<boolean> {
    const day = this.today();
    return this.locks.run(day, async () => (await this.load(day)).recovered);
  }

  /** Rewrites today's segment from memory (after a recovery, to replace the damaged file). */
  async rewriteToday(): Promise<void> {
    const day = this.today();
    await this.locks.run(day, async () => (await this.load(day)).adapter.compact());
  }

  /** Adds a final record to the segment of its business day. */
  append(record: TxnRecord): Promise<void> {
    return this.appendAll([record]);
  }

  /** Adds final records to the segments of their business days: one write per day. */
  async appendAll(records: readonly TxnRecord[]): Promise<void> {
    const byDay = new Map<string, TxnRecord[]>();
    for (const record of records) {
      const day = this.options.calendar.dayOf(record.txn.createdAt);
      byDay.set(day, [...(byDay.get(day) ?? []), record]);
    }
    for (const [day, added] of byDay) {
      await this.locks.run(day, () =>
        this.using(day, async ({ db, adapter }) => {
          const puts = added.map((record) => [record.txn.id, record] as const);
          await commit(db, { day, records: [...db.data.records, ...added] }, { adapter, change: { puts } });
        }),
      );
    }
  }

  /** The record with this id in one day's segment. */
  findIn(day: string, id: string): Promise<TxnRecord | undefined> {
    return this.locks.run(day, () => this.using(day, async ({ db }) => db.data.records.find((r) => r.txn.id === id)));
  }

  /** Looks through the newest segments first, up to FIND_LOOKBACK_SEGMENTS of them. */
  async find(id: string): Promise<TxnRecord | undefined> {
    const days = (await this.days()).slice(0, FIND_LOOKBACK_SEGMENTS);
    for (const day of days) {
      const found = await this.findIn(day, id);
      if (found) return found;
    }
    return undefined;
  }

  /** Every record of one day, in the order they became final. */
  records(day: string): Promise<readonly TxnRecord[]> {
    return this.locks.run(day, () => this.using(day, async ({ db }) => db.data.records));
  }

  /**
   * Records of the newest segments, reading back one day at a time until the
   * newest `limit` are certainly in hand: every older day holds older records.
   * `pending` are records kept elsewhere (the outbox) that compete for the
   * same places: one dated on or after a day already read counts as found.
   */
  async newest(limit: number, pending: ReadonlyArray<{ id: string; day: string }> = []): Promise<TxnRecord[]> {
    const out: TxnRecord[] = [];
    if (limit <= 0) return out;
    const seen = new Set<string>();
    for (const day of await this.days()) {
      for (const record of await this.records(day)) {
        out.push(record);
        seen.add(record.txn.id);
      }
      // A record caught mid-settle is in both places; count it once.
      const pendingSince = pending.filter((p) => p.day >= day && !seen.has(p.id)).length;
      if (out.length + pendingSince >= limit) break;
    }
    return out;
  }

  /** Records of the days from `first` to `last` (inclusive), oldest day first; only those segments are read. */
  async range(first: string, last: string): Promise<TxnRecord[]> {
    const days = (await this.days()).filter((day) => day >= first && day <= last).reverse();
    const out: TxnRecord[] = [];
    for (const day of days) out.push(...(await this.records(day)));
    return out;
  }

  /** Days that have a segment, newest first. */
  async days(): Promise<string[]> {
    const days = new Set<string>();
    for (const name of await listDir(this.options.dir, this.options.fs)) {
      const match = SEGMENT_NAME.exec(name);
      if (match?.[1]) days.add(match[1]);
    }
    return [...days].sort().reverse();
  }

  /**
   * Deletes a day's files (never today's) in three steps, each made durable
   * before the next: its journals, then the previous generation and
   * leftovers, then the snapshot. A power cut in between leaves a readable
   * day (never journals without their snapshot, nor an old .prev standing in
   * for a removed snapshot), and the next prune finishes. Returns the names removed.
   */
  remove(day: string): Promise<string[]> {
    return this.locks.run(day, async () => {
      if (day === this.today()) throw new Error(`the segment of ${day} is today's`);
      // A day that was today when last written (the terminal ran past midnight) is kept no longer.
      if (this.current?.day === day) {
        const { adapter } = this.current;
        this.current = undefined;
        await adapter.close();
      }
      const fs = this.options.fs ?? nodeFileSystem;
      const names = (await listDir(this.options.dir, fs)).filter((name) => name.startsWith(`${day}.`));
      const phase = (name: string) => (name.endsWith('.journal') ? 0 : name === `${day}.json` ? 2 : 1);
      const removed: string[] = [];
      for (const step of [0, 1, 2]) {
        const now = names.filter((name) => phase(name) === step);
        for (const name of now) if (await unlinkIfExists(fs, join(this.options.dir, name))) removed.push(name);
        if (now.length) await fs.syncDir(this.options.dir);
      }
      return removed;
    });
  }

  idle(): Promise<void> {
    return this.locks.idle();
  }

  async close(): Promise<void> {
    await this.idle();
    await this.current?.adapter.close();
  }

  private today(): string {
    return this.options.calendar.dayOf(this.options.now());
  }

  /** Runs `step` on a day's segment; a segment other than today's is closed after. Call under that day's lock. */
  private async using<R>(day: string, step: (segment: Segment) => Promise<R>): Promise<R> {
    const segment = await this.load(day);
    try {
      return await step(segment);
    } finally {
      if (segment !== this.current) await segment.adapter.close();
    }
  }

  /** Today's segment from memory; any other day read from its files and not kept. Call under that day's lock. */
  private async load(day: string): Promise<Segment> {
    if (this.current?.day === day) return this.current;
    const opened = await openDoc<SegmentData>({
      ...this.options,
      file: join(this.options.dir, `${day}.json`),
      format: SEGMENT_FORMAT,
      version: SEGMENT_VERSION,
      codec: codecFor(day),
      migrations: FROM_WHOLE_FILE,
      empty: () => ({ day, records: [] }),
      validate: (data) => objectWith(data, ['records']),
    });
    const segment = { day, ...opened };
    // The day rolls over while the terminal runs: the new day replaces the old one in memory.
    if (day === this.today()) {
      const previous = this.current;
      this.current = segment;
      // Its adapter's own queue lets a write still in progress finish first.
      void previous?.adapter.close();
    }
    return segment;
  }
}
