// The ops tool's MQTT connection: a short-lived client (clean session, no
// reconnect) and the one thing MQTT 3.1.1 does not give, "everything that is
// retained under these filters": the broker sends retained messages right
// after the subscription is acknowledged, with no end marker, so we read
// until the topics have been quiet for a moment.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

export interface BrokerOptions {
  url: string;
  prefix: string;
  username?: string;
  password?: string;
  /** PEM files for TLS. */
  ca?: string;
  cert?: string;
  certKey?: string;
}

export interface Message {
  topic: string;
  /** The terminal id (the topic level after the prefix). */
  tid: string;
  /** What follows `{prefix}/{tid}/`: `status`, `config/reported`… */
  suffix: string;
  payload: Buffer;
  /** true for a message the broker kept, false for one published just now. */
  retained: boolean;
}

const CONNECT_TIMEOUT_MS = 5000;
/** Retained messages come back to back; this much silence means they are all in. */
const QUIET_MS = 300;
/** However busy the fleet, the snapshot ends after this long. */
const SNAPSHOT_LIMIT_MS = 5000;

export class OpsClient {
  readonly #listeners = new Set<(m: Message) => void>();

  private constructor(
    readonly client: MqttClient,
    readonly prefix: string,
  ) {
    client.on('message', (topic, payload, packet) => {
      const m = this.#message(topic, payload, packet.retain);
      if (m) for (const l of this.#listeners) l(m);
    });
  }

  static async connect(o: BrokerOptions): Promise<OpsClient> {
    const read = (path: string | undefined) => (path ? readFileSync(path) : undefined);
    const options: IClientOptions = {
      // Never the id of a terminal: a broker drops the older of two clients with one id.
      clientId: `ops-${randomUUID().slice(0, 12)}`,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: CONNECT_TIMEOUT_MS,
      ...(o.username ? { username: o.username } : {}),
      ...(o.password ? { password: o.password } : {}),
      ...(o.ca ? { ca: read(o.ca) } : {}),
      ...(o.cert ? { cert: read(o.cert) } : {}),
      ...(o.certKey ? { key: read(o.certKey) } : {}),
    };
    const client = await connectAsync(o.url, options);
    return new OpsClient(client, o.prefix);
  }

  onMessage(listener: (m: Message) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Subscribes `{prefix}/+/{suffix}` for each suffix; filters the broker refuses (ACL) are left out. */
  async subscribe(suffixes: readonly string[]): Promise<string[]> {
    const granted = await this.client.subscribeAsync(
      suffixes.map((s) => `${this.prefix}/+/${s}`),
      { qos: 1 },
    );
    return granted.filter((g) => g.qos !== 128).map((g) => g.topic);
  }

  /**
   * Subscribes and returns what the broker had retained under those topics,
   * in arrival order; later messages still reach onMessage listeners.
   */
  async snapshot(suffixes: readonly string[]): Promise<Message[]> {
    const got: Message[] = [];
    let last = Date.now();
    const off = this.onMessage((m) => {
      if (!m.retained) return;
      got.push(m);
      last = Date.now();
    });
    try {
      await this.subscribe(suffixes);
      last = Date.now();
      const started = last;
      while (Date.now() - last < QUIET_MS && Date.now() - started < SNAPSHOT_LIMIT_MS) await sleep(50);
    } finally {
      off();
    }
    return got;
  }

  async publish(tid: string, suffix: string, body: Record<string, unknown>, retain: boolean): Promise<void> {
    await this.client.publishAsync(`${this.prefix}/${tid}/${suffix}`, JSON.stringify(body), { qos: 1, retain });
  }

  async close(): Promise<void> {
    await this.client.endAsync().catch(() => this.client.endAsync(true));
  }

  #message(topic: string, payload: Buffer, retained: boolean): Message | undefined {
    const head = `${this.prefix}/`;
    if (!topic.startsWith(head)) return undefined;
    const rest = topic.slice(head.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) return undefined;
    return { topic, tid: rest.slice(0, slash), suffix: rest.slice(slash + 1), payload, retained };
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The JSON object in a payload, or undefined (junk and empty "cleared" retained messages alike). */
export function json(payload: Buffer): Record<string, unknown> | undefined {
  if (!payload.length) return undefined;
  try {
    const v: unknown = JSON.parse(payload.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
