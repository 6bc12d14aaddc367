// Supervisor / technician PIN checks with lockout: after `maxTries` wrong
// PINs in a row the role is locked for `lockoutMs`. Counts and the lock are
// in the ledger, so pulling the plug does not reset them.
import { verifyPin } from '../domain/pin.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { PinOutcome } from '../../screens/types.ts';
import type { Logger } from './log.ts';

export type PinRole = 'supervisor' | 'technician';

export interface PinGuardOptions {
  ledger: Ledger;
  hashes: () => Partial<Record<PinRole, string | undefined>>;
  maxTries: number;
  lockoutMs: number;
  now: () => number;
  logger: Logger;
  /** Told when a role gets locked (ops event `pin_lockout`). */
  onLockout?: (role: PinRole, until: number) => void;
}

export class PinGuard {
  readonly #o: PinGuardOptions;

  constructor(options: PinGuardOptions) {
    this.#o = options;
  }

  /** Epoch ms until which `role` is locked, if it is. */
  lockedUntil(role: PinRole): number | undefined {
    const until = this.#o.ledger.lockout(role).lockedUntil;
    const at = until ? Date.parse(until) : NaN;
    return at > this.#o.now() ? at : undefined;
  }

  async check(role: PinRole, pin: string): Promise<PinOutcome> {
    const hash = this.#o.hashes()[role];
    if (!hash) return { result: 'not_provisioned' };
    const locked = this.lockedUntil(role);
    if (locked) return { result: 'locked', lockedUntil: locked };
    const { ledger, maxTries, lockoutMs, now, logger } = this.#o;
    if (await verifyPin(pin, hash)) {
      if (ledger.lockout(role).failures > 0) await ledger.setLockout(role, { failures: 0 });
      return { result: 'ok' };
    }
    const failures = ledger.lockout(role).failures + 1;
    if (failures >= maxTries) {
      const until = now() + lockoutMs;
      await ledger.setLockout(role, { failures: 0, lockedUntil: new Date(until).toISOString() });
      logger.warn({ role, until: new Date(until).toISOString() }, 'PIN locked after too many wrong tries');
      this.#o.onLockout?.(role, until);
      return { result: 'locked', lockedUntil: until };
    }
    await ledger.setLockout(role, { failures });
    logger.info({ role, failures }, 'wrong PIN');
    return { result: 'wrong', triesLeft: maxTries - failures };
  }
}
