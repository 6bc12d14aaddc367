// The network link over MQTT (mqtt.js), as PROTOCOL.md describes it:
// - client id = terminal id, credentials and TLS from config;
// - TCP_NODELAY on: a request/reply round trip must not wait on Nagle's
//   algorithm (mqtt.js opens its sockets without it, so we build the stream);
// - reconnects with exponential backoff and full jitter (mqtt.js only knows a
//   fixed period, so its own reconnect is off and we schedule ours);
// - retained `online` status at connect, `lost` as the last will, `offline`
//   on a clean shutdown;
// - RPC: requests on rpc/req with a correlation id, answers matched on rpc/res,
//   a time-out turns silence into `unreachable`;
// - reconfigure(): a pushed config moves it to other broker settings (the
//   caller decides whether they work, and moves it back if not).
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { Logger } from '../../src/runtime/log.ts';
import type { BrokerSettings, InTopic, Link, LinkStatus, OutTopic, RpcMethod, RpcOutcome } from './types.ts';
import { parseRpcResponse } from './rpc-response.ts';
import { noDelayStream } from './mqtt-stream.ts';

export const MAX_PAYLOAD_BYTES = 64 * 1024;

export interface MqttLinkOptions {
  terminalId: string;
  url: string;
  topicPrefix?: string;
  username?: string;
  password?: string;
  /** PEM files for TLS (mqtts://). */
  ca?: string;
  cert?: string;
  key?: string;
  /** Fields added to every status message (app version, config version, queue). */
  statusInfo?: () => Record<string, unknown>;
  /** Reconnect delays: full jitter between 0 and min(max, min·2^n), never below `minDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
  connectTimeoutMs?: number;
  keepaliveS?: number;
  logger: Logger;
  random?: () => number;
}

const IN_TOPICS: readonly InTopic[] = ['config/desired', 'cmd'];

export class MqttLink implements Link {
  #o: MqttLinkOptions;
  readonly #base: string;
  readonly #statusListeners = new Set<(s: LinkStatus) => void>();
  readonly #messageListeners = new Set<(topic: InTopic, payload: Buffer) => void>();
  readonly #pending = new Map<string, (outcome: RpcOutcome) => void>();
  /** Publishes waiting for their PUBACK: settled `false` when the connection is lost under them. */
  readonly #publishing = new Set<(sent: boolean) => void>();
  #client: MqttClient | undefined;
  #connected = false;
  #stopping = false;
  #failures = 0;
  #retry: NodeJS.Timeout | undefined;

  constructor(options: MqttLinkOptions) {
    this.#o = options;
    this.#base = `${options.topicPrefix ?? 'pos'}/${options.terminalId}`;
  }

  status(): LinkStatus {
    return { connected: this.#connected };
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
    const { logger } = this.#o;
    const tlsFiles = readTlsFiles(this.#o);
    // The transport, injected (MQTT.js's StreamBuilder): a socket with Nagle off.
    const streamBuilder = noDelayStream(this.#o.url, tlsFiles);
    const options: IClientOptions = {
      clientId: this.#o.terminalId,
      protocolVersion: 4,
      clean: true,
      keepalive: this.#o.keepaliveS ?? 30,
      reconnectPeriod: 0,
      // mqtt-packet's default is a cache of all 65 536 two-byte numbers, made at
      // the first packet: ~100 ms and ~15 MB resident on a board that sends a
      // few messages a minute. Without it each number is a 2-byte buffer.
      writeCache: false,
      connectTimeout: this.#o.connectTimeoutMs ?? 10_000,
      ...(this.#o.username ? { username: this.#o.username } : {}),
      ...(this.#o.password ? { password: this.#o.password } : {}),
      will: this.#will(),
    };
    // mqtt.js (with its dependencies) is most of a megabyte of code: loaded here,
    // once the home screen is drawn, rather than on the way to it.
    const { MqttClient } = await import('./mqtt-client.ts');
    if (this.#stopping) return;
    const client = new MqttClient(streamBuilder, options);
    this.#client = client;
    // A client left behind by reconfigure() may still close late: only the current one counts.
    const current = () => this.#client === client;
    client.on('connect', () => void (current() && this.#onConnect()));
    client.on('close', () => current() && this.#onClose());
    client.on('error', (err) => logger.warn({ err: err.message }, 'mqtt: connection error'));
    client.on('message', (topic, payload) => current() && this.#onMessage(topic, payload));
  }

  async reconfigure(settings: BrokerSettings): Promise<void> {
    const { url, username, password, ca, cert, key } = settings;
    const rest = { ...this.#o };
    for (const k of ['username', 'password', 'ca', 'cert', 'key'] as const) delete rest[k];
    const next: MqttLinkOptions = { ...rest, url, ...(username ? { username } : {}), ...(password ? { password } : {}), ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
    // Settings that cannot be used fail here, with the current connection
    // left as it is: a TLS file that cannot be read must not cut the terminal off.
    noDelayStream(next.url, readTlsFiles(next));
    await this.stop();
    this.#o = next;
    this.#stopping = false;
    this.#failures = 0;
    this.#o.logger.info({ url }, 'mqtt: moving to new broker settings');
    await this.start();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    if (!client) return;
    if (this.#connected) {
      await withTimeout(client.publishAsync(`${this.#base}/status`, JSON.stringify(this.#statusPayload('offline')), { qos: 1, retain: true }), 2000);
    }
    // A clean end waits for every QoS 1 message in flight to be acknowledged,
    // and one cut off by a lost connection never will be (mqtt.js keeps it
    // across the reconnect): forget those, they are answered as "offline"
    // below and the outbox holds what matters. A forced end, by contrast,
    // would skip DISCONNECT and make the broker publish the last will.
    for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
    const ended = await withTimeout(client.endAsync(), 3000);
    if (!ended) await client.endAsync(true).catch(() => undefined);
    this.#setConnected(false);
    for (const settle of this.#pending.values()) settle({ kind: 'unreachable', reason: 'offline' });
    this.#pending.clear();
    for (const settle of [...this.#publishing]) settle(false);
  }

  request(method: RpcMethod, params: Record<string, unknown>, timeoutMs: number): Promise<RpcOutcome> {
    const client = this.#client;
    if (!client || !this.#connected) return Promise.resolve({ kind: 'unreachable', reason: 'offline' });
    const id = randomUUID();
    return new Promise<RpcOutcome>((resolve) => {
      const timer = setTimeout(() => settle({ kind: 'unreachable', reason: 'timeout' }), timeoutMs);
      const settle = (outcome: RpcOutcome) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(outcome);
      };
      this.#pending.set(id, settle);
      const body = JSON.stringify({ v: 1, id, method, params });
      client.publish(`${this.#base}/rpc/req`, body, { qos: 1 }, (err) => {
        if (err) {
          this.#o.logger.warn({ method, err: err.message }, 'mqtt: request not sent');
          settle({ kind: 'unreachable', reason: 'offline' });
        }
      });
    });
  }

  async publish(topic: OutTopic, payload: Record<string, unknown>, options: { retain?: boolean } = {}): Promise<boolean> {
    const client = this.#client;
    if (!client || !this.#connected) return false;
    // A publish cut off by a lost connection could wait for its PUBACK for
    // ever (mqtt.js keeps it for a reconnect that may never resend it), and
    // with it whoever awaits it — a shutdown included. It settles `false` at
    // the loss: the caller keeps what it must send again.
    return new Promise<boolean>((resolve) => {
      const settle = (sent: boolean) => {
        if (this.#publishing.delete(settle)) resolve(sent);
      };
      this.#publishing.add(settle);
      client.publish(`${this.#base}/${topic}`, JSON.stringify({ v: 1, ...payload }), { qos: 1, retain: options.retain ?? false }, (err) => {
        if (err) this.#o.logger.warn({ topic, err: err.message }, 'mqtt: publish failed');
        settle(!err);
      });
    });
  }

  async #onConnect(): Promise<void> {
    const client = this.#client!;
    this.#failures = 0;
    try {
      await client.subscribeAsync([`${this.#base}/rpc/res`, ...IN_TOPICS.map((t) => `${this.#base}/${t}`)], { qos: 1 });
      await client.publishAsync(`${this.#base}/status`, JSON.stringify(this.#statusPayload('online')), { qos: 1, retain: true });
    } catch (err) {
      // Without rpc/res the terminal would be "connected" and deaf: drop the
      // connection so that the usual backoff and reconnect take over.
      this.#o.logger.warn({ err: (err as Error).message }, 'mqtt: subscribe after connect failed: reconnecting');
      client.stream.destroy();
      return;
    }
    this.#o.logger.info({ url: this.#o.url }, 'mqtt: connected');
    this.#setConnected(true);
  }

  #onClose(): void {
    const was = this.#connected;
    this.#setConnected(false);
    for (const settle of this.#pending.values()) settle({ kind: 'unreachable', reason: 'offline' });
    this.#pending.clear();
    for (const settle of [...this.#publishing]) settle(false);
    if (this.#stopping) return;
    const delay = this.#backoff();
    if (was) this.#o.logger.warn({ retryInMs: delay }, 'mqtt: connection lost');
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      const client = this.#client;
      if (!client || this.#stopping) return;
      // The last will is sent as it was at connect: make it tell the state of now.
      client.options.will = this.#will();
      client.reconnect();
    }, delay);
    this.#retry.unref?.();
  }

  #backoff(): number {
    const min = this.#o.minDelayMs ?? 1000;
    const max = this.#o.maxDelayMs ?? 120_000;
    const ceiling = Math.min(max, min * 2 ** this.#failures++);
    return Math.max(min, Math.floor((this.#o.random ?? Math.random)() * ceiling));
  }

  #onMessage(topic: string, payload: Buffer): void {
    const { logger } = this.#o;
    const suffix = topic.startsWith(this.#base + '/') ? topic.slice(this.#base.length + 1) : '';
    // Ops messages go to their receiver whatever their size: it refuses one
    // over 64 KiB itself and reports why (ops would otherwise hear nothing).
    if ((IN_TOPICS as readonly string[]).includes(suffix)) {
      for (const listener of this.#messageListeners) listener(suffix as InTopic, payload);
      return;
    }
    if (payload.length > MAX_PAYLOAD_BYTES) {
      logger.warn({ topic, bytes: payload.length }, 'mqtt: message over 64 KiB dropped');
      return;
    }
    if (suffix === 'rpc/res') {
      const parsed = parseRpcResponse(payload);
      if (!parsed.ok) {
        logger.warn({ topic, reason: parsed.reason }, 'mqtt: answer dropped');
        return;
      }
      const settle = this.#pending.get(parsed.id);
      if (!settle) {
        logger.debug({ id: parsed.id }, 'mqtt: answer to no request in flight (late or duplicate)');
        return;
      }
      settle(parsed.outcome);
      return;
    }
    logger.debug({ topic }, 'mqtt: message on an unexpected topic ignored');
  }

  #will(): NonNullable<IClientOptions['will']> {
    return { topic: `${this.#base}/status`, payload: Buffer.from(JSON.stringify(this.#statusPayload('lost'))), qos: 1, retain: true };
  }

  #statusPayload(state: 'online' | 'offline' | 'lost'): Record<string, unknown> {
    return { v: 1, state, at: new Date().toISOString(), ...this.#o.statusInfo?.() };
  }

  #setConnected(connected: boolean): void {
    if (connected === this.#connected) return;
    this.#connected = connected;
    for (const listener of this.#statusListeners) listener({ connected });
  }
}

/** The TLS files the settings name, read; throws naming the file that cannot be read. */
function readTlsFiles(o: Pick<MqttLinkOptions, 'ca' | 'cert' | 'key'>): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const read = (what: string, path?: string) => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read the MQTT ${what} file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  return { ca: read('CA', o.ca), cert: read('certificate', o.cert), key: read('key', o.key) };
}

/** True when `promise` settled (either way) within `ms`. */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = promise.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([done, timedOut]);
  clearTimeout(timer);
  return result;
}
