// What the power-cut test expects of the ledger: every operation whose
// promise resolved is there after a reopen (or, for what may have moved on,
// a later state that was asked for); nothing that was never asked for is.
import * as assert from 'uvu/assert';
import type { Order, Txn, TxnRecord } from '../../src/domain/types.ts';
import { shiftDay, type BusinessCalendar } from '../../src/ledger/business-day.ts';
import type { Ledger, Lockout } from '../../src/ledger/ledger.ts';
import { maskCode } from '../../src/domain/mask.ts';

const RANK = { queued: 0, processing: 1, approved: 2, declined: 2 } as const;

export interface TxnModel {
  txn: Txn;
  day: string;
  /** Acknowledged: durable for sure. */
  recorded: boolean;
  rank: number;
  attempts: number;
  final?: TxnRecord;
  /** Asked for, acknowledged or not. */
  maxAttempts: number;
  finalAsked: boolean;
  processingAsked: boolean;
}

/** A value set by calls in order: the last acknowledged one, or one asked for after it. */
export class Versions<V> {
  acked: V | undefined;
  later: V[] = [];
  ask(value: V): void {
    this.later.push(value);
  }
  ack(value: V): void {
    const at = this.later.indexOf(value);
    if (at < 0) return; // an older call resolving after a newer one was acknowledged
    this.acked = value;
    this.later = this.later.slice(at + 1);
  }
  allows(value: V | undefined, same: (a: V | undefined, b: V | undefined) => boolean): boolean {
    return same(value, this.acked) || this.later.some((v) => same(value, v));
  }
  settle(value: V | undefined): void {
    this.acked = value;
    this.later = [];
  }
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const normalLockout = (l: Lockout | undefined): Lockout => (l && (l.failures > 0 || l.lockedUntil) ? l : { failures: 0 });

export class Model {
  readonly txns = new Map<string, TxnModel>();
  readonly orders = new Map<string, Versions<Order>>();
  readonly lockouts = new Map<string, Versions<Lockout>>();
  readonly reports = new Map<number, Versions<{ batch: number; n: number; savedAt: number }>>();
  sale = { acked: 0, asked: 0 };
  closes = { acked: 0, asked: 0 };
  /** Days before this may have been pruned; reports saved before this instant too. */
  prunedBefore = '0000-00-00';
  reportsPrunedBefore = -Infinity;

  constructor(private readonly calendar: BusinessCalendar) {}

  noteRecordAsked(txn: Txn): TxnModel {
    const model: TxnModel = { txn, day: this.calendar.dayOf(txn.createdAt), recorded: false, rank: 0, attempts: 0, maxAttempts: 0, finalAsked: false, processingAsked: false };
    this.txns.set(txn.id, model);
    return model;
  }

  notePrune(keepDays: number, now: Date): void {
    const firstKept = shiftDay(this.calendar.dayOf(now), -keepDays);
    if (firstKept > this.prunedBefore) this.prunedBefore = firstKept;
    this.reportsPrunedBefore = Math.max(this.reportsPrunedBefore, now.getTime() - keepDays * 86_400_000);
  }

  /** Checks the reopened ledger, then takes what it holds as the new starting point. */
  async check(ledger: Ledger): Promise<void> {
    const found = new Map((await ledger.between('2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z')).map((r) => [r.txn.id, r]));
    for (const record of ledger.outbox()) {
      assert.ok(this.txns.has(record.txn.id), `${record.txn.id} is in the outbox but was never recorded`);
      assert.equal(found.get(record.txn.id)?.state, record.state, 'the outbox is part of between()');
    }
    for (const [id, record] of found) {
      const model = this.txns.get(id);
      assert.ok(model, `${id} is in the ledger but was never recorded`);
      this.checkTxn(model, record);
    }
    for (const [id, model] of this.txns) {
      if (found.has(id)) continue;
      const mayBePruned = model.day < this.prunedBefore && model.finalAsked;
      assert.ok(!model.recorded || mayBePruned, `${id} was acknowledged (${['queued', 'processing', 'final'][model.rank]}) and is lost`);
      this.txns.delete(id);
    }
    for (const [id, versions] of this.orders) {
      assert.ok(versions.allows(ledger.order(id), sameJson), `order ${id}: ${JSON.stringify(ledger.order(id))} is not what was last put`);
      versions.settle(ledger.order(id));
    }
    for (const [role, versions] of this.lockouts) {
      const now = ledger.lockout(role);
      assert.ok(versions.allows(now, (a, b) => sameJson(normalLockout(a), normalLockout(b))), `lockout ${role}: ${JSON.stringify(now)}`);
      versions.settle(now);
    }
    const closes = ledger.batch().number - 1;
    assert.ok(closes >= this.closes.acked && closes <= this.closes.acked + this.closes.asked, `batch: ${closes} closed, ${this.closes.acked} acknowledged`);
    this.closes = { acked: closes, asked: 0 };
    for (const [batch, versions] of this.reports) {
      const report = await ledger.report(batch);
      const pruned = report === undefined && versions.acked !== undefined && versions.acked.savedAt < this.reportsPrunedBefore;
      assert.ok(pruned || versions.allows(report as never, sameJson), `report ${batch}: ${JSON.stringify(report)}`);
      versions.settle(report as never);
    }
    const next = await ledger.nextSaleSequence(); // no wrap: the test asks for fewer than 999
    assert.ok(next - 1 >= this.sale.acked && next - 1 <= this.sale.acked + this.sale.asked, `sale sequence ${next} after ${this.sale.acked} acknowledged`);
    this.sale = { acked: next, asked: 0 };
  }

  private checkTxn(model: TxnModel, record: TxnRecord): void {
    const id = model.txn.id;
    const final = RANK[record.state] === 2;
    assert.equal(record.txn, final ? { ...model.txn, payCode: maskCode(model.txn.payCode) } : model.txn, `${id}: the transaction itself`);
    assert.ok(RANK[record.state] >= model.rank, `${id} went back from rank ${model.rank} to ${record.state}`);
    if (model.final) assert.equal(record, model.final, `${id}: the final record acknowledged`);
    if (final) assert.ok(model.finalAsked, `${id} is final but was never settled`);
    if (record.state === 'processing') assert.ok(model.processingAsked, `${id} is processing but was never told so`);
    assert.ok(record.attempts >= model.attempts && record.attempts <= model.maxAttempts, `${id}: ${record.attempts} attempts, ${model.attempts}..${model.maxAttempts} expected`);
    model.recorded = true;
    model.rank = RANK[record.state];
    model.attempts = record.attempts;
    model.maxAttempts = record.attempts;
    model.finalAsked = final;
    model.processingAsked = record.state === 'processing';
    if (final) model.final = record;
  }
}
