// The config pushed by ops, durably (one small file in the storage folder,
// written through DurableJsonFile: temp file, fsync, rename, folder fsync).
// One file holds the applied and the pending config so that applying is one
// atomic write: after a power cut the terminal finds the push either still
// pending (and applies it once at the next start) or applied, never both.
// A push of settings read only at start is not applied at once but put on
// trial: the terminal restarts with it, and it becomes the applied one only
// once that start has completed (see bootConfig in start.ts).
import type { Low } from 'lowdb';
import { openJsonStore } from '../ledger/json-store.ts';
import type { Logger } from '../runtime/log.ts';

type Json = Record<string, unknown>;

export interface StoredPush {
  version: number;
  /**
   * sha256 of the signed payload as JSON text again after parsing (the same
   * signed bytes always give the same text): the same envelope delivered
   * again is recognised.
   */
  digest: string;
}

export interface AppliedConfig extends StoredPush {
  /** Every applied patch merged, in order: what is layered over the local file at boot. */
  patch: Json;
  at: string;
}

export interface PendingConfig extends StoredPush {
  /** This push's patch, with any older push it replaced while waiting (merged over the applied one when it is applied). */
  patch: Json;
  receivedAt: string;
}

export interface TrialConfig extends StoredPush {
  /** Every applied patch with this push merged over them: what the trial start is layered with. */
  patch: Json;
  /**
   * Set, durably, by the start that tries it. Found still set at the next
   * start, that start never completed (a device that cannot be opened, a
   * crash): the terminal starts on the applied config and rolls the push back.
   */
  started: boolean;
  /** Why the trial start failed, when it could say so before it ended. */
  failure?: string;
}

/** Why a push was rolled back: its broker settings did not connect, or the terminal could not start with it. */
export type RollbackReason = 'broker_unreachable' | 'start_failed';

export interface RolledBackConfig extends StoredPush {
  /** Absent in files written before there was more than one reason: `broker_unreachable`. */
  reason?: RollbackReason;
  detail?: string;
}

export interface OpsConfigData {
  applied: AppliedConfig | null;
  pending: PendingConfig | null;
  /** A push of settings read at start, waiting for the restart that tries it. */
  trial: TrialConfig | null;
  /** The last push rolled back: its envelope, delivered again, is not retried. */
  rolledBack: RolledBackConfig | null;
}

const EMPTY: OpsConfigData = { applied: null, pending: null, trial: null, rolledBack: null };

export class OpsConfigStore {
  private constructor(private readonly db: Low<OpsConfigData>) {}

  static async open(options: { dir: string; log?: Logger }): Promise<OpsConfigStore> {
    const db = await openJsonStore<OpsConfigData>({
      dir: options.dir,
      name: 'ops-config',
      empty: structuredClone(EMPTY),
      validate: (d) => (typeof d === 'object' && d !== null && 'applied' in d && 'pending' in d ? undefined : 'not an ops config file'),
      log: options.log,
    });
    db.data = { ...structuredClone(EMPTY), ...db.data };
    return new OpsConfigStore(db);
  }

  get data(): Readonly<OpsConfigData> {
    return this.db.data;
  }

  /** Replaces what is stored (one durable write); resolves once it is on disk. */
  async write(next: OpsConfigData): Promise<void> {
    this.db.data = structuredClone(next);
    await this.db.write();
  }
}
