// Receipts the printer could not print (paper out, cover open, offline),
// kept on disk until they come out or the merchant lets them go. A receipt
// never printed has never been seen by anyone, so the first copy that does
// come out is the original: it is printed as it was made, not marked REPRINT —
// unless the printer failed only after it had taken the receipt (some of it
// may be on paper), and then it is a copy.
//
// Small by design: a handful of documents (receipts carry masked codes only),
// one whole-file durable write per change, at most `max` kept — the oldest
// goes first, and can still be reprinted from Transactions (marked REPRINT).
import { randomUUID } from 'node:crypto';
import type { Low } from 'lowdb';
import type { PrintDocument } from '../../hal/printer/types.ts';
import { openJsonStore } from '../ledger/json-store.ts';
import type { Logger } from './log.ts';

export interface KeptReceipt {
  id: string;
  /** When the print failed (ISO 8601, UTC). */
  at: string;
  doc: PrintDocument;
  /** Some of it may have come out already (the printer failed after taking it): printed later as a REPRINT. */
  copy: boolean;
}

interface UnprintedData {
  receipts: KeptReceipt[];
}

/** A day of refunds with no paper is more than anyone prints afterwards; Transactions has the rest. */
export const MAX_KEPT = 20;

export class Unprinted {
  private constructor(
    private readonly db: Low<UnprintedData>,
    private readonly max: number,
    private readonly log: Logger | undefined,
  ) {}

  static async open(options: { dir: string; max?: number; log?: Logger }): Promise<Unprinted> {
    const db = await openJsonStore<UnprintedData>({
      dir: options.dir,
      name: 'unprinted',
      empty: { receipts: [] },
      validate: (d) => (Array.isArray((d as UnprintedData)?.receipts) ? undefined : 'no receipts list'),
      log: options.log,
    });
    return new Unprinted(db, options.max ?? MAX_KEPT, options.log);
  }

  /** Oldest first. */
  list(): readonly KeptReceipt[] {
    return this.db.data.receipts;
  }

  async keep(doc: PrintDocument, at: Date, options: { copy?: boolean } = {}): Promise<KeptReceipt> {
    const kept: KeptReceipt = { id: randomUUID(), at: at.toISOString(), doc: structuredClone(doc), copy: options.copy ?? false };
    const receipts = [...this.db.data.receipts, kept];
    const dropped = receipts.splice(0, Math.max(0, receipts.length - this.max));
    for (const d of dropped) this.log?.warn({ title: d.doc.title, at: d.at }, 'too many unprinted receipts: the oldest is no longer kept');
    this.db.data.receipts = receipts;
    await this.db.write();
    return kept;
  }

  /** Some of it came out after all (a later try failed part-way): from now on it prints as a copy. */
  async markCopy(id: string): Promise<void> {
    const kept = this.db.data.receipts.find((r) => r.id === id);
    if (!kept || kept.copy) return;
    kept.copy = true;
    await this.db.write();
  }

  async remove(id: string): Promise<void> {
    const before = this.db.data.receipts.length;
    this.db.data.receipts = this.db.data.receipts.filter((r) => r.id !== id);
    if (this.db.data.receipts.length !== before) await this.db.write();
  }

  async clear(): Promise<void> {
    if (!this.db.data.receipts.length) return;
    this.db.data.receipts = [];
    await this.db.write();
  }
}
