// orders.json: orders this terminal has seen (sold here or looked up on the
// host), which is what lets a refund be taken offline. Capped, evicting the
// least recently seen, so the file does not grow with the years.
import type { Low } from 'lowdb';
import type { Order } from '../domain/types.ts';
import type { Logger } from '../runtime/log.ts';
import { commit, objectWith, openDoc } from './doc.ts';
import type { Recovery } from './durable-file.ts';

export const ORDERS_FORMAT = 'scanpos.orders';
export const ORDERS_VERSION = 1;
export const DEFAULT_MAX_ORDERS = 2000;

interface SeenOrder {
  order: Order;
  seenAt: string;
}

interface OrdersData {
  /** Least recently seen first. */
  orders: SeenOrder[];
}

export interface OrderCacheOptions {
  file: string;
  maxOrders: number;
  now: () => Date;
  log?: Logger;
  onRecover?: (recovery: Recovery) => void;
}

export class OrderCache {
  /** Insertion order of a Map is the recency order: the first key is evicted first. */
  private readonly byId = new Map<string, SeenOrder>();

  private constructor(
    private readonly db: Low<OrdersData>,
    private readonly options: OrderCacheOptions,
    readonly recovered: boolean,
  ) {
    this.rebuild();
  }

  static async open(options: OrderCacheOptions): Promise<OrderCache> {
    if (!Number.isInteger(options.maxOrders) || options.maxOrders < 1) {
      throw new Error(`maxOrders must be a positive integer, got ${options.maxOrders}`);
    }
    const { db, recovered } = await openDoc<OrdersData>({
      file: options.file,
      format: ORDERS_FORMAT,
      version: ORDERS_VERSION,
      empty: () => ({ orders: [] }),
      validate: (data) => objectWith(data, ['orders']),
      onRecover: options.onRecover,
      log: options.log,
    });
    return new OrderCache(db, options, recovered);
  }

  get(orderId: string): Order | undefined {
    return this.byId.get(orderId)?.order;
  }

  async put(order: Order): Promise<void> {
    this.byId.delete(order.orderId);
    this.byId.set(order.orderId, { order: structuredClone(order), seenAt: this.options.now().toISOString() });
    this.evict();
    try {
      await commit(this.db, { orders: [...this.byId.values()] });
    } catch (error) {
      // commit() put the document back as it is on disk; the index follows it.
      this.rebuild();
      throw error;
    }
  }

  rewrite(): Promise<void> {
    return this.db.write();
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

  private evict(): void {
    for (const id of this.byId.keys()) {
      if (this.byId.size <= this.options.maxOrders) return;
      this.byId.delete(id);
    }
  }
}
