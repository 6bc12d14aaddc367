// Rebuilding a journaled store at boot: a snapshot, then the journals that
// follow it, whatever a power cut left behind.
//
// Files of a store `outbox`: outbox.json (snapshot of generation s),
// outbox.json.prev (the one before it), outbox.<g>.journal (the writes that
// go with generation g; 0: a store that never had a snapshot). Snapshot s
// covers journal s - 1 up to an offset (`follows`: it was written while
// writes went on appending there); the rest of that journal, then journal s,
// s + 1 … complete it. So any snapshot that can still be read gives the
// whole store:
//   outbox.json ok          → snapshot + rest of its followed journal + journals s, s + 1 …
//   outbox.json damaged     → the same from .prev
//   both unusable           → journals 0, 1, … when all of them are still there
// and anything less is refused (DamagedFileError), never started from empty.
import { basename } from 'node:path';
import { DamagedFileError, migrate, parseEnvelope, refuseNewer, versionProblem, type FormatSpec, type Recovery } from './envelope.ts';
import { errorCode, listDir, readIfExists, type FileSystem } from './fs.ts';
import { scanJournal, type JournalOps } from './journal-format.ts';
import type { JournalCodec, StorePaths } from './journal-paths.ts';

export interface ReadContext extends FormatSpec {
  paths: StorePaths;
  fs: FileSystem;
  codecFor: (version: number) => JournalCodec<any>;
  validate?: (data: unknown) => string | undefined;
}

export type JournalState = 'missing' | 'empty' | 'ok';

/** What the writer needs to go on from where the disk stands. */
export interface ReadState {
  /** Undefined for a fresh store (no file at all). */
  entries: Map<string, unknown> | undefined;
  /** Generation of outbox.json when it was read whole; undefined when it is missing or damaged. */
  snapshotGeneration: number | undefined;
  /** Generation of outbox.json.prev when it had to be read whole. */
  prevGeneration: number | undefined;
  /** The journal that writes go to, its state and size. */
  generation: number;
  journal: JournalState;
  journalBytes: number;
  /** The next write must start a new generation (after a recovery, a torn tail or a migration). */
  mustCompact: boolean;
  /** outbox.json is there but unusable: set aside, never rotated into .prev. */
  mainDamaged: boolean;
  /** Journal generations seen on disk, for clean-up. */
  known: Set<number>;
  recoveries: Recovery[];
}

interface Follows {
  generation: number;
  offset: number;
}

type Snapshot =
  | { kind: 'missing' }
  | { kind: 'bad'; reason: string }
  | { kind: 'ok'; generation: number; follows: Follows | undefined; version: number; data: unknown };

interface Chain {
  /** The snapshot's document, in its own version, until a journal needs it as entries. */
  doc: unknown;
  entries: Map<string, unknown> | undefined;
  version: number;
  /** Journals from the snapshot's own generation on, applied in order. */
  applied: Array<{ generation: number; bytes: number; state: JournalState }>;
}

export async function readStore(ctx: ReadContext): Promise<ReadState> {
  const { paths } = ctx;
  const state: ReadState = {
    entries: undefined,
    snapshotGeneration: undefined,
    prevGeneration: undefined,
    generation: 0,
    journal: 'missing',
    journalBytes: 0,
    mustCompact: false,
    mainDamaged: false,
    known: new Set(),
    recoveries: [],
  };
  const main = await loadSnapshot(ctx, paths.snapshot);
  if (main.kind === 'ok') {
    state.snapshotGeneration = main.generation;
    return finish(ctx, state, main.generation, await chain(ctx, state, main));
  }
  state.mainDamaged = main.kind === 'bad';
  const prev = await loadSnapshot(ctx, paths.prev);
  const prevName = basename(paths.prev);
  if (prev.kind === 'ok') {
    state.prevGeneration = prev.generation;
    const why = main.kind === 'missing' ? 'file missing (a write was interrupted)' : main.reason;
    state.recoveries.push({ file: paths.snapshot, reason: `${why}; used ${prevName} and the journals after it` });
    state.mustCompact = true;
    return finish(ctx, state, prev.generation, await chain(ctx, state, prev));
  }
  // No snapshot can be read: only the journals from generation 0 on can stand in.
  const journals = await listJournals(ctx);
  for (const generation of journals) state.known.add(generation);
  const anyFile = main.kind === 'bad' || prev.kind === 'bad' || journals.length > 0;
  if (!anyFile) return state;
  const empty: Snapshot = { kind: 'ok', generation: 0, follows: undefined, version: ctx.version, data: undefined };
  const rebuilt = journals[0] === 0 ? await chain(ctx, state, empty) : undefined;
  const last = rebuilt?.applied.at(-1)?.generation;
  if (rebuilt && last === journals.at(-1)) {
    if (main.kind === 'bad' || prev.kind === 'bad') {
      const why = main.kind === 'bad' ? main.reason : 'file missing';
      state.recoveries.push({ file: paths.snapshot, reason: `${why}, ${prevName} unusable; rebuilt from journals 0 to ${last}` });
      state.mustCompact = true;
    }
    return finish(ctx, state, 0, rebuilt);
  }
  const mainState = main.kind === 'missing' ? 'is missing' : `is damaged (${main.reason})`;
  const prevState = prev.kind === 'missing' ? 'there is no previous generation' : `${prevName} is damaged too (${prev.reason})`;
  const journalState = journals.length ? `journals ${journals.join(', ')} do not start from an empty store` : 'no journal';
  throw new DamagedFileError(
    `${paths.snapshot} ${mainState}, ${prevState}, and ${journalState}; ` +
      'refusing to start from empty: restore the files from a backup, or remove them to start this store afresh',
  );
}

/** Applies the rest of the journal a snapshot follows, then the journals from its own generation on, while they exist. */
async function chain(ctx: ReadContext, state: ReadState, start: Snapshot & { kind: 'ok' }): Promise<Chain> {
  const result: Chain = { doc: start.data, entries: undefined, version: start.version, applied: [] };
  if (start.follows) await applyJournal(ctx, state, result, start.follows.generation, start.follows.offset);
  for (let generation = start.generation; ; generation++) {
    const applied = await applyJournal(ctx, state, result, generation, 0);
    if (!applied) break;
    result.applied.push({ generation, ...applied });
  }
  return result;
}

/** Replays one journal from `offset`; undefined when it does not exist or is not usable here. */
async function applyJournal(ctx: ReadContext, state: ReadState, chain: Chain, generation: number, offset: number) {
  const path = ctx.paths.journal(generation);
  const bytes = await readIfExists(ctx.fs, path);
  if (bytes === undefined) return undefined;
  state.known.add(generation);
  if (bytes.length < offset) {
    state.recoveries.push({ file: path, reason: `shorter (${bytes.length} bytes) than the ${offset} bytes a snapshot covers: ignored` });
    state.mustCompact = true;
    return undefined;
  }
  const scanned = scanJournal(bytes, offset);
  const header = scanned.header;
  if (header && (header.format !== ctx.format || header.generation !== generation || versionProblem(header.version))) {
    state.recoveries.push({ file: path, reason: `not the journal of ${ctx.format} generation ${generation}: ignored` });
    state.mustCompact = true;
    return undefined;
  }
  if (header) {
    refuseNewer(path, ctx, header.version);
    if (chain.doc === undefined && chain.entries === undefined) chain.version = header.version; // nothing to convert yet
    else if (header.version > chain.version) convert(ctx, path, chain, header.version);
    else if (header.version < chain.version) {
      // Journals are written by the software that wrote the snapshot before them, or a newer one.
      state.recoveries.push({ file: path, reason: `format ${header.version} after a snapshot of format ${chain.version}: ignored` });
      state.mustCompact = true;
      return undefined;
    }
  }
  for (const ops of scanned.records) apply(entriesOf(ctx, chain), ops);
  if (scanned.tornBytes > 0) {
    state.recoveries.push({ file: path, reason: `torn tail: ${scanned.tornBytes} bytes of a write interrupted before its fsync (never acknowledged) cut off` });
  }
  if (scanned.damagedLines > 0) {
    state.recoveries.push({ file: path, reason: `${scanned.damagedLines} damaged record(s) skipped, the records after them kept` });
  }
  if (scanned.tornBytes > 0 || scanned.damagedLines > 0) state.mustCompact = true;
  const journalState: JournalState = bytes.length === 0 || !header ? 'empty' : 'ok';
  return { bytes: bytes.length, state: journalState };
}

/** Brings the chain to the version of the next journal (or the current one) through the document migrations. */
function convert(ctx: ReadContext, path: string, chain: Chain, to: number): void {
  const doc = chain.entries ? ctx.codecFor(chain.version).document([...chain.entries]) : chain.doc;
  chain.doc = doc === undefined ? undefined : migrate(path, doc, chain.version, ctx, to);
  chain.entries = undefined;
  chain.version = to;
}

/** The chain as entries, split by the codec of its version (whose journals it is about to replay). */
function entriesOf(ctx: ReadContext, chain: Chain): Map<string, unknown> {
  chain.entries ??= new Map(chain.doc === undefined ? [] : ctx.codecFor(chain.version).entries(chain.doc));
  chain.doc = undefined;
  return chain.entries;
}

function apply(entries: Map<string, unknown>, ops: JournalOps): void {
  for (const key of ops.del) entries.delete(key);
  // Map keeps a replaced key in its place and puts a new one last, as the writer expects.
  for (const [key, value] of ops.put) entries.set(key, value);
}

function finish(ctx: ReadContext, state: ReadState, base: number, result: Chain): ReadState {
  if (result.version !== ctx.version) {
    convert(ctx, ctx.paths.snapshot, result, ctx.version);
    state.mustCompact = true; // journals are written in the current version only
  }
  state.entries = entriesOf(ctx, result);
  const last = result.applied.at(-1);
  state.generation = last?.generation ?? base;
  state.journal = last?.state ?? 'missing';
  state.journalBytes = last?.bytes ?? 0;
  // Writes go to the snapshot's own journal; more than that one means a compaction was cut short.
  if (result.applied.length > 1 || (last && last.generation !== base)) state.mustCompact = true;
  return state;
}

async function loadSnapshot(ctx: ReadContext, path: string): Promise<Snapshot> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readIfExists(ctx.fs, path);
  } catch (error) {
    return { kind: 'bad', reason: `unreadable (${errorCode(error) ?? String(error)})` };
  }
  const loaded = parseEnvelope(path, bytes, ctx);
  if (loaded.kind !== 'ok') return loaded;
  // Version 1 files came from the whole-file writer: no generation, no journal.
  const { generation = 0, follows } = loaded.envelope;
  if (typeof generation !== 'number' || !Number.isInteger(generation) || generation < 0) {
    return { kind: 'bad', reason: `invalid generation ${JSON.stringify(generation)}` };
  }
  if (follows !== undefined && !isFollows(follows)) return { kind: 'bad', reason: `invalid follows ${JSON.stringify(follows)}` };
  const problem = ctx.validate?.(migrate(path, loaded.data, loaded.version, { ...ctx, log: undefined }));
  if (problem) return { kind: 'bad', reason: problem };
  return { kind: 'ok', generation, follows, version: loaded.version, data: loaded.data };
}

function isFollows(value: unknown): value is Follows {
  const { generation, offset } = (value ?? {}) as Record<string, unknown>;
  return Number.isInteger(generation) && Number.isInteger(offset) && (offset as number) >= 0;
}

async function listJournals(ctx: ReadContext): Promise<number[]> {
  const prefix = `${ctx.paths.stem}.`;
  const out: number[] = [];
  for (const name of await listDir(ctx.paths.dir, ctx.fs)) {
    if (!name.startsWith(prefix) || !name.endsWith('.journal')) continue;
    const middle = name.slice(prefix.length, -'.journal'.length);
    if (/^\d+$/.test(middle)) out.push(Number(middle));
  }
  return out.sort((a, b) => a - b);
}
