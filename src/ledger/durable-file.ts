// A lowdb adapter whose writes survive power loss, and which keeps one
// previous generation so that a damaged file can be recovered at boot.
//
// lowdb's stock TextFile adapter (steno) writes a temp file and renames it,
// but never fsyncs the data or the directory: after a power cut the rename can
// be on disk while the data is not, leaving an empty or truncated file. A
// terminal is unplugged without warning, so every write here is:
//   write <file>.tmp → fsync it → rename <file> → <file>.prev →
//   rename <file>.tmp → <file> → fsync the directory.
// Both renames are metadata operations that the filesystem journal (ext4,
// f2fs) commits in order, so one directory fsync at the end is enough; after a
// crash the folder holds either the old file, or the new file with the old
// one as .prev, or (between the two renames) only .prev — read() handles all.
//
// All file access of the ledger goes through this module, so a later
// append-only journal can replace whole-file rewrites in one place.
import { mkdir, open, readFile, readdir, rename } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Adapter } from 'lowdb';
import type { Logger } from '../runtime/log.ts';
import { SerialQueue } from './serial.ts';

/** Upgrades data of version N to version N + 1. Its input is the old shape, which current types no longer describe. */
export type Migration = (data: any) => unknown;

/** A damaged or missing file that was replaced by its previous generation. */
export interface Recovery {
  file: string;
  reason: string;
}

export interface DurableJsonFileOptions {
  file: string;
  /** Name stored in the envelope, so a file is never read as something else. */
  format: string;
  /** Version this software writes (an integer ≥ 1). */
  version: number;
  /** `migrations[n]` turns version n into version n + 1. */
  migrations?: Readonly<Record<number, Migration>>;
  /** Returns why the (migrated) data is not usable, or undefined when it is. */
  validate?: (data: unknown) => string | undefined;
  /** Called when read() fell back to the previous generation. */
  onRecover?: (recovery: Recovery) => void;
  log?: Logger;
}

/** The file was written by newer software; starting over it would destroy its data. */
export class FormatTooNewError extends Error {
  override readonly name = 'FormatTooNewError';
}

/** Neither the file nor its previous generation can be used. */
export class DamagedFileError extends Error {
  override readonly name = 'DamagedFileError';
}

type Loaded = { kind: 'missing' } | { kind: 'bad'; reason: string } | { kind: 'ok'; data: unknown };

export class DurableJsonFile<T> implements Adapter<T> {
  readonly file: string;
  readonly prevFile: string;
  private readonly tmpFile: string;
  private readonly corruptFile: string;
  private readonly queue = new SerialQueue();
  /** Set when the last read found the main file damaged: it must not become the previous generation. */
  private mainDamaged = false;

  constructor(private readonly options: DurableJsonFileOptions) {
    if (!Number.isInteger(options.version) || options.version < 1) {
      throw new Error(`${options.format}: version must be an integer ≥ 1, got ${options.version}`);
    }
    this.file = options.file;
    this.prevFile = `${options.file}.prev`;
    this.tmpFile = `${options.file}.tmp`;
    this.corruptFile = `${options.file}.corrupt`;
  }

  /** Null for a fresh terminal (no file, no previous generation). Queued behind writes in progress. */
  read(): Promise<T | null> {
    return this.queue.run(() => this.readNow());
  }

  write(data: T): Promise<void> {
    // Serialise now: lowdb hands over its live object, and a change made while
    // an earlier write is still in progress must not leak into this generation.
    const text = `${JSON.stringify({ format: this.options.format, version: this.options.version, data })}\n`;
    return this.queue.run(() => this.writeNow(text));
  }

  /** Resolves when every read and write requested so far has finished. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async readNow(): Promise<T | null> {
    const main = await this.load(this.file);
    if (main.kind === 'ok') {
      this.mainDamaged = false;
      return main.data as T;
    }
    const prev = await this.load(this.prevFile);
    const prevName = basename(this.prevFile);
    if (main.kind === 'missing') {
      if (prev.kind === 'missing') return null;
      if (prev.kind === 'ok') {
        this.recovered(`file missing (a write was interrupted); used ${prevName}`);
        return prev.data as T;
      }
      throw new DamagedFileError(
        `${this.file} is missing and its previous generation ${prevName} is damaged (${prev.reason}); ` +
          'refusing to start from empty: restore the file from a backup, or remove both to start this store afresh',
      );
    }
    if (prev.kind === 'ok') {
      this.mainDamaged = true;
      this.recovered(`${main.reason}; used ${prevName}`);
      return prev.data as T;
    }
    const prevState = prev.kind === 'missing' ? 'there is no previous generation' : `${prevName} is damaged too (${prev.reason})`;
    throw new DamagedFileError(
      `${this.file} is damaged (${main.reason}) and ${prevState}; ` +
        'refusing to start from empty: restore the file from a backup, or remove it to start this store afresh',
    );
  }

  private recovered(reason: string): void {
    const recovery = { file: this.file, reason };
    this.options.log?.warn(recovery, 'ledger file recovered from its previous generation');
    this.options.onRecover?.(recovery);
  }

  /** Reads and checks one generation. Only a newer version or a failed migration throws: those are not damage. */
  private async load(path: string): Promise<Loaded> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { kind: 'missing' };
      return { kind: 'bad', reason: `unreadable (${code ?? String(error)})` };
    }
    if (text.trim() === '') return { kind: 'bad', reason: 'empty file' };
    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch (error) {
      return { kind: 'bad', reason: `not valid JSON, truncated or corrupt (${(error as Error).message})` };
    }
    const { format, version: expected } = this.options;
    if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
      return { kind: 'bad', reason: 'not a scanpos data file (no envelope)' };
    }
    const { format: found, version, data } = envelope as Record<string, unknown>;
    if (found !== format) return { kind: 'bad', reason: `format is ${JSON.stringify(found)}, expected "${format}"` };
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      return { kind: 'bad', reason: `invalid format version ${JSON.stringify(version)}` };
    }
    if (data === undefined || data === null) return { kind: 'bad', reason: 'envelope has no data' };
    if (version > expected) {
      throw new FormatTooNewError(
        `${path} is ${format} format ${version}, this software understands up to ${expected}; update scanpos`,
      );
    }
    const migrated = version < expected ? this.migrate(path, data, version) : data;
    const problem = this.options.validate?.(migrated);
    if (problem) return { kind: 'bad', reason: problem };
    return { kind: 'ok', data: migrated };
  }

  private migrate(path: string, data: unknown, from: number): unknown {
    let current = data;
    for (let version = from; version < this.options.version; version++) {
      const step = this.options.migrations?.[version];
      if (!step) throw new Error(`${path} is ${this.options.format} format ${version} and no migration to ${version + 1} exists`);
      try {
        current = step(current);
      } catch (error) {
        throw new Error(`${path}: migrating ${this.options.format} from format ${version} to ${version + 1} failed: ${(error as Error).message}`, { cause: error });
      }
    }
    this.options.log?.info({ file: path, from, to: this.options.version }, 'ledger file migrated');
    return current;
  }

  private async writeNow(text: string): Promise<void> {
    const handle = await open(this.tmpFile, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // A damaged main file is set aside (kept for inspection) rather than
    // rotated into .prev, which holds the good generation it was recovered from.
    try {
      await rename(this.file, this.mainDamaged ? this.corruptFile : this.prevFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await rename(this.tmpFile, this.file);
    this.mainDamaged = false;
    await syncDir(dirname(this.file));
  }
}

/** Makes renames and new entries in `dir` durable. */
async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; a terminal runs Linux, this keeps development machines working.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates a folder (and its parents) for data files, made durable in its parent. */
export async function ensureDir(dir: string): Promise<void> {
  const target = resolve(dir);
  const created = await mkdir(target, { recursive: true });
  if (created === undefined) return;
  // Each new folder's entry lives in its parent: sync the parents from `target` up to the first one created.
  for (let path = target; ; path = dirname(path)) {
    await syncDir(dirname(path));
    if (path === created || dirname(path) === path) return;
  }
}

/** Names in a folder; an absent folder is an empty one. */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
