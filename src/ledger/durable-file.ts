// A lowdb adapter that rewrites a whole JSON file per write, durably, and
// keeps one previous generation so that a damaged file can be recovered at
// boot. Fine for files written now and then (Z reports, the reference
// host's state); the documents written per transaction use the append-only
// JournalFile instead, whose snapshots are written the same way.
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
import { basename, dirname } from 'node:path';
import type { Adapter } from 'lowdb';
import { checkSpec, DamagedFileError, migrate, parseEnvelope, type FormatSpec, type Loaded, type Recovery } from './envelope.ts';
import { errorCode, nodeFileSystem, readIfExists, writeSynced, type FileSystem } from './fs.ts';
import { SerialQueue } from './serial.ts';

export { DamagedFileError, FormatTooNewError, type Migration, type Recovery } from './envelope.ts';
export { ensureDir, listDir } from './fs.ts';

export interface DurableJsonFileOptions extends FormatSpec {
  file: string;
  /** Returns why the (migrated) data is not usable, or undefined when it is. */
  validate?: (data: unknown) => string | undefined;
  /** Called when read() fell back to the previous generation. */
  onRecover?: (recovery: Recovery) => void;
  /** The disk; the real one unless a test or a benchmark puts another underneath. */
  fs?: FileSystem;
}

export class DurableJsonFile<T> implements Adapter<T> {
  readonly file: string;
  readonly prevFile: string;
  private readonly tmpFile: string;
  private readonly corruptFile: string;
  private readonly fs: FileSystem;
  private readonly queue = new SerialQueue();
  /** Set when the last read found the main file damaged: it must not become the previous generation. */
  private mainDamaged = false;

  constructor(private readonly options: DurableJsonFileOptions) {
    checkSpec(options);
    this.file = options.file;
    this.prevFile = `${options.file}.prev`;
    this.tmpFile = `${options.file}.tmp`;
    this.corruptFile = `${options.file}.corrupt`;
    this.fs = options.fs ?? nodeFileSystem;
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

  /** Reads, migrates and checks one generation. Only a newer version or a failed migration throws: those are not damage. */
  private async load(path: string): Promise<Loaded> {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await readIfExists(this.fs, path);
    } catch (error) {
      return { kind: 'bad', reason: `unreadable (${errorCode(error) ?? String(error)})` };
    }
    const loaded = parseEnvelope(path, bytes, this.options);
    if (loaded.kind !== 'ok') return loaded;
    const data = migrate(path, loaded.data, loaded.version, this.options);
    const problem = this.options.validate?.(data);
    if (problem) return { kind: 'bad', reason: problem };
    return { ...loaded, data };
  }

  private async writeNow(text: string): Promise<void> {
    await writeSynced(this.fs, this.tmpFile, Buffer.from(text, 'utf8'));
    // A damaged main file is set aside (kept for inspection) rather than
    // rotated into .prev, which holds the good generation it was recovered from.
    try {
      await this.fs.rename(this.file, this.mainDamaged ? this.corruptFile : this.prevFile);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    await this.fs.rename(this.tmpFile, this.file);
    this.mainDamaged = false;
    await this.fs.syncDir(dirname(this.file));
  }
}
