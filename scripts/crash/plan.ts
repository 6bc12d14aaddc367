// What the harness does next, decided by the seed: how each life of the
// terminal ends, which order each refund is for, and the customer's code.
import type { Channel, Order } from '../../src/domain/types.ts';
import type { HostOrder } from '../host/store.ts';
import type { Random } from './random.ts';
import { ORDER_WINDOW, REFUNDS_PER_ORDER } from './stack.ts';

/** How the terminal of one life dies: on a timer, or right after OK on its nth confirm screen. */
export type LifePlan = { mode: 'timer'; atMs: number } | { mode: 'confirm'; nth: number; delayMs: number };

export function planLife(random: Random, maxLifeMs: number): LifePlan {
  // Mid-submission is where a terminal is most likely to lose or double a refund: aim there often.
  if (random.chance(0.4)) return { mode: 'confirm', nth: random.int(1, 3), delayMs: random.chance(0.2) ? 0 : random.int(1, 40) };
  return { mode: 'timer', atMs: random.int(0, maxLifeMs) };
}

/** A code of the order's network, never used before in this run (the host accepts each code once). */
export function payCode(channel: Channel, n: number): string {
  return (channel === 'wechat' ? '13' : '28') + String(n).padStart(16, '0');
}

/**
 * Orders in turn from a small window (so most are known to the terminal and
 * can be refunded offline), each retired after REFUNDS_PER_ORDER confirmed
 * refunds, well below the networks' 50.
 */
export class OrderPicker {
  #low = 0;
  #turn = 0;
  readonly #count = new Map<string, number>();
  private readonly orders: Order[];

  constructor(orders: HostOrder[]) {
    this.orders = orders.map((o) => o.order);
  }

  pick(): Order {
    const open = (o: Order) => (this.#count.get(o.orderId) ?? 0) < REFUNDS_PER_ORDER;
    while (this.#low < this.orders.length && !open(this.orders[this.#low]!)) this.#low++;
    const window = this.orders.slice(this.#low, this.#low + ORDER_WINDOW).filter(open);
    if (!window.length) throw new Error('the harness ran out of orders: seed the host with more');
    return window[this.#turn++ % window.length]!;
  }

  used(orderId: string): void {
    this.#count.set(orderId, (this.#count.get(orderId) ?? 0) + 1);
  }
}
