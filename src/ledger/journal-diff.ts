// What a write changed, as one journal record. Two ways to know it:
// - told: the store says which entries it put and deleted (`told`), which
//   costs what changed, whatever the size of the store — the ledger's
//   writes all say so, so a long offline queue or a busy day costs no more
//   per write than a short one;
// - found: lowdb hands over the whole document and the writer compares each
//   value with the one last made durable under the same key, by identity
//   (`diff`, one pass) — for a store that does not say.
// The baseline is an insertion-ordered Map, changed in place once a record is
// durable, with the same rules as replay at boot (journal-read.ts): deletes
// first, then puts; a put of a present key keeps its place, a new key goes
// at the end.
import type { Entry } from './journal-paths.ts';

interface Slot {
  value: unknown;
  /** JSON size of the entry (key and value), for the compaction threshold. */
  size: number;
}

/** What was last made durable, in the document's order. */
export interface Baseline {
  slots: Map<string, Slot>;
  liveBytes: number;
}

export interface Change {
  del: string[];
  /** Key and the value's JSON. */
  puts: Array<[string, string]>;
  /** The values put, in the order of `puts`. */
  values: unknown[];
}

/** Entries put and keys deleted by one write, as the store that made it says. */
export interface ToldChange {
  puts: readonly Entry[];
  del?: readonly string[];
}

export const emptyBaseline = (): Baseline => ({ slots: new Map(), liveBytes: 0 });

/**
 * The record that turns `before` into `entries`: a key that keeps its place
 * is put only when its value changed; a new key, and any key after the first
 * one out of place, is (deleted and) put at the end, as replay appends.
 */
export function diff(before: Baseline, entries: readonly Entry[]): Change {
  return inOrder(before, entries) ?? reordered(before, entries);
}

/** The record for a change the store described itself; its size is that of the change. */
export function told(before: Baseline, change: ToldChange): Change {
  const out: Change = { del: [], puts: [], values: [] };
  for (const key of change.del ?? []) if (before.slots.has(key)) out.del.push(key);
  for (const [key, value] of change.puts) {
    if (before.slots.get(key)?.value === value && !out.del.includes(key)) continue;
    put(out, key, value);
  }
  return out;
}

/** Makes `change` part of the baseline (once it is durable). */
export function apply(baseline: Baseline, change: Change): void {
  for (const key of change.del) {
    const slot = baseline.slots.get(key);
    if (!slot) continue;
    baseline.liveBytes -= slot.size;
    baseline.slots.delete(key);
  }
  change.puts.forEach(([key, json], i) => {
    const size = json.length + key.length;
    const slot = baseline.slots.get(key);
    if (slot) {
      baseline.liveBytes += size - slot.size;
      slot.value = change.values[i];
      slot.size = size;
    } else {
      baseline.liveBytes += size;
      baseline.slots.set(key, { value: change.values[i], size });
    }
  });
}

/** The keys of `before`, in order, some removed, some added at the end: one pass, two pointers. */
function inOrder(before: Baseline, entries: readonly Entry[]): Change | undefined {
  const out: Change = { del: [], puts: [], values: [] };
  let i = 0;
  for (const [key, slot] of before.slots) {
    const entry = entries[i];
    if (entry && entry[0] === key) {
      if (entry[1] !== slot.value) put(out, key, entry[1]);
      i++;
    } else {
      out.del.push(key);
    }
  }
  // The rest must be new keys: one that was there before means a move (or a duplicate).
  for (const fresh = new Set<string>(); i < entries.length; i++) {
    const [key, value] = entries[i]!;
    if (fresh.has(key) || before.slots.has(key)) return undefined;
    fresh.add(key);
    put(out, key, value);
  }
  return out;
}

/** Anything else (an entry moved to the end, a new key in the middle): the general rule. */
function reordered(before: Baseline, entries: readonly Entry[]): Change {
  const oldIndex = new Map([...before.slots.keys()].map((key, index) => [key, index]));
  const out: Change = { del: [], puts: [], values: [] };
  const seen = new Set<string>();
  let last = -1;
  let appending = false;
  for (const [key, value] of entries) {
    if (seen.has(key)) throw new Error(`journal: key ${JSON.stringify(key)} appears twice in one document`);
    seen.add(key);
    const index = oldIndex.get(key);
    if (index !== undefined && !appending && index > last) {
      last = index;
      if (before.slots.get(key)!.value !== value) put(out, key, value);
    } else {
      appending = true;
      if (index !== undefined) out.del.push(key);
      put(out, key, value);
    }
  }
  for (const key of before.slots.keys()) if (!seen.has(key)) out.del.push(key);
  return out;
}

/** The baseline for entries read from disk (values frozen: they are compared by identity from now on). */
export function baselineOf(entries: Iterable<Entry>): Baseline {
  const out = emptyBaseline();
  for (const [key, value] of entries) {
    deepFreeze(value);
    const size = JSON.stringify(value).length + key.length;
    out.slots.set(key, { value, size });
    out.liveBytes += size;
  }
  return out;
}

export function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}

function put(change: Change, key: string, value: unknown): void {
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error(`journal: the value of ${JSON.stringify(key)} cannot be stored (${typeof value})`);
  change.puts.push([key, json]);
  change.values.push(value);
}
