// What a terminal watches while it runs, once a minute: the age of its
// queue (ops are alerted past `offline.alertAfterMs`), free space (below
// `storage.minFreeBytes` the merchant is warned and offline refunds are
// refused first), and settled history past `storage.keepDays` (pruned daily).
import type { Config } from '../../config/schema.ts';
import type { Link } from '../../hal/network/types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './log.ts';

export interface HousekeepingOptions {
  config: Config;
  ledger: Ledger;
  link: Link;
  clock: Clock;
  logger: Logger;
  /** Free space crossed the threshold (true: now low). */
  onStorageLow?: (low: boolean) => void;
}

const DAY_MS = 86_400_000;

export class Housekeeping {
  readonly #o: HousekeepingOptions;
  #storageLow = false;
  #alertedFor: string | undefined;
  #lastPrune = -Infinity;
  #stop: (() => void) | undefined;

  constructor(options: HousekeepingOptions) {
    this.#o = options;
  }

  /** False until the first check says otherwise. */
  storageLow(): boolean {
    return this.#storageLow;
  }

  async start(): Promise<void> {
    await this.check();
    this.#stop = this.#o.clock.every(60_000, () => void this.check());
  }

  stop(): void {
    this.#stop?.();
  }

  async check(): Promise<void> {
    await Promise.all([this.#checkSpace(), this.#checkQueueAge(), this.#prune()]);
  }

  async #checkSpace(): Promise<void> {
    const { ledger, config, logger } = this.#o;
    let free: number;
    try {
      free = await ledger.freeBytes();
    } catch (err) {
      logger.warn({ err }, 'free space unknown');
      return;
    }
    const low = free < config.storage.minFreeBytes;
    if (low === this.#storageLow) return;
    this.#storageLow = low;
    logger[low ? 'warn' : 'info']({ free, min: config.storage.minFreeBytes }, low ? 'storage almost full: offline refunds refused' : 'storage space back to normal');
    this.#o.onStorageLow?.(low);
  }

  /** One `queue_too_old` event per oldest transaction, not one a minute. */
  async #checkQueueAge(): Promise<void> {
    const { ledger, config, clock, link, logger } = this.#o;
    const oldest = ledger.outbox()[0];
    if (!oldest) return;
    const age = clock.now() - Date.parse(oldest.txn.createdAt);
    if (age <= config.offline.alertAfterMs || this.#alertedFor === oldest.txn.id) return;
    const sent = await link.publish('events', {
      type: 'queue_too_old',
      at: new Date(clock.now()).toISOString(),
      oldestAt: oldest.txn.createdAt,
      ageMs: age,
      pending: ledger.outbox().length,
    });
    if (sent) this.#alertedFor = oldest.txn.id;
    logger.warn({ oldestAt: oldest.txn.createdAt, ageMs: age }, 'queue older than the alert age');
  }

  async #prune(): Promise<void> {
    const { ledger, config, clock, logger } = this.#o;
    if (clock.now() - this.#lastPrune < DAY_MS) return;
    this.#lastPrune = clock.now();
    try {
      const { removed } = await ledger.prune({ keepDays: config.storage.keepDays, now: new Date(clock.now()) });
      if (removed.length) logger.info({ removed }, 'settled history pruned');
    } catch (err) {
      logger.warn({ err }, 'pruning failed');
    }
  }
}
