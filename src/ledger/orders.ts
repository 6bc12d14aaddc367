// orders: orders this terminal has seen (sold here or looked up on the
// host), which is what lets a refund be taken offline. Capped, evicting the
// least recently seen, so the store does not grow with the years. Seeing an
// order again moves it last: one journal record (delete, put) per order seen.
import type { Low } from 'lowdb';
import type { Order } from '../domain/types.ts';
import { commit, FROM_WHOLE_FILE, objectWith, openDoc, type StoreContext } from './doc.ts';
import type { JournalCodec, JournalFile } from './journal-file.ts';

export const ORDERS_FORMAT = 'scanpos.orders';
export const ORDERS_VERSION = 2;
export const DEFAULT_MAX_ORDERS = 2000;

interface SeenOrder {
  order: Order;
  seenAt: string;
}

interface OrdersData {
  /** Least recently seen first. */
  orders: SeenOrder[];
}

const codec: JournalCodec<OrdersData> = {
  entries: (data) => data.orders.map((seen) => [seen.order.orderId, seen] as const),
  document: (entries) => ({ orders: entries.map(([, seen]) => seen as SeenOrder) }),
};

export interface OrderCacheOptions extends StoreContext {
  file: string;
  maxOrders: number;
  now: () => Date;
}

export class OrderCache {
  /** Insertion order of a Map is the recency order: the first key is evicted first. */
  private readonly byId = new Map<string, SeenOrder>();

  private constructor(
    private readonly db: Low<OrdersData>,
    private readonly adapter: JournalFile<OrdersData>,
    private readonly options: OrderCacheOptions,
    readonly recovered: boolean,
  ) {
    this.rebuild();
  }

  static async open(options: OrderCacheOptions): Promise<OrderCache> {
    if (!Number.isInteger(options.maxOrders) || options.maxOrders < 1) {
      throw new Error(`maxOrders must be a positive integer, got ${options.maxOrders}`);
    }
    const { db, adapter, recovered } = await openDoc<OrdersData>({
      ...options,
      format: ORDERS_FORMAT,
      version: ORDERS_VERSION,
      codec,
      migrations: FROM_WHOLE_FILE,
      empty: () => ({ orders: [] }),
      validate: (data) => objectWith(data, ['orders']),
    });
    return new OrderCache(db, adapter, options, recovered);
  }

  get(orderId: string): Order | undefined {
    return this.byId.get(orderId)?.order;
  }

  put(order: Order): Promise<void> {
    return this.putAll([order]);
  }

  /** Orders seen, in the order given (the last is the most recent): one write. */
  async putAll(orders: readonly Order[]): Promise<void> {
    if (orders.length === 0) return;
    const del = new Set<string>();
    const puts = new Map<string, SeenOrder>();
    const seenAt = this.options.now().toISOString();
    for (const order of orders) {
      // Deleted and put again: it moves last, the most recently seen.
      if (this.byId.delete(order.orderId)) del.add(order.orderId);
      puts.delete(order.orderId);
      const seen = { order: structuredClone(order), seenAt };
      this.byId.set(order.orderId, seen);
      puts.set(order.orderId, seen);
    }
    for (const id of this.evict()) {
      del.add(id);
      puts.delete(id);
    }
    try {
      await commit(this.db, { orders: [...this.byId.values()] }, { adapter: this.adapter, change: { del: [...del], puts: [...puts] } });
    } catch (error) {
      // commit() put the document back as it is on disk; the index follows it.
      this.rebuild();
      throw error;
    }
  }

  rewrite(): Promise<void> {
    return this.adapter.compact();
  }

  close(): Promise<void> {
    return this.adapter.close();
  }

  private rebuild(): void {
    this.byId.clear();
    for (const seen of this.db.data.orders) {
      this.byId.delete(seen.order.orderId);
      this.byId.set(seen.order.orderId, seen);
    }
    // A smaller cap than the one the file was written with takes effect at open.
    this.evict();
  }

  /** Drops the least recently seen beyond the cap; returns their ids. */
  private evict(): string[] {
    const evicted: string[] = [];
    for (const id of this.byId.keys()) {
      if (this.byId.size <= this.options.maxOrders) break;
      this.byId.delete(id);
      evicted.push(id);
    }
    return evicted;
  }
}
