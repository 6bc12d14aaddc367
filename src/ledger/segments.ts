// days/YYYY-MM-DD.json: the final records of one business day each.
// Only today's segment stays in memory; older days are read when asked for,
// so memory and the cost of a write do not grow with history.
import { join } from 'node:path';
import type { Low } from 'lowdb';
import type { TxnRecord } from '../domain/types.ts';
import type { Logger } from '../runtime/log.ts';
import type { BusinessCalendar } from './business-day.ts';
import { commit, objectWith, openDoc } from './doc.ts';
import { listDir, type Recovery } from './durable-file.ts';
import { KeyedQueue } from './serial.ts';

export const SEGMENT_FORMAT = 'scanpos.day';
export const SEGMENT_VERSION = 1;

/** How many segment files `find` looks through before giving up (about a year of trading days and then some). */
export const FIND_LOOKBACK_SEGMENTS = 400;

interface SegmentData {
  day: string;
  /** In the order they became final. */
  records: TxnRecord[];
}

export interface DaySegmentsOptions {
  dir: string;
  calendar: BusinessCalendar;
  now: () => Date;
  log?: Logger;
  onRecover: (recovery: Recovery) => void;
}

// `2026-11-27.json`, or only its `.prev` when a crash fell between the two renames.
const SEGMENT_NAME = /^(\d{4}-\d{2}-\d{2})\.json(\.prev)?$/;

export class DaySegments {
  private current: { day: string; db: Low<SegmentData> } | undefined;
  /** Reads and writes of one day are serialised, so a reader never sees a file between its two renames. */
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
    await this.locks.run(day, async () => (await this.load(day)).db.write());
  }

  /** Adds a final record to the segment of its business day. */
  append(record: TxnRecord): Promise<void> {
    const day = this.options.calendar.dayOf(record.txn.createdAt);
    return this.locks.run(day, async () => {
      const { db } = await this.load(day);
      await commit(db, { day, records: [...db.data.records, record] });
    });
  }

  /** The record with this id in one day's segment. */
  findIn(day: string, id: string): Promise<TxnRecord | undefined> {
    return this.locks.run(day, async () => (await this.load(day)).db.data.records.find((r) => r.txn.id === id));
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
      for (const record of await this.locks.run(day, async () => (await this.load(day)).db.data.records)) {
        out.push(record);
        seen.add(record.txn.id);
      }
      // A record caught mid-settle is in both places; count it once.
      const pendingSince = pending.filter((p) => p.day >= day && !seen.has(p.id)).length;
      if (out.length + pendingSince >= limit) break;
    }
    return out;
  }

  idle(): Promise<void> {
    return this.locks.idle();
  }

  private today(): string {
    return this.options.calendar.dayOf(this.options.now());
  }

  /** Days that have a segment, newest first. */
  private async days(): Promise<string[]> {
    const days = new Set<string>();
    for (const name of await listDir(this.options.dir)) {
      const match = SEGMENT_NAME.exec(name);
      if (match?.[1]) days.add(match[1]);
    }
    return [...days].sort().reverse();
  }

  /** Today's segment from memory; any other day read from its file and not kept. Call under that day's lock. */
  private async load(day: string): Promise<{ db: Low<SegmentData>; recovered: boolean }> {
    if (this.current?.day === day) return { db: this.current.db, recovered: false };
    const opened = await openDoc<SegmentData>({
      file: join(this.options.dir, `${day}.json`),
      format: SEGMENT_FORMAT,
      version: SEGMENT_VERSION,
      empty: () => ({ day, records: [] }),
      validate: (data) => objectWith(data, ['records']),
      onRecover: this.options.onRecover,
      log: this.options.log,
    });
    // The day rolls over while the terminal runs: the new day replaces the old one in memory.
    if (day === this.today()) this.current = { day, db: opened.db };
    return opened;
  }
}
