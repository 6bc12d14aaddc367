// Drains the outbox whenever the broker is up: queued transactions are
// resent in order with their own ids, `processing` ones and sales whose
// answer was lost are followed with `txn.query`. While the host stays silent
// it backs off (full jitter, 1 s to 2 min) and keeps probing; a new entry in
// the outbox starts a pass at once. Transactions settled here (not on the
// merchant's screen) are told to `onSettled` listeners.
import type { Link } from '../../hal/network/types.ts';
import type { TxnRecord } from '../domain/types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../runtime/log.ts';
import type { Sent, Submitter } from './submit.ts';

export interface ReplayerOptions {
  ledger: Ledger;
  submitter: Submitter;
  link: Link;
  logger: Logger;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** How often a `processing` transaction is asked about (default 2 s). */
  pollMs?: number;
  /** Submissions in flight at once during a replay (default 8): a long queue is not one round trip each. */
  window?: number;
  /** Longest random wait before the first pass after start, so that a fleet powered up together does not stampede (default 0). */
  bootJitterMs?: number;
  random?: () => number;
}

/** A transaction whose state changed during a replay pass: `before` is what the merchant last saw. */
export interface Settled {
  record: TxnRecord;
  before: TxnRecord['state'];
}

export class Replayer {
  readonly #o: ReplayerOptions;
  readonly #settledListeners = new Set<(settled: Settled) => void>();
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #draining: Promise<void> | undefined;
  #stops: Array<() => void> = [];
  #running = false;

  constructor(options: ReplayerOptions) {
    this.#o = options;
  }

  onSettled(listener: (settled: Settled) => void): () => void {
    this.#settledListeners.add(listener);
    return () => this.#settledListeners.delete(listener);
  }

  start(): void {
    this.#running = true;
    this.#stops.push(
      this.#o.link.onStatus((s) => {
        if (!s.connected) return;
        this.#failures = 0;
        this.#schedule(0);
      }),
      // A transaction recorded while the link is up but not settled (silence,
      // `processing`) must be followed without waiting for a reconnect.
      this.#o.submitter.onQueueChange(() => {
        if (!this.#timer && this.#o.ledger.outboxSize() > 0) this.#schedule(this.#o.minDelayMs ?? 1000);
      }),
    );
    this.#schedule(Math.floor((this.#o.random ?? Math.random)() * (this.#o.bootJitterMs ?? 0)));
  }

  stop(): void {
    this.#running = false;
    for (const stop of this.#stops.splice(0)) stop();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One pass over the outbox now (also the ops command `sync`). Resolves when it is done. */
  drain(): Promise<void> {
    this.#draining ??= this.#pass().finally(() => (this.#draining = undefined));
    return this.#draining;
  }

  async #pass(): Promise<void> {
    const { ledger, link } = this.#o;
    const queue = ledger.outbox();
    let next = 0;
    let backOff = false;
    // Started in outbox order, up to `window` at once; the host serialises
    // what must be (two refunds of one order), and every one carries its own id.
    const worker = async () => {
      while (next < queue.length && !backOff && this.#running && link.status().connected) {
        const record = queue[next++]!;
        if (await this.#replayOne(record)) backOff = true;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.#o.window ?? 8) }, worker));
    this.#failures = backOff ? this.#failures + 1 : 0;
    const left = ledger.outbox();
    if (left.length === 0) return;
    const onlyProcessing = left.every((r) => r.state === 'processing');
    this.#schedule(backOff ? this.#backoff() : onlyProcessing ? (this.#o.pollMs ?? 2000) : (this.#o.minDelayMs ?? 1000));
  }

  /** One transaction; true when the host gave no usable answer (back off). */
  async #replayOne(record: TxnRecord): Promise<boolean> {
    const { submitter, logger } = this.#o;
    let sent: Sent;
    try {
      // A sale's code expires: never resubmit one blindly, ask first.
      const mode = { background: true };
      sent = record.state === 'processing' || record.txn.type === 'sale' ? await submitter.follow(record, mode) : await submitter.send(record, mode);
    } catch (err) {
      logger.error({ err, id: record.txn.id }, 'replay of a transaction failed');
      return true;
    }
    if (sent.record.state !== record.state) {
      for (const listener of this.#settledListeners) listener({ record: sent.record, before: record.state });
    }
    return sent.backOff === true;
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
      this.#timer = undefined;
      if (this.#o.link.status().connected) void this.drain();
    }, ms);
    this.#timer.unref?.();
  }
}
