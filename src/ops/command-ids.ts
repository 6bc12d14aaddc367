// Command ids seen, durably: an id is never carried out twice, even across a
// power cut (the id is written before the command runs). Ids older than the
// age limit would be refused anyway, so they are kept only a day — long
// enough to outlast any correction of a board clock that started wrong —
// and beyond MAX_IDS the oldest are let go, so the file stays small on a
// terminal that runs for years; but never an id that could still be accepted
// (seen within the last MAX_COMMAND_AGE_MS + FUTURE_ALLOWANCE_MS): a burst
// of commands must not make room for one of them to be replayed.
import type { Low } from 'lowdb';
import { openJsonStore } from '../ledger/json-store.ts';
import type { Logger } from '../runtime/log.ts';
import { FUTURE_ALLOWANCE_MS, MAX_COMMAND_AGE_MS } from './commands.ts';

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
/** How long after it was seen an id could still come back inside the acceptance window. */
const ACCEPTABLE_MS = MAX_COMMAND_AGE_MS + FUTURE_ALLOWANCE_MS;

export class CommandIds {
  private constructor(
    private readonly db: Low<CommandIdsData>,
    private readonly maxIds: number,
  ) {}

  /** `maxIds`: how many ids are kept when old ones can go (default 5000; tests make it small). */
  static async open(options: { dir: string; log?: Logger; maxIds?: number }): Promise<CommandIds> {
    const db = await openJsonStore<CommandIdsData>({
      dir: options.dir,
      name: 'ops-commands',
      empty: { seen: [] },
      validate: (d) => (Array.isArray((d as CommandIdsData)?.seen) ? undefined : 'no list of command ids'),
      log: options.log,
    });
    return new CommandIds(db, options.maxIds ?? MAX_IDS);
  }

  has(id: string): boolean {
    return this.db.data.seen.some((s) => s.id === id);
  }

  /** Remembers `id` durably; resolves once it is on disk. */
  async add(id: string, now: number): Promise<void> {
    const kept = this.db.data.seen.filter((s) => now - s.at < KEEP_MS);
    kept.push({ id, at: now });
    let excess = kept.length - this.maxIds;
    this.db.data.seen = kept.filter((s) => {
      if (excess <= 0 || now - s.at < ACCEPTABLE_MS) return true;
      excess--;
      return false;
    });
    await this.db.write();
  }
}
