// Simulated network link. Its far end is a `SimHost` handler (the reference
// host's logic, or a test's stub) attached by the composition root or a test.
//
// It reproduces the failures a terminal meets in a shop, with real timers:
//   drop()/restore()  the broker connection goes down / comes back: requests
//                     fail at once with `offline`, in-flight ones too (their
//                     answer is lost even if the host acted on them);
//   silence(true)     the broker is up but the host does not answer: requests
//                     end in `timeout` after their full time-out;
//   a slow host       an answer later than `timeoutMs` is ignored (`timeout`);
//   a failing host    a handler that throws is, for the terminal, a host that
//                     never answered: `timeout`, and the error is logged;
//   unreachable(url)  broker settings that never connect: a reconfigure() to
//                     that URL leaves the link down until the next one
//                     (one naming a TLS file that cannot be read throws
//                     and leaves the link as it was, as the MQTT link does).
// Requests and answers go through JSON, as on the wire, so a test's host
// never shares objects with the terminal. Before start() and after stop()
// the link is down.
import { readFileSync } from 'node:fs';
import type { Logger } from '../../src/runtime/log.ts';
import type { BrokerSettings, InTopic, Link, LinkStatus, OutTopic, RpcMethod, RpcOutcome } from './types.ts';

export interface SimRequest {
  terminalId: string;
  method: RpcMethod;
  params: Record<string, unknown>;
}

export type SimAnswer = { ok: true; result: Record<string, unknown> } | { ok: false; error: { code: string; message: string } };

export type SimHost = (request: SimRequest) => Promise<SimAnswer>;

export interface SimLinkOptions {
  terminalId: string;
  host?: SimHost;
  /** Whether the broker is reachable once started (default true). */
  connected?: boolean;
  /** Time a request takes to reach the host (default 0). */
  latencyMs?: number;
  logger?: Logger;
}

export interface PublishedMessage {
  topic: OutTopic;
  payload: Record<string, unknown>;
  retain: boolean;
}

const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function toOutcome(answer: unknown): RpcOutcome | null {
  if (!isObject(answer)) return null;
  if (answer.ok === true && isObject(answer.result)) return { kind: 'ok', result: wire(answer.result) };
  const error = answer.error;
  if (answer.ok === false && isObject(error) && typeof error.code === 'string') {
    return { kind: 'error', error: { code: error.code, message: String(error.message ?? '') } };
  }
  return null;
}

export class SimLink implements Link {
  readonly #terminalId: string;
  readonly #latencyMs: number;
  readonly #logger: Logger | undefined;
  #host: SimHost | undefined;
  #brokerUp: boolean;
  #started = false;
  #silenced = false;
  #statusListeners = new Set<(status: LinkStatus) => void>();
  #messageListeners = new Set<(topic: InTopic, payload: Buffer) => void>();
  /** Settles every request in flight as `offline` when the connection goes down. */
  #inFlight = new Set<() => void>();
  #requests: SimRequest[] = [];
  #published: PublishedMessage[] = [];
  #unreachableUrls = new Set<string>();
  #settings: BrokerSettings[] = [];

  constructor(options: SimLinkOptions) {
    this.#terminalId = options.terminalId;
    this.#host = options.host;
    this.#brokerUp = options.connected ?? true;
    this.#latencyMs = Math.max(0, options.latencyMs ?? 0);
    this.#logger = options.logger;
  }

  status(): LinkStatus {
    return { connected: this.#connected() };
  }

  onStatus(listener: (status: LinkStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  onMessage(listener: (topic: InTopic, payload: Buffer) => void): () => void {
    this.#messageListeners.add(listener);
    return () => this.#messageListeners.delete(listener);
  }

  async start(): Promise<void> {
    this.#change(() => (this.#started = true));
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    if (this.#connected()) await this.publish('status', { v: 1, state: 'offline', at: new Date().toISOString() }, { retain: true });
    this.#change(() => (this.#started = false));
  }

  /** The connection drops and comes back with the new settings, unless their URL was made unreachable. */
  async reconfigure(settings: BrokerSettings): Promise<void> {
    // As the MQTT link: TLS files that cannot be read fail the call, the connection left as it is.
    for (const path of [settings.ca, settings.cert, settings.key]) {
      if (path) readFileSync(path);
    }
    this.#settings.push({ ...settings });
    this.#change(() => (this.#brokerUp = false));
    if (this.#unreachableUrls.has(settings.url)) return;
    // As a real reconnect: later than the call, never within it.
    setTimeout(() => this.#change(() => (this.#brokerUp = true)), 0);
  }

  async publish(topic: OutTopic, payload: Record<string, unknown>, options: { retain?: boolean } = {}): Promise<boolean> {
    if (!this.#connected()) return false;
    this.#published.push({ topic, payload: wire(payload), retain: options.retain ?? false });
    return true;
  }

  request(method: RpcMethod, params: Record<string, unknown>, timeoutMs: number): Promise<RpcOutcome> {
    if (!this.#connected()) return Promise.resolve({ kind: 'unreachable', reason: 'offline' });
    let sent: Record<string, unknown>;
    try {
      sent = wire(params);
    } catch (error) {
      // A request that cannot be written as JSON never leaves the terminal: a bug to show, not an outage.
      this.#logger?.error({ err: error, method }, 'request params are not JSON');
      return Promise.resolve({ kind: 'error', error: { code: 'BAD_REQUEST', message: 'params are not JSON' } });
    }
    return new Promise<RpcOutcome>((resolve) => {
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const settle = (outcome: RpcOutcome) => {
        if (settled) return;
        settled = true;
        for (const timer of timers) clearTimeout(timer);
        this.#inFlight.delete(lost);
        resolve(outcome);
      };
      const lost = () => settle({ kind: 'unreachable', reason: 'offline' });
      this.#inFlight.add(lost);
      timers.push(setTimeout(() => settle({ kind: 'unreachable', reason: 'timeout' }), Math.max(0, timeoutMs)));
      const request: SimRequest = { terminalId: this.#terminalId, method, params: sent };
      const deliver = () => {
        if (settled) return;
        const host = this.#host;
        if (!host || this.#silenced) return; // nobody answers: the time-out settles it
        this.#requests.push(wire(request));
        let answer: Promise<SimAnswer>;
        try {
          answer = Promise.resolve(host(request));
        } catch (error) {
          answer = Promise.reject(error);
        }
        answer.then(
          (value) => {
            const outcome = toOutcome(value);
            if (outcome) settle(outcome);
            else this.#logger?.warn({ method, answer: value }, 'sim host gave a malformed answer; dropped');
          },
          (error: unknown) => this.#logger?.error({ err: error, method }, 'sim host failed; the request will time out'),
        );
      };
      if (this.#latencyMs > 0) timers.push(setTimeout(deliver, this.#latencyMs));
      else deliver();
    });
  }

  // ---- back door ----

  /** The broker connection goes down (status listeners are told; in-flight requests end `offline`). */
  drop(): void {
    this.#change(() => (this.#brokerUp = false));
  }

  /** The broker connection comes back. */
  restore(): void {
    this.#change(() => (this.#brokerUp = true));
  }

  /** The broker stays up but the host stops (true) or resumes (false) answering. */
  silence(on: boolean): void {
    this.#silenced = on;
  }

  /** Attaches (or, with undefined, detaches) the far end. */
  setHost(host: SimHost | undefined): void {
    this.#host = host;
  }

  /** A broker URL that cannot be reached: reconfigure() to it leaves the link down. */
  unreachable(url: string): void {
    this.#unreachableUrls.add(url);
  }

  /** Every broker setting given to reconfigure(), in order. */
  reconfigurations(): readonly BrokerSettings[] {
    return [...this.#settings];
  }

  /** Every request the host actually received, in order. */
  requests(): readonly SimRequest[] {
    return [...this.#requests];
  }

  /** Every message published, in order. */
  published(): readonly PublishedMessage[] {
    return [...this.#published];
  }

  /** An inbound message on `pos/{tid}/{topic}`; false (nothing delivered) while the link is down. */
  deliver(topic: InTopic, payload: Buffer): boolean {
    if (!this.#connected()) return false;
    for (const listener of [...this.#messageListeners]) listener(topic, payload);
    return true;
  }

  #connected(): boolean {
    return this.#started && this.#brokerUp;
  }

  /** Applies a state change and tells status listeners if `connected` changed. */
  #change(apply: () => void): void {
    const before = this.#connected();
    apply();
    const now = this.#connected();
    if (before === now) return;
    if (!now) for (const lost of [...this.#inFlight]) lost();
    const status = { connected: now };
    for (const listener of [...this.#statusListeners]) listener(status);
  }
}
