// A file system in memory that forgets, at a power cut, what was not made
// durable — the model the ledger's durability is argued against:
// - a file's bytes survive up to its last sync; bytes written after it are
//   lost, or kept up to a random byte, or (size updated, data not) zeros;
// - a folder's entries (new files, renames, removals) survive up to its last
//   syncDir; the operations after it are kept as a random subset, in order
//   (ext4 commits them in order; a subset is the harsher assumption);
// - folders themselves are created durable at once (the ledger's are made
//   at open, before anything it acknowledges).
// After the cut every call fails, as the process would be gone.
import { dirname, basename } from 'node:path';
import type { FileHandleLike, FileSystem } from '../../src/ledger/fs.ts';

// The seeded generator the crash harness uses too: one mulberry32 in the project.
import { seeded, type Random } from '../../scripts/crash/random.ts';

export { seeded, type Random };

/** What survives a cut: folder → file name → bytes. */
export type Image = Map<string, Map<string, Buffer>>;

interface Inode {
  data: Buffer;
  /** The bytes as of the last sync. */
  synced: Buffer;
}

type DirOp = { kind: 'link'; name: string; inode: Inode } | { kind: 'unlink'; name: string } | { kind: 'rename'; from: string; to: string };

interface Dir {
  live: Map<string, Inode>;
  durable: Map<string, Inode>;
  /** Operations since the last syncDir, in order. */
  pending: DirOp[];
}

const fail = (code: string, message: string): Error => Object.assign(new Error(`${code}: ${message}`), { code });

export class PowerFs implements FileSystem {
  readonly counts = { syncs: 0, dirSyncs: 0, bytesWritten: 0, calls: 0, renames: 0 };
  dead = false;
  free = 10 * 1024 * 1024 * 1024;
  private readonly dirs = new Map<string, Dir>();
  private cutAt = Infinity;

  constructor(image: Image = new Map()) {
    for (const [path, files] of image) {
      const inodes = new Map([...files].map(([name, bytes]) => [name, { data: bytes, synced: bytes }] as const));
      this.dirs.set(path, { live: inodes, durable: new Map(inodes), pending: [] });
    }
    if (!this.dirs.has('/')) this.dirs.set('/', { live: new Map(), durable: new Map(), pending: [] });
  }

  /** The power goes after `calls` more calls (that call fails, and every one after it). */
  armCut(calls: number): void {
    this.cutAt = this.counts.calls + calls;
  }

  /** What a reboot finds. */
  crash(rng: Random): Image {
    this.dead = true;
    const image: Image = new Map();
    const contents = new Map<Inode, Buffer>();
    for (const [path, dir] of this.dirs) {
      const entries = new Map(dir.durable);
      const subset = rng.chance(0.5);
      const prefix = rng.int(0, dir.pending.length);
      dir.pending.forEach((op, index) => {
        if (subset ? !rng.chance(0.5) : index >= prefix) return;
        if (op.kind === 'link') entries.set(op.name, op.inode);
        else if (op.kind === 'unlink') entries.delete(op.name);
        else {
          const inode = entries.get(op.from);
          if (!inode) return;
          entries.delete(op.from);
          entries.set(op.to, inode);
        }
      });
      const files = new Map<string, Buffer>();
      for (const [name, inode] of entries) {
        if (!contents.has(inode)) contents.set(inode, survivingBytes(inode, rng));
        files.set(name, contents.get(inode)!);
      }
      image.set(path, files);
    }
    return image;
  }

  /** The live bytes of a file (for tests that look inside). */
  peek(path: string): Buffer | undefined {
    return this.dirs.get(dirname(path))?.live.get(basename(path))?.data;
  }

  async open(path: string, mode: 'append' | 'truncate'): Promise<FileHandleLike> {
    this.tick();
    const dir = this.dir(path);
    const name = basename(path);
    let inode = dir.live.get(name);
    if (!inode) {
      inode = { data: Buffer.alloc(0), synced: Buffer.alloc(0) };
      dir.live.set(name, inode);
      dir.pending.push({ kind: 'link', name, inode });
    } else if (mode === 'truncate') {
      inode.data = Buffer.alloc(0);
    }
    const file = inode;
    let closed = false;
    const open = () => {
      if (closed) throw fail('EBADF', `${path} is closed`);
    };
    return {
      write: async (data) => {
        this.tick();
        open();
        file.data = Buffer.concat([file.data, data]);
        this.counts.bytesWritten += data.length;
      },
      sync: async () => {
        this.tick();
        open();
        file.synced = file.data;
        this.counts.syncs++;
        // Let timers and other callers run in between, as a real fsync would.
        await new Promise((resolve) => setImmediate(resolve));
      },
      close: async () => {
        closed = true;
      },
    };
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.tick();
    const inode = this.dir(path).live.get(basename(path));
    if (!inode) throw fail('ENOENT', `no such file ${path}`);
    return Buffer.from(inode.data);
  }

  async rename(from: string, to: string): Promise<void> {
    this.tick();
    if (dirname(from) !== dirname(to)) throw new Error('the ledger renames within one folder only');
    const dir = this.dir(from);
    const inode = dir.live.get(basename(from));
    if (!inode) throw fail('ENOENT', `no such file ${from}`);
    dir.live.delete(basename(from));
    dir.live.set(basename(to), inode);
    dir.pending.push({ kind: 'rename', from: basename(from), to: basename(to) });
    this.counts.renames++;
  }

  async unlink(path: string): Promise<void> {
    this.tick();
    const dir = this.dir(path);
    if (!dir.live.delete(basename(path))) throw fail('ENOENT', `no such file ${path}`);
    dir.pending.push({ kind: 'unlink', name: basename(path) });
  }

  async mkdir(path: string): Promise<string | undefined> {
    this.tick();
    let first: string | undefined;
    const chain: string[] = [];
    for (let p = path; !this.dirs.has(p) && dirname(p) !== p; p = dirname(p)) chain.unshift(p);
    for (const p of chain) {
      this.dirs.set(p, { live: new Map(), durable: new Map(), pending: [] });
      first ??= p;
    }
    return first;
  }

  async readdir(path: string): Promise<string[]> {
    this.tick();
    const dir = this.dirs.get(path);
    if (!dir) throw fail('ENOENT', `no such folder ${path}`);
    return [...dir.live.keys()];
  }

  async syncDir(path: string): Promise<void> {
    this.tick();
    const dir = this.dirs.get(path);
    if (!dir) throw fail('ENOENT', `no such folder ${path}`);
    dir.durable = new Map(dir.live);
    dir.pending = [];
    this.counts.dirSyncs++;
  }

  async freeBytes(_path: string): Promise<number> {
    this.tick();
    return this.free;
  }

  private tick(): void {
    this.counts.calls++;
    if (this.counts.calls >= this.cutAt) this.dead = true;
    if (this.dead) throw fail('EIO', 'power cut');
  }

  private dir(path: string): Dir {
    const dir = this.dirs.get(dirname(path));
    if (!dir) throw fail('ENOENT', `no such folder ${dirname(path)}`);
    return dir;
  }
}

/** A file's bytes after the cut: what was synced, then maybe part of what was not. */
function survivingBytes(inode: Inode, rng: Random): Buffer {
  const { data, synced } = inode;
  if (data === synced) return synced;
  const extends_ = data.length >= synced.length && data.subarray(0, synced.length).equals(synced);
  // Truncated (and maybe rewritten) since the last sync: the truncation may or may not have reached the disk.
  const base = extends_ ? synced : rng.chance(0.5) ? synced : Buffer.alloc(0);
  const unsynced = extends_ ? data.subarray(synced.length) : base === synced ? Buffer.alloc(0) : data;
  const kept = rng.int(0, unsynced.length);
  const tail = rng.chance(0.2) ? Buffer.alloc(kept) : unsynced.subarray(0, kept);
  return Buffer.concat([base, tail]);
}
