// state.json: small counters and PIN lockouts, rewritten whole on each change.
import type { Low } from 'lowdb';
import type { Logger } from '../runtime/log.ts';
import { commit, objectWith, openDoc } from './doc.ts';
import type { Recovery } from './durable-file.ts';

export const STATE_FORMAT = 'scanpos.state';
export const STATE_VERSION = 1;

/** Sale numbers printed on receipts run 1..999, then start again at 1. */
export const MAX_SALE_SEQUENCE = 999;

export interface Lockout {
  failures: number;
  lockedUntil?: string;
}

interface StateData {
  /** Last sale number handed out; 0 before the first. */
  saleSequence: number;
  lockouts: Record<string, Lockout>;
}

export interface TerminalStateOptions {
  file: string;
  log?: Logger;
  onRecover?: (recovery: Recovery) => void;
}

export class TerminalState {
  private constructor(
    private readonly db: Low<StateData>,
    readonly recovered: boolean,
  ) {}

  static async open(options: TerminalStateOptions): Promise<TerminalState> {
    const { db, recovered } = await openDoc<StateData>({
      file: options.file,
      format: STATE_FORMAT,
      version: STATE_VERSION,
      empty: () => ({ saleSequence: 0, lockouts: {} }),
      validate: (data) => objectWith(data, [], ['saleSequence', 'lockouts']),
      onRecover: options.onRecover,
      log: options.log,
    });
    return new TerminalState(db, recovered);
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
    // A cleared lockout is not stored, keeping the file as small as the roles in trouble.
    if (value.failures > 0 || value.lockedUntil) {
      entries.push([role, value.lockedUntil ? { failures: value.failures, lockedUntil: value.lockedUntil } : { failures: value.failures }]);
    }
    // fromEntries defines own properties, so even a role named __proto__ is stored as data.
    await commit(this.db, { ...this.db.data, lockouts: Object.fromEntries(entries) });
  }

  rewrite(): Promise<void> {
    return this.db.write();
  }
}
