// What a write changed, as one journal record: the writer compares each
// value with the one last made durable under the same key, by identity.
// lowdb hands over the whole document, so a write looks at every entry; the
// usual changes (entries added at the end, replaced in place, removed) are
// found in one pass without building anything, so that a long offline queue
// or a busy day costs little more than a short one.
import type { Entry } from './journal-paths.ts';

/** What was last made durable, in the document's order. */
export interface Baseline {
  keys: string[];
  values: unknown[];
  /** JSON size of each entry (key and value), for the compaction threshold. */
  sizes: number[];
  liveBytes: number;
}

export interface Change {
  del: string[];
  /** Key and the value's JSON. */
  puts: Array<[string, string]>;
  /** The baseline once this change is durable. */
  next: Baseline;
}

export const emptyBaseline = (): Baseline => ({ keys: [], values: [], sizes: [], liveBytes: 0 });

/**
 * The record that turns `before` into `entries`: a key that keeps its place
 * is put only when its value changed; a new key, and any key after the first
 * one out of place, is (deleted and) put at the end, as replay appends.
 */
export function diff(before: Baseline, entries: readonly Entry[]): Change {
  return inOrder(before, entries) ?? reordered(before, entries);
}

/** The keys of `before`, in order, some removed, some added at the end: one pass, two pointers. */
function inOrder(before: Baseline, entries: readonly Entry[]): Change | undefined {
  const next = emptyBaseline();
  const del: string[] = [];
  const puts: Array<[string, string]> = [];
  let i = 0;
  for (let j = 0; j < before.keys.length; j++) {
    const entry = entries[i];
    if (entry && entry[0] === before.keys[j]) {
      const size = entry[1] === before.values[j] ? before.sizes[j]! : put(puts, entry[0], entry[1]);
      keep(next, entry[0], entry[1], size);
      i++;
    } else {
      del.push(before.keys[j]!);
    }
  }
  // The rest must be new keys: one that was there before means a move (or a duplicate).
  for (const fresh = new Set<string>(); i < entries.length; i++) {
    const [key, value] = entries[i]!;
    if (fresh.has(key) || before.keys.includes(key)) return undefined;
    fresh.add(key);
    keep(next, key, value, put(puts, key, value));
  }
  return { del, puts, next };
}

/** Anything else (an entry moved to the end, a new key in the middle): the general rule. */
function reordered(before: Baseline, entries: readonly Entry[]): Change {
  const oldIndex = new Map(before.keys.map((key, index) => [key, index]));
  const next = emptyBaseline();
  const seen = new Set<string>();
  const del: string[] = [];
  const puts: Array<[string, string]> = [];
  let last = -1;
  let appending = false;
  for (const [key, value] of entries) {
    if (seen.has(key)) throw new Error(`journal: key ${JSON.stringify(key)} appears twice in one document`);
    seen.add(key);
    const index = oldIndex.get(key);
    let size: number;
    if (index !== undefined && !appending && index > last) {
      last = index;
      size = before.values[index] === value ? before.sizes[index]! : put(puts, key, value);
    } else {
      appending = true;
      if (index !== undefined) del.push(key);
      size = put(puts, key, value);
    }
    keep(next, key, value, size);
  }
  for (const key of before.keys) if (!seen.has(key)) del.push(key);
  return { del, puts, next };
}

/** The baseline for entries read from disk (values frozen: they are compared by identity from now on). */
export function baselineOf(entries: Iterable<Entry>): Baseline {
  const out = emptyBaseline();
  for (const [key, value] of entries) {
    deepFreeze(value);
    keep(out, key, value, JSON.stringify(value).length + key.length);
  }
  return out;
}

export function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}

function keep(baseline: Baseline, key: string, value: unknown, size: number): void {
  baseline.keys.push(key);
  baseline.values.push(value);
  baseline.sizes.push(size);
  baseline.liveBytes += size;
}

function put(puts: Array<[string, string]>, key: string, value: unknown): number {
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error(`journal: the value of ${JSON.stringify(key)} cannot be stored (${typeof value})`);
  puts.push([key, json]);
  return json.length + key.length;
}
