// Submitting a transaction: write-ahead (on disk before it is sent), then
// one try with the host. Whatever the host does not settle stays in the
// outbox for the replayer, under the same id — the host answers a repeated
// id with its stored result, so nothing is ever refunded twice.
import { v7 as uuidv7 } from 'uuid';
import type { Config } from '../../config/schema.ts';
import type { Link } from '../../hal/network/types.ts';
import type { Refusal, SubmitDraft } from '../../screens/types.ts';
import { maskEmail, maskPhone } from '../domain/mask.ts';
import { formatCents } from '../domain/money.ts';
import { makeOrderNumber } from '../domain/order-number.ts';
import type { Txn, TxnRecord, TxnResult } from '../domain/types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Logger } from '../runtime/log.ts';
import type { HostClient } from './host-client.ts';

export type SubmitOutcome = { kind: 'refused'; refusal: Refusal } | { kind: 'done'; record: TxnRecord; notified?: string };

export interface SubmitterOptions {
  config: Config;
  ledger: Ledger;
  host: HostClient;
  link: Link;
  clock: Clock;
  logger: Logger;
}

/** A SYSTEM_ERROR decline is not final (PROTOCOL.md): the same id is submitted again. */
const isFinalResult = (r: TxnResult): boolean => r.status === 'approved' || (r.status === 'declined' && r.code !== 'SYSTEM_ERROR');

export class Submitter {
  readonly #o: SubmitterOptions;
  readonly #queueListeners = new Set<() => void>();
  readonly #inFlight = new Set<string>();

  constructor(options: SubmitterOptions) {
    this.#o = options;
  }

  onQueueChange(listener: () => void): () => void {
    this.#queueListeners.add(listener);
    return () => this.#queueListeners.delete(listener);
  }

  async submit(draft: SubmitDraft): Promise<SubmitOutcome> {
    const { config, ledger, link, clock, logger } = this.#o;
    const online = link.status().connected;
    if (draft.type === 'sale' && !online) return { kind: 'refused', refusal: { reason: 'needs_network' } };
    if (draft.type === 'refund' && !online) {
      const refusal = this.#offlineLimit(draft.amountCents);
      if (refusal) return { kind: 'refused', refusal };
    }
    const now = new Date(clock.now());
    let orderId = draft.orderId;
    if (!orderId) {
      const sequence = await ledger.nextSaleSequence();
      orderId = makeOrderNumber({ terminalNumber: config.terminal.number, at: now, timezone: config.terminal.timezone, sequence });
    }
    const txn: Txn = {
      id: uuidv7({ msecs: now.getTime() }),
      type: draft.type,
      orderId,
      amountCents: draft.amountCents,
      currency: config.terminal.currency,
      channel: draft.channel,
      payCode: draft.payCode,
      createdAt: now.toISOString(),
      offline: !online,
      terminalId: config.terminal.id,
      operator: draft.operator,
    };
    let record: TxnRecord;
    try {
      record = await ledger.record(txn);
    } catch (err) {
      logger.error({ err, id: txn.id }, 'could not record the transaction: not sent');
      return { kind: 'refused', refusal: { reason: 'storage', detail: String(err) } };
    }
    logger.info({ id: txn.id, type: txn.type, orderId, amountCents: txn.amountCents, offline: txn.offline }, 'transaction recorded');
    this.#queueChanged();
    if (!online) return { kind: 'done', record };
    return this.send(record);
  }

  /**
   * Submits a recorded transaction; the record as it stands afterwards. A
   * SYSTEM_ERROR is retried once at once with the same id (the host asks for
   * exactly that), so a passing fault does not leave the merchant waiting.
   */
  async send(record: TxnRecord): Promise<{ kind: 'done'; record: TxnRecord; notified?: string }> {
    // The screen's own submission and the replayer may reach for the same
    // transaction at once; one conversation with the host at a time is enough.
    const id = record.txn.id;
    if (this.#inFlight.has(id)) return { kind: 'done', record };
    this.#inFlight.add(id);
    try {
      const first = await this.#sendOnce(record);
      if (first.systemError) return await this.#sendOnce(first.record);
      return first;
    } finally {
      this.#inFlight.delete(id);
    }
  }

  async #sendOnce(record: TxnRecord): Promise<{ kind: 'done'; record: TxnRecord; notified?: string; systemError?: boolean }> {
    const { ledger, host, logger } = this.#o;
    const tried = await ledger.noteAttempt(record.txn.id);
    const answer = await host.submit(tried.txn);
    if (answer.kind === 'unreachable') {
      logger.info({ id: record.txn.id, reason: answer.reason }, 'host unreachable: transaction stays queued');
      return { kind: 'done', record: tried };
    }
    if (answer.kind === 'error') {
      // DUPLICATE_MISMATCH and the like: the host refuses to process it. Keep
      // it queued (nothing is lost) and say so loudly; ops must look.
      logger.error({ id: record.txn.id, code: answer.code, message: answer.message }, 'host refused the submission');
      return { kind: 'done', record: tried };
    }
    return this.#apply(tried, answer.value);
  }

  /** Follows up a `processing` transaction. */
  async query(record: TxnRecord): Promise<{ kind: 'done'; record: TxnRecord; notified?: string }> {
    if (this.#inFlight.has(record.txn.id)) return { kind: 'done', record };
    const answer = await this.#o.host.query(record.txn.id);
    if (answer.kind !== 'ok') {
      // TXN_NOT_FOUND means the submission never arrived: submit it again.
      if (answer.kind === 'error' && answer.code === 'TXN_NOT_FOUND') return this.send(record);
      return { kind: 'done', record };
    }
    return this.#apply(record, answer.value);
  }

  async #apply(record: TxnRecord, result: TxnResult): Promise<{ kind: 'done'; record: TxnRecord; notified?: string; systemError?: boolean }> {
    const { ledger, logger } = this.#o;
    if (result.id !== record.txn.id) {
      logger.error({ id: record.txn.id, got: result.id }, 'host answered for another transaction: ignored');
      return { kind: 'done', record };
    }
    if (result.status === 'declined' && !isFinalResult(result)) {
      logger.warn({ id: record.txn.id, code: result.code }, 'host system error: will be submitted again');
      if (result.order) await ledger.putOrder(result.order);
      return { kind: 'done', record, systemError: true };
    }
    const settled = await ledger.settle(record.txn.id, result);
    logger.info({ id: record.txn.id, state: settled.state, code: result.code, hostRef: result.hostRef }, 'transaction settled');
    this.#queueChanged();
    const notified = settled.state === 'approved' && settled.txn.type === 'refund' ? await this.#notify(settled) : undefined;
    return { kind: 'done', record: settled, ...(notified ? { notified } : {}) };
  }

  /** Tells the customer of an approved refund (SMS / e-mail through the host) when the order has a contact. */
  async #notify(record: TxnRecord): Promise<string | undefined> {
    const { ledger, host, config, logger } = this.#o;
    const contact = record.result?.order?.contact ?? ledger.order(record.txn.orderId)?.contact;
    if (!contact || (!contact.phone && !contact.email)) return undefined;
    const amount = formatCents(record.txn.amountCents, 'en', record.txn.currency);
    const text = `${config.terminal.merchantName}: your refund of ${amount} ${record.txn.currency} for order ${record.txn.orderId} is approved.`;
    const answer = await host.notify({ txnId: record.txn.id, orderId: record.txn.orderId, contact, text });
    if (answer.kind !== 'ok') {
      logger.warn({ id: record.txn.id }, 'customer notification not sent');
      return undefined;
    }
    return contact.phone ? maskPhone(contact.phone) : maskEmail(contact.email!);
  }

  /** Offline limits, as commercial terminals have them; checked before anything is recorded. */
  #offlineLimit(amountCents: number): Refusal | undefined {
    const { offline } = this.#o.config;
    const queued = this.#o.ledger.outbox().filter((r) => r.txn.type === 'refund');
    if (amountCents > offline.maxRefundCents) return { reason: 'offline_refund_limit', maxCents: offline.maxRefundCents };
    if (queued.length >= offline.maxCount) return { reason: 'offline_count_limit', max: offline.maxCount };
    const total = queued.reduce((sum, r) => sum + r.txn.amountCents, 0);
    if (total + amountCents > offline.maxTotalCents) return { reason: 'offline_total_limit', maxCents: offline.maxTotalCents };
    return undefined;
  }

  #queueChanged(): void {
    for (const listener of this.#queueListeners) listener();
  }
}
