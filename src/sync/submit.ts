// Submitting a transaction: write-ahead (on disk before it is sent), then
// one try with the host. Whatever the host does not settle stays in the
// outbox for the replayer, under the same id — the host answers a repeated
// id with its stored result, so nothing is ever refunded twice.
import { v7 as uuidv7 } from 'uuid';
import type { Config } from '../../config/schema.ts';
import type { Refusal, SubmitDraft } from '../../screens/types.ts';
import { maskEmail, maskPhone } from '../domain/mask.ts';
import { formatCents } from '../domain/money.ts';
import { makeOrderNumber } from '../domain/order-number.ts';
import type { Txn, TxnRecord, TxnResult } from '../domain/types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Logger } from '../runtime/log.ts';
import type { HostClient } from './host-client.ts';

export interface Sent {
  kind: 'done';
  record: TxnRecord;
  /** Masked contact the customer is being told at (approved refunds of orders with a contact). */
  notified?: string;
  /** No usable answer (silence, SYSTEM_ERROR): try again later, backing off. */
  backOff?: boolean;
}

export type SubmitOutcome = { kind: 'refused'; refusal: Refusal } | Sent;

export interface SubmitterOptions {
  config: Config;
  ledger: Ledger;
  host: HostClient;
  clock: Clock;
  logger: Logger;
  /** Free space is low: offline refunds are refused first. */
  storageLow?: () => boolean;
  /**
   * Called, and awaited, before a decline found in the background (the
   * merchant last saw QUEUED or "result to follow") is settled: the alert
   * must be on disk before the decline is, or a crash could hide it.
   */
  beforeBackgroundDecline?: (record: TxnRecord, result: TxnResult) => Promise<void>;
}

/** Who is waiting for the answer: the merchant on the screen, or nobody (the replayer). */
export interface SendMode {
  background?: boolean;
}

/** A customer's pay code lives about a minute: a sale that never reached the host by then cannot be completed. */
export const CODE_LIFETIME_MS = 60_000;

export class Submitter {
  readonly #o: SubmitterOptions;
  readonly #queueListeners = new Set<() => void>();
  /** Submissions under way, by transaction id: a second caller gets the same answer. */
  readonly #inFlight = new Map<string, Promise<Sent>>();

  constructor(options: SubmitterOptions) {
    this.#o = options;
  }

  onQueueChange(listener: () => void): () => void {
    this.#queueListeners.add(listener);
    return () => this.#queueListeners.delete(listener);
  }

  async submit(draft: SubmitDraft): Promise<SubmitOutcome> {
    const { config, ledger, host, clock, logger } = this.#o;
    // Offline is the broker down *or* the host silent (DESIGN.md "Offline").
    const online = host.online();
    if (draft.type === 'sale' && !online) return { kind: 'refused', refusal: { reason: 'needs_network' } };
    if (draft.type === 'refund' && !online) {
      if (this.#o.storageLow?.()) return { kind: 'refused', refusal: { reason: 'storage_low' } };
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
      currency: draft.currency ?? config.terminal.currency,
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
    try {
      return await this.send(record);
    } catch (err) {
      // Recorded is recorded: whatever failed after this point, the
      // transaction is in the outbox and the replayer settles it. Saying
      // "not recorded" here would invite the merchant to refund twice.
      logger.error({ err, id: txn.id }, 'after recording, the submission failed: the transaction stays queued');
      return { kind: 'done', record, backOff: true };
    }
  }

  /**
   * Submits a recorded transaction; the record as it stands afterwards. A
   * SYSTEM_ERROR is retried once at once with the same id (the host asks for
   * exactly that), so a passing fault does not leave the merchant waiting.
   */
  async send(record: TxnRecord, mode: SendMode = {}): Promise<Sent> {
    // The screen's own submission and the replayer may reach for the same
    // transaction at once; one conversation with the host at a time is enough.
    return this.#once(record.txn.id, async () => {
      const first = await this.#sendOnce(record, mode);
      if (first.systemError) return this.#sendOnce(first.record, mode);
      return first;
    });
  }

  #once(id: string, work: () => Promise<Sent>): Promise<Sent> {
    const running = this.#inFlight.get(id);
    if (running) return running;
    const job = work().finally(() => this.#inFlight.delete(id));
    this.#inFlight.set(id, job);
    return job;
  }

  /**
   * Follows up a transaction the host has not settled: `txn.query`. A refund
   * the host never saw is submitted again; a sale only while the customer's
   * code can still be valid — after that it is closed here as not completed.
   */
  follow(record: TxnRecord, mode: SendMode = {}): Promise<Sent> {
    const running = this.#inFlight.get(record.txn.id);
    return running ?? this.#follow(record, mode);
  }

  async #follow(record: TxnRecord, mode: SendMode): Promise<Sent> {
    const { host, clock, logger } = this.#o;
    const answer = await host.query(record.txn.id);
    if (answer.kind === 'unreachable') return { kind: 'done', record, backOff: true };
    if (answer.kind === 'ok') return this.#apply(record, answer.value, mode);
    if (answer.code !== 'TXN_NOT_FOUND') {
      logger.warn({ id: record.txn.id, code: answer.code }, 'txn.query refused');
      return { kind: 'done', record, backOff: true };
    }
    const age = clock.now() - Date.parse(record.txn.createdAt);
    if (record.txn.type === 'sale' && age > CODE_LIFETIME_MS) {
      logger.warn({ id: record.txn.id, ageMs: age }, 'sale never reached the host and its code has expired: closed as not completed');
      return this.#apply(record, { id: record.txn.id, status: 'declined', code: 'NOT_SUBMITTED', message: 'never reached the host; the customer code has expired' }, mode);
    }
    return this.send(record, mode);
  }

  async #sendOnce(record: TxnRecord, mode: SendMode): Promise<Sent & { systemError?: boolean }> {
    const { ledger, host, logger } = this.#o;
    const tried = await ledger.noteAttempt(record.txn.id);
    const answer = await host.submit(tried.txn);
    if (answer.kind === 'unreachable') {
      logger.info({ id: record.txn.id, reason: answer.reason }, 'host unreachable: transaction stays queued');
      return { kind: 'done', record: tried, backOff: true };
    }
    if (answer.kind === 'error') {
      // The host refuses to process it at all (DUPLICATE_MISMATCH, BAD_REQUEST…):
      // it never will, so it is closed here as declined with the host's code —
      // and loudly, since it should never happen — rather than blocking the
      // queue behind it.
      logger.error({ id: record.txn.id, code: answer.code, message: answer.message }, 'host refused the submission');
      return this.#apply(tried, { id: record.txn.id, status: 'declined', code: answer.code, message: answer.message }, mode);
    }
    return this.#apply(tried, answer.value, mode);
  }

  async #apply(record: TxnRecord, result: TxnResult, mode: SendMode = {}): Promise<Sent & { systemError?: boolean }> {
    const { ledger, logger } = this.#o;
    if (result.id !== record.txn.id) {
      logger.error({ id: record.txn.id, got: result.id }, 'host answered for another transaction: ignored');
      return { kind: 'done', record, backOff: true };
    }
    if (result.status === 'declined' && result.code === 'SYSTEM_ERROR') {
      // Not final (PROTOCOL.md): the same id is submitted again.
      logger.warn({ id: record.txn.id }, 'host system error: will be submitted again');
      return { kind: 'done', record, systemError: true, backOff: true };
    }
    if (mode.background && result.status === 'declined' && record.txn.type === 'refund') {
      await this.#o.beforeBackgroundDecline?.(record, result);
    }
    const settled = await ledger.settle(record.txn.id, result);
    logger.info(
      { id: record.txn.id, state: settled.state, code: result.code, hostRef: result.hostRef },
      settled.state === 'processing' ? 'host: result to follow' : 'transaction settled',
    );
    this.#queueChanged();
    const notified = settled.state === 'approved' && settled.txn.type === 'refund' ? this.#notify(settled) : undefined;
    return { kind: 'done', record: settled, ...(notified ? { notified } : {}), ...(settled.state === 'processing' ? { backOff: false } : {}) };
  }

  /**
   * Tells the customer of an approved refund (SMS / e-mail through the host)
   * when the order has a contact. Sent in the background: the merchant does
   * not wait on it. Returns the masked contact.
   */
  #notify(record: TxnRecord): string | undefined {
    const { ledger, host, config, logger } = this.#o;
    const contact = record.result?.order?.contact ?? ledger.order(record.txn.orderId)?.contact;
    if (!contact || (!contact.phone && !contact.email)) return undefined;
    const amount = formatCents(record.txn.amountCents, 'en', record.txn.currency);
    const text = `${config.terminal.merchantName}: your refund of ${amount} ${record.txn.currency} for order ${record.txn.orderId} is approved.`;
    void host.notify({ txnId: record.txn.id, orderId: record.txn.orderId, contact, text }).then((answer) => {
      if (answer.kind !== 'ok') logger.warn({ id: record.txn.id }, 'customer notification not sent');
    });
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
