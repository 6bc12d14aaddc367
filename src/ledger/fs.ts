// The only way the ledger touches the disk. Everything that matters for
// durability is an explicit call here — a data sync, a directory sync — so a
// test can put a file system underneath that forgets, at a simulated power
// cut, whatever was not synced, and a benchmark can count the syncs.
import { mkdir, open, readFile, readdir, rename, statfs, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** An open file. Writes go at the end (append mode) or one after another (truncate mode). */
export interface FileHandleLike {
  write(data: Uint8Array): Promise<void>;
  /**
   * Makes the data written so far durable, with the file size (fdatasync):
   * what a reader needs after a power cut. The file's entry in its folder is
   * not covered: a new or renamed file also needs `syncDir`.
   */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface FileSystem {
  /** `append` creates the file when absent; `truncate` creates or empties it. */
  open(path: string, mode: 'append' | 'truncate'): Promise<FileHandleLike>;
  /** Rejects with `code: 'ENOENT'` when the file does not exist. */
  readFile(path: string): Promise<Uint8Array>;
  /** Atomic replace within one folder; durable after `syncDir` of that folder. */
  rename(from: string, to: string): Promise<void>;
  /** Rejects with `code: 'ENOENT'` when the file does not exist. */
  unlink(path: string): Promise<void>;
  /** Recursive; returns the first folder it created, or undefined when all existed. */
  mkdir(path: string): Promise<string | undefined>;
  /** Rejects with `code: 'ENOENT'` when the folder does not exist. */
  readdir(path: string): Promise<string[]>;
  /** Makes the folder's entries (new files, renames, removals) durable. */
  syncDir(path: string): Promise<void>;
  /** Bytes an unprivileged process can still write on the folder's file system. */
  freeBytes(path: string): Promise<number>;
}

export const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/** The real disk. */
export const nodeFileSystem: FileSystem = {
  async open(path, mode) {
    const handle = await open(path, mode === 'append' ? 'a' : 'w');
    return {
      write: async (data) => {
        // FileHandle.write may write less than asked; loop until all is out.
        for (let offset = 0; offset < data.length; ) {
          const { bytesWritten } = await handle.write(data, offset, data.length - offset);
          offset += bytesWritten;
        }
      },
      sync: () => handle.datasync(),
      close: () => handle.close(),
    };
  },
  readFile: (path) => readFile(path),
  rename: (from, to) => rename(from, to),
  unlink: (path) => unlink(path),
  mkdir: (path) => mkdir(path, { recursive: true }),
  readdir: (path) => readdir(path),
  async syncDir(path) {
    // Windows cannot open a folder for fsync; a terminal runs Linux, this keeps development machines working.
    if (process.platform === 'win32') return;
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async freeBytes(path) {
    const stats = await statfs(path);
    return stats.bavail * stats.bsize;
  },
};

/** Writes a whole file and makes its data durable (its folder entry is the caller's business). */
export async function writeSynced(fs: FileSystem, path: string, data: Uint8Array): Promise<void> {
  const handle = await fs.open(path, 'truncate');
  try {
    await handle.write(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The file's bytes, or undefined when it does not exist. */
export async function readIfExists(fs: FileSystem, path: string): Promise<Uint8Array | undefined> {
  try {
    return await fs.readFile(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Removes a file; one that is already gone is not an error. */
export async function unlinkIfExists(fs: FileSystem, path: string): Promise<boolean> {
  try {
    await fs.unlink(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/** Creates a folder (and its parents) for data files, made durable in its parent. */
export async function ensureDir(dir: string, fs: FileSystem = nodeFileSystem): Promise<void> {
  const target = resolve(dir);
  const created = await fs.mkdir(target);
  if (created === undefined) return;
  // Each new folder's entry lives in its parent: sync the parents from `target` up to the first one created.
  for (let path = target; ; path = dirname(path)) {
    await fs.syncDir(dirname(path));
    if (path === resolve(created) || dirname(path) === path) return;
  }
}

/** Names in a folder; an absent folder is an empty one. */
export async function listDir(dir: string, fs: FileSystem = nodeFileSystem): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}
