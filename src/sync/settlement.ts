// X and Z reports. X: the current batch's totals so far. Z: the same, then
// reconciled with the host's `settlement.totals` for the same span, stored
// with its batch number and the batch closed — before it is printed or shown
// — and published on `events` as `settlement`. Z reports run one at a time
// (the screen's and ops' `settle` may ask at once): each closes the batch it
// worked out, never one opened since.
import type { Config } from '../../config/schema.ts';
import type { Link } from '../../hal/network/types.ts';
import { queuedItems, reconcile, totals, type SettlementReport } from '../domain/settlement.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { SerialQueue } from '../ledger/serial.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Logger } from '../runtime/log.ts';
import type { HostClient } from './host-client.ts';

export interface SettlementOptions {
  config: Config;
  ledger: Ledger;
  host: HostClient;
  link: Link;
  clock: Clock;
  logger: Logger;
}

export type ZOutcome = { ok: true; report: SettlementReport } | { ok: false; reason: 'needs_network' | 'storage' };

export class Settlement {
  readonly #o: SettlementOptions;
  readonly #zQueue = new SerialQueue();

  constructor(options: SettlementOptions) {
    this.#o = options;
  }

  /** Totals of the open batch so far; changes nothing. */
  async x(): Promise<SettlementReport> {
    const { ledger, clock, config } = this.#o;
    const batch = ledger.batch();
    const to = new Date(clock.now()).toISOString();
    const records = await ledger.between(batch.openedAt, to);
    return { kind: 'X', batch: batch.number, terminalId: config.terminal.id, from: batch.openedAt, to, lines: totals(records), queued: queuedItems(ledger.outbox()) };
  }

  /** Closes the batch, reconciled with the host; refused (nothing closed) while the host cannot be asked. */
  z(): Promise<ZOutcome> {
    return this.#zQueue.run(() => this.#z());
  }

  async #z(): Promise<ZOutcome> {
    const { ledger, host, link, clock, logger, config } = this.#o;
    const base = await this.x();
    const answer = await host.settlementTotals(base.from, base.to);
    if (answer.kind !== 'ok') {
      logger.warn({ answer: answer.kind }, 'Z report: the host could not be asked for its totals: batch not closed');
      return { ok: false, reason: 'needs_network' };
    }
    const report: SettlementReport = { ...base, kind: 'Z', reconciliation: reconcile(base.lines, answer.value) };
    if (ledger.batch().number !== base.batch) {
      // Closed by someone else while the host was asked: this report is not that batch's.
      logger.error({ batch: base.batch, open: ledger.batch().number }, 'Z report: the batch changed under it: not closed');
      return { ok: false, reason: 'storage' };
    }
    try {
      await ledger.saveReport({ ...report });
      await ledger.closeBatch(base.to);
    } catch (err) {
      logger.error({ err }, 'Z report could not be stored: batch not closed');
      return { ok: false, reason: 'storage' };
    }
    const status = report.reconciliation!.status;
    logger.info({ batch: report.batch, status, lines: report.lines.length }, 'batch closed');
    void link.publish('events', {
      type: 'settlement',
      at: base.to,
      terminalId: config.terminal.id,
      batch: report.batch,
      from: report.from,
      to: report.to,
      totals: report.lines,
      queued: report.queued.length,
      reconciliation: report.reconciliation,
    });
    return { ok: true, report };
  }
}
