// Settled history past its keeping age goes: day segments whose transactions
// are all final, and old Z reports. Safe at boot and daily: a day still
// holding a transaction in the outbox, today, and the outbox itself are
// never touched, and a prune cut short by power loss is finished by the next.
import { shiftDay, type BusinessCalendar } from './business-day.ts';
import type { Outbox } from './outbox.ts';
import type { Reports } from './reports.ts';
import type { DaySegments } from './segments.ts';

export interface PruneSources {
  outbox: Outbox;
  segments: DaySegments;
  reports: Reports;
  calendar: BusinessCalendar;
  now: () => Date;
}

const DAY_MS = 86_400_000;

export async function pruneHistory(p: PruneSources, options: { keepDays: number; now: Date }): Promise<{ removed: string[] }> {
  const { keepDays, now } = options;
  if (!Number.isInteger(keepDays) || keepDays < 0) throw new Error(`keepDays must be a whole number ≥ 0, got ${keepDays}`);
  if (Number.isNaN(now.getTime())) throw new Error('prune: now is not a valid time');
  // Days before this one go; a day is kept whole for keepDays days after it.
  const firstKept = shiftDay(p.calendar.dayOf(now), -keepDays);
  const inUse = new Set([p.calendar.dayOf(p.now()), ...p.outbox.list().map((r) => p.calendar.dayOf(r.txn.createdAt))]);
  const removed: string[] = [];
  for (const day of (await p.segments.days()).reverse()) {
    if (day >= firstKept) break;
    if (inUse.has(day)) continue;
    for (const name of await p.segments.remove(day)) removed.push(`days/${name}`);
  }
  for (const name of await p.reports.prune(new Date(now.getTime() - keepDays * DAY_MS))) removed.push(`reports/${name}`);
  return { removed };
}
