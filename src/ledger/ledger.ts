// The terminal's ledger: every transaction, from the moment it is made until
// the host's final answer, plus the small stores the runtime keeps.
//
// Layout under `dir` (lowdb documents on journaled files, see journal-file.ts):
//   outbox               transactions without a final result, creation order
//   days/YYYY-MM-DD      final records, one segment per business day
//   orders               orders seen here, capped
//   state                sale sequence, settlement batch, PIN lockouts
//   reports/NNNNNN.json  Z reports, one per closed batch
// A write appends what changed to its store's journal and fsyncs it once;
// recording a transaction before it is sent is one record in the outbox's
// journal. History lives in day segments that are read when asked for,
// never all at once, and never at start-up.
import type { Order, Txn, TxnRecord, TxnResult } from '../domain/types.ts';
import { isFinal } from '../domain/types.ts';
import { maskCode as maskPayCode } from '../domain/mask.ts';
import type { Recovery } from './envelope.ts';
import { openStores, type LedgerOptions, type Parts } from './open.ts';
import { pruneHistory } from './prune.ts';
import { recentRecords, recordsBetween } from './queries.ts';
import type { StoredReport } from './reports.ts';
import { GroupQueue, SerialQueue, type Outcome } from './serial.ts';
import type { Batch, Lockout } from './state.ts';

export type { Batch, LedgerOptions, Lockout, Recovery, StoredReport };
export type { FileSystem } from './fs.ts';
export { DamagedFileError, FormatTooNewError } from './envelope.ts';

export interface OpenedLedger {
  ledger: Ledger;
  /** Files that were damaged, half-written or torn, and how each was worked around. */
  recovered: Array<{ file: string; reason: string }>;
}

/** `record` was given an id this terminal already has. */
export class DuplicateTransactionError extends Error {
  override readonly name = 'DuplicateTransactionError';
}

/** No transaction with this id is pending (or, for `settle`, known at all). */
export class UnknownTransactionError extends Error {
  override readonly name = 'UnknownTransactionError';
}

const clone = <T>(value: T): T => structuredClone(value);

export class Ledger {
  /** Changes run one at a time: each is a few awaited writes that must not interleave. */
  private readonly changes = new SerialQueue();
  /** Pruning runs beside the changes (it can take a while), one at a time. */
  private readonly housekeeping = new SerialQueue();
  private closed = false;

  private constructor(private readonly p: Parts) {}

  static async open(options: LedgerOptions): Promise<OpenedLedger> {
    const opened = await openStores(options);
    try {
      const ledger = new Ledger(opened.parts);
      await ledger.dropSettledFromOutbox();
      return { ledger, recovered: opened.finish() };
    } catch (error) {
      await opened.abandon();
      throw error;
    }
  }

  /** Durable in the outbox (queued, 0 attempts) before it resolves. */
  record(txn: Txn): Promise<TxnRecord> {
    return this.change(async () => {
      if (typeof txn.id !== 'string' || txn.id === '') throw new Error('a transaction needs an id');
      if (!Number.isInteger(txn.amountCents) || txn.amountCents <= 0) {
        throw new Error(`transaction ${txn.id}: amount must be a positive whole number of cents, got ${txn.amountCents}`);
      }
      const day = this.p.calendar.dayOf(txn.createdAt); // also rejects a createdAt that is not a time
      if (this.p.outbox.get(txn.id) || (await this.p.segments.findIn(day, txn.id))) {
        throw new DuplicateTransactionError(`transaction ${txn.id} is already recorded`);
      }
      const record: TxnRecord = { txn: clone(txn), state: 'queued', attempts: 0, updatedAt: this.stamp() };
      await this.p.outbox.add(record);
      this.p.log?.debug({ id: txn.id, type: txn.type }, 'ledger: recorded');
      return clone(record);
    });
  }

  /** Counts a submission before it is sent, so a restart knows the host may have seen it. */
  noteAttempt(id: string): Promise<TxnRecord> {
    return this.attempts.add(id);
  }

  /**
   * Approved or declined: written to its day segment (pay code masked), then
   * out of the outbox. Processing: stays in the outbox. An answer for a
   * transaction that is already final (a replay answered twice) changes nothing.
   * Answers that arrive together are written together (see GroupQueue).
   */
  settle(id: string, result: TxnResult): Promise<TxnRecord> {
    return this.answers.add({ id, result });
  }

  private readonly attempts = new GroupQueue<string, TxnRecord>(
    (run) => this.change(run),
    async (ids) => {
      const next = new Map<string, TxnRecord>();
      const outcomes = ids.map((id): Outcome<TxnRecord> => {
        try {
          const pending = next.get(id) ?? this.pending(id);
          const counted: TxnRecord = { ...pending, attempts: pending.attempts + 1, updatedAt: this.stamp() };
          next.set(id, counted);
          return { ok: true, value: counted };
        } catch (error) {
          return { ok: false, error };
        }
      });
      await this.p.outbox.update({ replace: [...next.values()] });
      return outcomes.map((o) => (o.ok ? { ok: true, value: clone(o.value) } : o));
    },
  );

  private readonly answers = new GroupQueue<{ id: string; result: TxnResult }, TxnRecord>(
    (run) => this.change(run),
    async (items) => {
      const finals = new Map<string, TxnRecord>();
      const processing = new Map<string, TxnRecord>();
      const orders: Order[] = [];
      const outcomes: Array<Outcome<TxnRecord>> = [];
      for (const { id, result } of items) {
        try {
          outcomes.push({ ok: true, value: await this.answer(id, result, { finals, processing }) });
          if (result.order) orders.push(result.order);
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      // Segment first: a crash before the outbox write leaves the record in
      // both, which open() resolves; the other order could lose it.
      await this.p.segments.appendAll([...finals.values()]);
      await this.p.outbox.update({ replace: [...processing.values()], remove: new Set(finals.keys()) });
      if (finals.size) this.p.log?.debug({ ids: [...finals.keys()] }, 'ledger: settled');
      await this.cacheOrders(orders);
      return outcomes.map((o) => (o.ok ? { ok: true, value: clone(o.value) } : o));
    },
  );

  /** What one answer makes of its transaction, given the answers before it in the same group. */
  private async answer(id: string, result: TxnResult, group: { finals: Map<string, TxnRecord>; processing: Map<string, TxnRecord> }): Promise<TxnRecord> {
    if (result.id !== id) throw new Error(`the result for ${result.id} cannot settle ${id}`);
    if (!['approved', 'declined', 'processing'].includes(result.status)) {
      throw new Error(`transaction ${id}: unknown result status ${JSON.stringify(result.status)}`);
    }
    const pending = group.finals.has(id) ? undefined : (group.processing.get(id) ?? this.p.outbox.get(id));
    if (!pending) {
      const final = group.finals.get(id) ?? (await this.p.segments.find(id));
      if (!final) throw new UnknownTransactionError(`transaction ${id} is not in the ledger`);
      this.p.log?.info({ id, state: final.state, late: result.status }, 'ledger: answer for a final transaction ignored');
      return final;
    }
    const updatedAt = this.stamp();
    if (result.status === 'processing') {
      const next: TxnRecord = { ...pending, state: 'processing', result: clone(result), updatedAt };
      group.processing.set(id, next);
      return next;
    }
    const final: TxnRecord = {
      txn: { ...pending.txn, payCode: maskPayCode(pending.txn.payCode) },
      state: result.status,
      result: clone(result),
      attempts: pending.attempts,
      updatedAt,
    };
    group.processing.delete(id);
    group.finals.set(id, final);
    return final;
  }

  /**
   * The host's copy of the order, kept for offline refunds. Written after the
   * transaction's own record and best effort: a cache that could not be
   * written must never make a settled transaction look unsettled.
   */
  private async cacheOrders(orders: readonly Order[]): Promise<void> {
    try {
      await this.p.orders.putAll(orders);
    } catch (err) {
      this.p.log?.warn({ err, orderIds: orders.map((o) => o.orderId) }, 'ledger: order cache not updated');
    }
  }

  /**
   * Pending transactions, creation order. The records are the ledger's own,
   * deep-frozen by the journal (so not copied: the runtime asks for the queue
   * on every change, and an offline queue can be long); the array is a copy.
   */
  outbox(): readonly TxnRecord[] {
    return [...this.p.outbox.list()];
  }

  /** How many transactions are pending (without copying the queue). */
  outboxSize(): number {
    return this.p.outbox.size;
  }

  /** The oldest pending transaction, if any. */
  oldestPending(): TxnRecord | undefined {
    return this.p.outbox.list()[0];
  }

  /** Refund amount of this order still waiting for a final answer. */
  pendingRefundCents(orderId: string): number {
    return this.pendingRefunds(orderId).reduce((sum, record) => sum + record.txn.amountCents, 0);
  }

  pendingRefundCount(orderId: string): number {
    return this.pendingRefunds(orderId).length;
  }

  /** The outbox first, then day segments newest first. */
  async find(id: string): Promise<TxnRecord | undefined> {
    const pending = this.p.outbox.get(id);
    if (pending) return clone(pending);
    const final = await this.p.segments.find(id);
    return final && clone(final);
  }

  /** Newest first by creation time, pending ones included; reads only as many days back as needed. */
  async recent(limit: number): Promise<TxnRecord[]> {
    return (await recentRecords(this.p, limit)).map(clone);
  }

  /** Every transaction (pending and final) created in [from, to), oldest first; reads only the days in between. */
  async between(from: string, to: string): Promise<TxnRecord[]> {
    return (await recordsBetween(this.p, from, to)).map(clone);
  }

  order(orderId: string): Order | undefined {
    const order = this.p.orders.get(orderId);
    return order && clone(order);
  }

  putOrder(order: Order): Promise<void> {
    return this.change(() => this.p.orders.put(order));
  }

  /** 1..999, then 1 again; durable before it resolves. */
  nextSaleSequence(): Promise<number> {
    return this.change(() => this.p.state.nextSaleSequence());
  }

  lockout(role: string): Lockout {
    return this.p.state.lockout(role);
  }

  setLockout(role: string, value: Lockout): Promise<void> {
    return this.change(() => this.p.state.setLockout(role, value));
  }

  /** The settlement batch open now (the first one opened when the ledger was first opened). */
  batch(): Batch {
    const batch = this.p.state.batch();
    if (!batch) throw new Error('the ledger has no open batch');
    return batch;
  }

  /** Closes the open batch at `closedAt` and opens the next one at the same instant; durable before it resolves. */
  closeBatch(closedAt: string): Promise<Batch & { closedAt: string }> {
    return this.change(async () => {
      if (Number.isNaN(Date.parse(closedAt))) throw new Error(`not a valid time: ${closedAt}`);
      return this.p.state.closeBatch(closedAt);
    });
  }

  /** Keeps a Z report (one file per batch number, replaced if saved again); durable before it resolves. */
  saveReport(report: StoredReport): Promise<void> {
    return this.change(() => this.p.reports.save(report));
  }

  report(batch: number): Promise<StoredReport | undefined> {
    return this.p.reports.get(batch);
  }

  /** Free bytes on the data folder's file system. */
  freeBytes(): Promise<number> {
    return this.p.fs.freeBytes(this.p.dir);
  }

  /**
   * Deletes the day segments older than `keepDays` before `now` whose
   * transactions are all final (a day with one still in the outbox stays),
   * and the reports saved before then. Never touches the outbox or today.
   */
  prune(options: { keepDays: number; now: Date }): Promise<{ removed: string[] }> {
    if (this.closed) return Promise.reject(new Error('the ledger is closed'));
    return this.housekeeping.run(() => pruneHistory(this.p, options));
  }

  /** Waits for the writes in progress; later changes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.changes.idle();
    await this.housekeeping.idle();
    await this.p.segments.close();
    await this.p.outbox.close();
    await this.p.orders.close();
    await this.p.state.close();
  }

  private change<R>(step: () => Promise<R>): Promise<R> {
    if (this.closed) return Promise.reject(new Error('the ledger is closed'));
    return this.changes.run(step);
  }

  private pending(id: string): TxnRecord {
    const record = this.p.outbox.get(id);
    if (!record) throw new UnknownTransactionError(`transaction ${id} is not pending in the outbox`);
    return record;
  }

  private pendingRefunds(orderId: string): TxnRecord[] {
    return this.p.outbox.list().filter((r) => r.txn.type === 'refund' && r.txn.orderId === orderId);
  }

  private stamp(): string {
    return this.p.now().toISOString();
  }

  /** A crash between the segment write and the outbox write leaves a final record in both. */
  private async dropSettledFromOutbox(): Promise<void> {
    const settled = new Set<string>();
    for (const record of this.p.outbox.list()) {
      const day = this.p.calendar.dayOf(record.txn.createdAt);
      const final = await this.p.segments.findIn(day, record.txn.id);
      if (final && isFinal(final.state)) settled.add(record.txn.id);
    }
    if (settled.size === 0) return;
    this.p.log?.info({ ids: [...settled] }, 'ledger: dropped settled transactions left in the outbox by an interrupted write');
    await this.p.outbox.remove(settled);
  }
}
