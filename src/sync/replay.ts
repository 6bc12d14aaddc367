// Drains the outbox whenever the link is up: queued transactions are resent
// in order with their own ids, `processing` ones are followed with
// `txn.query`. While the host stays silent it backs off (full jitter, 1 s to
// 2 min). A refund declined on replay is brought to the merchant's attention.
import type { Link } from '../../hal/network/types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../runtime/log.ts';
import type { Submitter } from './submit.ts';

export interface ReplayerOptions {
  ledger: Ledger;
  submitter: Submitter;
  link: Link;
  logger: Logger;
  minDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

export class Replayer {
  readonly #o: ReplayerOptions;
  readonly #noticeListeners = new Set<(text: string) => void>();
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #draining: Promise<void> | undefined;
  #stopLink: (() => void) | undefined;
  #running = false;

  constructor(options: ReplayerOptions) {
    this.#o = options;
  }

  onNotice(listener: (text: string) => void): () => void {
    this.#noticeListeners.add(listener);
    return () => this.#noticeListeners.delete(listener);
  }

  start(): void {
    this.#running = true;
    this.#stopLink = this.#o.link.onStatus((s) => {
      if (s.connected) {
        this.#failures = 0;
        this.#schedule(0);
      }
    });
    this.#schedule(0);
  }

  stop(): void {
    this.#running = false;
    this.#stopLink?.();
    clearTimeout(this.#timer);
  }

  /** One pass over the outbox (also the ops command `sync`). Resolves when it is done. */
  drain(): Promise<void> {
    this.#draining ??= this.#pass().finally(() => (this.#draining = undefined));
    return this.#draining;
  }

  async #pass(): Promise<void> {
    const { ledger, submitter, link, logger } = this.#o;
    let silent = false;
    for (const record of [...ledger.outbox()]) {
      if (!link.status().connected) return;
      const before = record.state;
      const done = before === 'processing' ? await submitter.query(record) : await submitter.send(record);
      const after = done.record;
      if (after.state === 'declined' && record.txn.type === 'refund') {
        const text = `Refund ${record.txn.orderId} DECLINED on submission (${after.result?.code ?? '?'})`;
        logger.warn({ id: record.txn.id, code: after.result?.code }, 'queued refund declined on replay');
        for (const l of this.#noticeListeners) l(text);
      }
      if (after.state === before && after.attempts > record.attempts && before === 'queued') {
        silent = true;
        break;
      }
    }
    if (silent) this.#failures++;
    else this.#failures = 0;
    if (ledger.outbox().length > 0) this.#schedule(silent ? this.#backoff() : (this.#o.minDelayMs ?? 1000));
  }

  #backoff(): number {
    const min = this.#o.minDelayMs ?? 1000;
    const max = this.#o.maxDelayMs ?? 120_000;
    const ceiling = Math.min(max, min * 2 ** this.#failures);
    return Math.max(min, Math.floor((this.#o.random ?? Math.random)() * ceiling));
  }

  #schedule(ms: number): void {
    if (!this.#running) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.#o.link.status().connected) void this.drain();
    }, ms);
    this.#timer.unref?.();
  }
}
