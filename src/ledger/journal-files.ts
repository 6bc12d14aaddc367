// The file operations of a compaction, apart from the adapter's bookkeeping.
import type { Logger } from '../runtime/log.ts';
import { errorCode, unlinkIfExists, type FileHandleLike, type FileSystem } from './fs.ts';
import type { StorePaths } from './journal-paths.ts';

/**
 * Puts the written temp snapshot in place and creates the new, empty
 * journal beside it; one folder fsync makes both durable. Returns the new
 * journal, open for appending. On failure the old journal stays valid (its
 * snapshot is either still there or complete in the new file), so appends go
 * on there.
 */
export async function installSnapshot(fs: FileSystem, paths: StorePaths, options: { generation: number; header: Buffer; setAside: boolean }): Promise<FileHandleLike> {
  let handle: FileHandleLike | undefined;
  try {
    // The new journal needs no fsync of its own: an empty or headless journal
    // reads as empty, and its first record's fdatasync covers the header.
    handle = await fs.open(paths.journal(options.generation), 'truncate');
    await handle.write(options.header);
    // A damaged snapshot is set aside (kept for inspection) rather than
    // rotated into .prev, which holds the good generation it was recovered from.
    await renameIfExists(fs, paths.snapshot, options.setAside ? paths.corrupt : paths.prev);
    await fs.rename(paths.tmp, paths.snapshot);
    await fs.syncDir(paths.dir);
    return handle;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Removes the journals before `keepFrom` (those in `known`, and the two just
 * before it) and forgets them. Without a folder fsync: one that comes back
 * after a power cut is ignored, as no snapshot reads it.
 */
export async function dropJournals(fs: FileSystem, paths: StorePaths, known: Set<number>, keepFrom: number, log?: Logger): Promise<void> {
  const old = new Set([...known].filter((g) => g < keepFrom));
  for (let g = keepFrom - 2; g < keepFrom; g++) if (g >= 0) old.add(g);
  for (const generation of old) {
    try {
      await unlinkIfExists(fs, paths.journal(generation));
      known.delete(generation);
    } catch (err) {
      log?.warn({ err, file: paths.journal(generation) }, 'ledger: old journal not removed');
    }
  }
}

async function renameIfExists(fs: FileSystem, from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}
