// Reads across the outbox and the day segments: what the transaction list
// and the settlement reports show. Each reads only the days it needs.
import type { TxnRecord } from '../domain/types.ts';
import type { BusinessCalendar } from './business-day.ts';
import type { Outbox } from './outbox.ts';
import type { DaySegments } from './segments.ts';

export interface Sources {
  outbox: Outbox;
  segments: DaySegments;
  calendar: BusinessCalendar;
}

const createdAt = (record: TxnRecord): number => Date.parse(record.txn.createdAt);

/** Newest first by creation time, pending ones included; reads only as many days back as needed. */
export async function recentRecords({ outbox, segments, calendar }: Sources, limit: number): Promise<TxnRecord[]> {
  const count = Math.max(0, Math.floor(limit));
  if (count === 0) return [];
  const pending = outbox.list();
  const dated = pending.map((record) => ({ id: record.txn.id, day: calendar.dayOf(record.txn.createdAt) }));
  const byId = new Map<string, TxnRecord>();
  for (const record of pending) byId.set(record.txn.id, record);
  // A settle running meanwhile can show a record in both; the final copy wins.
  for (const record of await segments.newest(count, dated)) byId.set(record.txn.id, record);
  return [...byId.values()].sort((a, b) => createdAt(b) - createdAt(a)).slice(0, count);
}

/**
 * Every transaction, pending or final, created in [from, to), oldest first.
 * A record lives in the segment of the business day it was created on, so
 * only the segments from the day of `from` to the day of `to` are read.
 */
export async function recordsBetween({ outbox, segments, calendar }: Sources, from: string, to: string): Promise<TxnRecord[]> {
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (Number.isNaN(start) || Number.isNaN(end)) throw new Error(`not a valid span of time: ${from} to ${to}`);
  if (end <= start) return [];
  const inSpan = (record: TxnRecord) => createdAt(record) >= start && createdAt(record) < end;
  const byId = new Map<string, TxnRecord>();
  for (const record of outbox.list()) if (inSpan(record)) byId.set(record.txn.id, record);
  const days = await segments.range(calendar.dayOf(new Date(start)), calendar.dayOf(new Date(end - 1)));
  for (const record of days) if (inSpan(record)) byId.set(record.txn.id, record);
  // sort() is stable: records created at the same instant keep the order they were found in.
  return [...byId.values()].sort((a, b) => createdAt(a) - createdAt(b));
}
