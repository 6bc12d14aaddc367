// The reference host's state: orders, transactions with their results, the
// pay codes already used and the hostRef counter. Kept in memory, and — with
// a data folder — written durably (fsync + rename + previous generation)
// after every change, before the answer leaves the host: an answer the host
// gave must survive a restart, or a repeated refund number could pay twice.
//
// The whole state is one file rewritten on each change: this host serves
// demos and tests, not a year of a busy acquirer's traffic.
import { join } from 'node:path';
import * as z from 'zod';
import type { Channel, Order, Txn, TxnResult } from '../../src/domain/types.ts';
import { DurableJsonFile, ensureDir, type Recovery } from '../../src/ledger/durable-file.ts';
import type { Logger } from '../../src/runtime/log.ts';

export const HOST_STATE_FILE = 'host-state.json';
export const HOST_STATE_FORMAT = 'scanpos.host';
export const HOST_STATE_VERSION = 1;

/** How a demo order makes the host answer (kept by the host, never sent on the wire). */
export const behaviourSchema = z.enum(['insufficient_balance', 'system_error_once', 'processing']);
export type DemoBehaviour = z.infer<typeof behaviourSchema>;

export interface HostOrder {
  order: Order;
  behaviour?: DemoBehaviour;
}

export interface StoredTxn {
  /** As submitted, except `payCode`, which is kept masked: see `payCodeHash`. */
  txn: Txn;
  /** SHA-256 of the pay code: enough to tell "same code" without keeping the code. */
  payCodeHash: string;
  /** The network the host settled the transaction on (the code's), once known. */
  channel?: Channel;
  result: TxnResult;
  /** Host time of the first submission (the `processing` delay runs from it). */
  firstSubmittedAt: string;
  submissions: number;
}

/** Everything one decision changes, written in one go. */
export interface HostChange {
  orders?: HostOrder[];
  txn?: StoredTxn;
  /** The pay code (by hash) now belongs to this transaction. */
  useCode?: { hash: string; txnId: string };
  lastHostRef?: number;
}

interface HostData {
  orders: HostOrder[];
  txns: StoredTxn[];
  usedCodes: Array<{ hash: string; txnId: string }>;
  lastHostRef: number;
}

export interface HostStoreOptions {
  /** Data folder; none keeps the state in memory only (tests, the simulator). */
  dir?: string;
  /** Orders of a new host; called only when the data folder holds no state yet. */
  seed: () => HostOrder[];
  log?: Logger;
  onRecover?: (recovery: Recovery) => void;
}

export class HostStore {
  private readonly orders = new Map<string, HostOrder>();
  private readonly txns = new Map<string, StoredTxn>();
  private readonly usedCodes = new Map<string, string>();
  private hostRef = 0;

  private constructor(
    private readonly file: DurableJsonFile<HostData> | undefined,
    /** True when this start created the state from the seed (always, in memory). */
    readonly seeded: boolean,
  ) {}

  static async open(options: HostStoreOptions): Promise<HostStore> {
    if (options.dir === undefined) {
      const store = new HostStore(undefined, true);
      store.load(emptyWith(options.seed()));
      return store;
    }
    await ensureDir(options.dir);
    const file = new DurableJsonFile<HostData>({
      file: join(options.dir, HOST_STATE_FILE),
      format: HOST_STATE_FORMAT,
      version: HOST_STATE_VERSION,
      validate: checkShape,
      onRecover: options.onRecover,
      log: options.log,
    });
    const existing = await file.read();
    const store = new HostStore(file, existing === null);
    if (existing !== null) {
      store.load(existing);
      return store;
    }
    const data = emptyWith(options.seed());
    store.load(data);
    await file.write(data);
    return store;
  }

  /** Copies: a change reaches the store only through commit(). */
  order(orderId: string): HostOrder | undefined {
    const found = this.orders.get(orderId);
    return found && structuredClone(found);
  }

  txn(id: string): StoredTxn | undefined {
    const found = this.txns.get(id);
    return found && structuredClone(found);
  }

  /** Id of the transaction that used the code with this hash. */
  codeUsedBy(hash: string): string | undefined {
    return this.usedCodes.get(hash);
  }

  /** Every transaction, in the order first submitted. */
  allTxns(): StoredTxn[] {
    return [...this.txns.values()].map((t) => structuredClone(t));
  }

  get lastHostRef(): number {
    return this.hostRef;
  }

  /** Applies a change and writes it; if the write fails memory goes back to what is on disk, and the error is thrown. */
  async commit(change: HostChange): Promise<void> {
    const undo: Array<() => void> = [];
    for (const next of change.orders ?? []) undo.push(replace(this.orders, next.order.orderId, structuredClone(next)));
    if (change.txn) undo.push(replace(this.txns, change.txn.txn.id, structuredClone(change.txn)));
    if (change.useCode) undo.push(replace(this.usedCodes, change.useCode.hash, change.useCode.txnId));
    if (change.lastHostRef !== undefined) {
      const before = this.hostRef;
      this.hostRef = change.lastHostRef;
      undo.push(() => (this.hostRef = before));
    }
    if (!this.file) return;
    try {
      await this.file.write(this.snapshot());
    } catch (error) {
      for (const step of undo.reverse()) step();
      throw error;
    }
  }

  private snapshot(): HostData {
    return {
      orders: [...this.orders.values()],
      txns: [...this.txns.values()],
      usedCodes: [...this.usedCodes].map(([hash, txnId]) => ({ hash, txnId })),
      lastHostRef: this.hostRef,
    };
  }

  private load(data: HostData): void {
    for (const entry of data.orders) this.orders.set(entry.order.orderId, entry);
    for (const entry of data.txns) this.txns.set(entry.txn.id, entry);
    for (const { hash, txnId } of data.usedCodes) this.usedCodes.set(hash, txnId);
    this.hostRef = data.lastHostRef;
  }
}

function emptyWith(orders: HostOrder[]): HostData {
  return { orders: structuredClone(orders), txns: [], usedCodes: [], lastHostRef: 0 };
}

/** Sets `map[key]` and returns how to put the previous value back. */
function replace<V>(map: Map<string, V>, key: string, value: V): () => void {
  const had = map.has(key);
  const before = map.get(key);
  map.set(key, value);
  return () => (had ? map.set(key, before as V) : map.delete(key));
}

/** A file that parses but lacks a part counts as damaged (its previous generation is used). */
function checkShape(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'data is not an object';
  const record = data as Record<string, unknown>;
  for (const key of ['orders', 'txns', 'usedCodes']) if (!Array.isArray(record[key])) return `data.${key} is not a list`;
  if (!Number.isSafeInteger(record.lastHostRef)) return 'data.lastHostRef is not a whole number';
  return undefined;
}
