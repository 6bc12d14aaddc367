// Command ids seen, durably: an id is never carried out twice, even across a
// power cut (the id is written before the command runs). Ids older than the
// age limit would be refused anyway, so they are kept only a day — long
// enough to outlast any correction of a board clock that started wrong —
// and at most MAX_IDS, so the file stays small on a terminal that runs for years.
import type { Low } from 'lowdb';
import { openJsonStore } from '../ledger/json-store.ts';
import type { Logger } from '../runtime/log.ts';

interface SeenId {
  id: string;
  /** When it was seen, on the terminal's host-checked clock (epoch ms). */
  at: number;
}

interface CommandIdsData {
  seen: SeenId[];
}

const KEEP_MS = 24 * 60 * 60 * 1000;
const MAX_IDS = 5000;

export class CommandIds {
  private constructor(private readonly db: Low<CommandIdsData>) {}

  static async open(options: { dir: string; log?: Logger }): Promise<CommandIds> {
    const db = await openJsonStore<CommandIdsData>({
      dir: options.dir,
      name: 'ops-commands',
      empty: { seen: [] },
      validate: (d) => (Array.isArray((d as CommandIdsData)?.seen) ? undefined : 'no list of command ids'),
      log: options.log,
    });
    return new CommandIds(db);
  }

  has(id: string): boolean {
    return this.db.data.seen.some((s) => s.id === id);
  }

  /** Remembers `id` durably; resolves once it is on disk. */
  async add(id: string, now: number): Promise<void> {
    const kept = this.db.data.seen.filter((s) => now - s.at < KEEP_MS);
    kept.push({ id, at: now });
    this.db.data.seen = kept.slice(-MAX_IDS);
    await this.db.write();
  }
}
