// Typed calls to the acquirer host over the link. Every reply is validated:
// a malformed answer is logged and treated as no answer (the transaction
// stays in the outbox), never trusted.
import type { Link, RpcOutcome } from '../../hal/network/types.ts';
import { orderSchema, resultSchemas, txnResultSchema } from '../domain/wire.ts';
import type { TotalsLine } from '../domain/settlement.ts';
import type { Contact, Order, Txn, TxnResult } from '../domain/types.ts';
import type { Logger } from '../runtime/log.ts';

export type HostAnswer<T> = { kind: 'ok'; value: T } | { kind: 'error'; code: string; message: string } | { kind: 'unreachable'; reason: string };

export interface HostClientOptions {
  link: Link;
  /** How long to wait for an answer before the host counts as unreachable. */
  timeoutMs: () => number;
  logger: Logger;
}

export class HostClient {
  readonly #o: HostClientOptions;
  /** The host answered the last request (or nothing was asked since the link came up). */
  #answering = true;
  readonly #listeners = new Set<(online: boolean) => void>();

  constructor(options: HostClientOptions) {
    this.#o = options;
    options.link.onStatus((s) => {
      // A new connection gives the host the benefit of the doubt; the clock
      // check at connect asks it at once.
      if (s.connected) this.#answering = true;
      this.#emit();
    });
  }

  /**
   * Whether the host can be reached: the broker connection is up *and* the
   * host answered the last request. A silent host is offline just like a
   * broker that is down (DESIGN.md "Offline").
   */
  online(): boolean {
    return this.#o.link.status().connected && this.#answering;
  }

  onOnlineChange(listener: (online: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Asks the host the time (the clock check, and a cheap probe of a silent host). */
  time(): Promise<HostAnswer<string>> {
    return this.#call<string>('time.get', {}, (r) =>
      typeof r.now === 'string' && !Number.isNaN(Date.parse(r.now)) ? { success: true, data: r.now } : { success: false },
    );
  }

  getOrder(orderId: string): Promise<HostAnswer<Order>> {
    return this.#call('order.get', { orderId }, (r) => orderSchema.safeParse(r.order));
  }

  submit(txn: Txn): Promise<HostAnswer<TxnResult>> {
    return this.#call('txn.submit', { txn }, (r) => txnResultSchema.safeParse(r.result));
  }

  query(id: string): Promise<HostAnswer<TxnResult>> {
    return this.#call('txn.query', { id }, (r) => txnResultSchema.safeParse(r.result));
  }

  /** This terminal's approved transactions with createdAt in [from, to), per network and type. */
  settlementTotals(from: string, to: string): Promise<HostAnswer<TotalsLine[]>> {
    return this.#call('settlement.totals', { from, to }, (r) => {
      const parsed = resultSchemas['settlement.totals'].safeParse(r);
      return parsed.success ? { success: true, data: parsed.data.totals } : { success: false, error: parsed.error };
    });
  }

  notify(params: { txnId: string; orderId: string; contact: Contact; text: string }): Promise<HostAnswer<true>> {
    return this.#call<true>('notify.send', { ...params }, (r) => (r.queued === true ? { success: true, data: true } : { success: false }));
  }

  async #call<T>(
    method: Parameters<Link['request']>[0],
    params: Record<string, unknown>,
    parse: (result: Record<string, unknown>) => { success: true; data: T } | { success: false; error?: unknown },
  ): Promise<HostAnswer<T>> {
    const outcome: RpcOutcome = await this.#o.link.request(method, params, this.#o.timeoutMs());
    if (outcome.kind === 'unreachable') {
      if (outcome.reason === 'timeout') this.#setAnswering(false);
      return { kind: 'unreachable', reason: outcome.reason };
    }
    this.#setAnswering(true);
    if (outcome.kind === 'error') return { kind: 'error', code: outcome.error.code, message: outcome.error.message };
    const parsed = parse(outcome.result);
    if (!parsed.success) {
      this.#o.logger.warn({ method, error: String(parsed.error ?? 'bad shape') }, 'host answer malformed: ignored');
      return { kind: 'unreachable', reason: 'malformed answer' };
    }
    return { kind: 'ok', value: parsed.data };
  }

  #setAnswering(answering: boolean): void {
    if (answering === this.#answering) return;
    this.#answering = answering;
    this.#o.logger.info({ answering }, answering ? 'host answers again' : 'host silent: working offline');
    this.#emit();
  }

  #emit(): void {
    const online = this.online();
    for (const listener of this.#listeners) listener(online);
  }
}
