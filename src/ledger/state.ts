// state: small counters — the sale sequence, the settlement batch — and PIN
// lockouts; one journal entry each, so a change writes only itself.
import type { Low } from 'lowdb';
import { commit, FROM_WHOLE_FILE, objectWith, openDoc, type StoreContext } from './doc.ts';
import type { JournalCodec, JournalFile } from './journal-file.ts';

export const STATE_FORMAT = 'scanpos.state';
export const STATE_VERSION = 2;

/** Sale numbers printed on receipts run 1..999, then start again at 1. */
export const MAX_SALE_SEQUENCE = 999;

export interface Lockout {
  failures: number;
  lockedUntil?: string;
}

/** The settlement batch open now: what the next Z report closes. */
export interface Batch {
  number: number;
  openedAt: string;
}

interface StateData {
  /** Last sale number handed out; 0 before the first. */
  saleSequence: number;
  lockouts: Record<string, Lockout>;
  /** Absent only before the ledger's first open by software that knows batches. */
  batch?: Batch;
}

const LOCKOUT = 'lockout:';

const codec: JournalCodec<StateData> = {
  entries: (data) => [
    ['saleSequence', data.saleSequence] as const,
    ...(data.batch ? [['batch', data.batch] as const] : []),
    ...Object.entries(data.lockouts).map(([role, value]) => [`${LOCKOUT}${role}`, value] as const),
  ],
  document: (entries) => {
    const data: StateData = { saleSequence: 0, lockouts: {} };
    const lockouts: Array<[string, Lockout]> = [];
    for (const [key, value] of entries) {
      if (key === 'saleSequence') data.saleSequence = value as number;
      else if (key === 'batch') data.batch = value as Batch;
      else if (key.startsWith(LOCKOUT)) lockouts.push([key.slice(LOCKOUT.length), value as Lockout]);
    }
    // fromEntries defines own properties, so even a role named __proto__ is stored as data.
    data.lockouts = Object.fromEntries(lockouts);
    return data;
  },
};

export class TerminalState {
  private constructor(
    private readonly db: Low<StateData>,
    private readonly adapter: JournalFile<StateData>,
    readonly recovered: boolean,
  ) {}

  static async open(options: StoreContext & { file: string }): Promise<TerminalState> {
    const { db, adapter, recovered } = await openDoc<StateData>({
      ...options,
      format: STATE_FORMAT,
      version: STATE_VERSION,
      codec,
      migrations: FROM_WHOLE_FILE,
      empty: () => ({ saleSequence: 0, lockouts: {} }),
      validate: (data) => objectWith(data, [], ['saleSequence', 'lockouts']),
    });
    return new TerminalState(db, adapter, recovered);
  }

  async nextSaleSequence(): Promise<number> {
    const last = this.db.data.saleSequence;
    const next = Number.isInteger(last) && last >= 1 && last < MAX_SALE_SEQUENCE ? last + 1 : 1;
    await commit(this.db, { ...this.db.data, saleSequence: next });
    return next;
  }

  lockout(role: string): Lockout {
    // hasOwn: a role named like an Object.prototype member must not read that member.
    const value = Object.hasOwn(this.db.data.lockouts, role) ? this.db.data.lockouts[role] : undefined;
    return value ? { ...value } : { failures: 0 };
  }

  async setLockout(role: string, value: Lockout): Promise<void> {
    if (!Number.isInteger(value.failures) || value.failures < 0) throw new Error(`lockout failures must be a whole number ≥ 0, got ${value.failures}`);
    const entries = Object.entries(this.db.data.lockouts).filter(([name]) => name !== role);
    // A cleared lockout is not stored, keeping the store as small as the roles in trouble.
    if (value.failures > 0 || value.lockedUntil) {
      entries.push([role, value.lockedUntil ? { failures: value.failures, lockedUntil: value.lockedUntil } : { failures: value.failures }]);
    }
    await commit(this.db, { ...this.db.data, lockouts: Object.fromEntries(entries) });
  }

  batch(): Batch | undefined {
    const batch = this.db.data.batch;
    return batch && { ...batch };
  }

  /** Opens the first batch of a ledger that has none (a new one, or one from before batches). */
  async openFirstBatch(openedAt: string): Promise<void> {
    if (this.db.data.batch) return;
    await commit(this.db, { ...this.db.data, batch: { number: 1, openedAt } });
  }

  /** Closes the open batch and opens the next one at the same instant. */
  async closeBatch(closedAt: string): Promise<Batch & { closedAt: string }> {
    const open = this.db.data.batch;
    if (!open) throw new Error('no settlement batch is open');
    await commit(this.db, { ...this.db.data, batch: { number: open.number + 1, openedAt: closedAt } });
    return { ...open, closedAt };
  }

  rewrite(): Promise<void> {
    return this.adapter.compact();
  }

  close(): Promise<void> {
    return this.adapter.close();
  }
}
