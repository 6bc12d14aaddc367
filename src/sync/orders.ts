// Finding an order for a refund: the host's copy when it answers (and cached
// for offline use), the cached copy when it does not, and a refusal for an
// order never seen while offline ("needs the network to look up this order").
import type { OrderLookup as Lookup } from '../../screens/types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../runtime/log.ts';
import type { HostClient } from './host-client.ts';

export interface OrderLookupOptions {
  ledger: Ledger;
  host: HostClient;
  logger: Logger;
}

export class OrderLookup {
  readonly #o: OrderLookupOptions;

  constructor(options: OrderLookupOptions) {
    this.#o = options;
  }

  async lookup(orderId: string): Promise<Lookup> {
    const { ledger, host, logger } = this.#o;
    const pending = { cents: ledger.pendingRefundCents(orderId), count: ledger.pendingRefundCount(orderId) };
    if (host.online()) {
      const answer = await host.getOrder(orderId);
      if (answer.kind === 'ok') {
        await ledger.putOrder(answer.value);
        return { ok: true, order: answer.value, pending, source: 'host' };
      }
      if (answer.kind === 'error') {
        if (answer.code === 'ORDER_NOT_FOUND') return { ok: false, reason: 'not_found' };
        logger.warn({ orderId, code: answer.code }, 'order lookup refused by host');
        return { ok: false, reason: 'error', detail: answer.message };
      }
      logger.info({ orderId, reason: answer.reason }, 'host unreachable for order lookup: using the cache');
    }
    const cached = ledger.order(orderId);
    if (cached) return { ok: true, order: cached, pending, source: 'cache' };
    return { ok: false, reason: 'offline_unknown' };
  }
}
