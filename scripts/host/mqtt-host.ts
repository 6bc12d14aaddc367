// The reference host on MQTT: takes requests on `pos/+/rpc/req` (or, with
// shared subscriptions, `$share/host/pos/+/rpc/req` so several host processes
// share the load) and answers each on its terminal's `rpc/res`. Malformed
// requests are dropped with a logged reason, and answered with an error when
// they carry an id; nothing a terminal sends can stop the host.
import { MqttClient } from 'mqtt';
import { noDelayStream } from '../../hal/network/mqtt-stream.ts';
import { rpcRequestSchema, describeZodError } from '../../src/domain/wire.ts';
import type { Logger } from '../../src/runtime/log.ts';
import type { HostService } from './service.ts';

export const MAX_PAYLOAD_BYTES = 64 * 1024;

export interface MqttHostOptions {
  url: string;
  service: HostService;
  logger: Logger;
  topicPrefix?: string;
  /** Subscribe through `$share/host/…` (mosquitto 2, EMQX, HiveMQ); aedes has no shared subscriptions. */
  shared?: boolean;
  clientId?: string;
  username?: string;
  password?: string;
}

export class MqttHost {
  readonly #o: MqttHostOptions;
  #client: MqttClient | undefined;

  constructor(options: MqttHostOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    const { url, logger } = this.#o;
    const prefix = this.#o.topicPrefix ?? 'pos';
    const client = new MqttClient(noDelayStream(url), {
      clientId: this.#o.clientId ?? `scanpos-host-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      protocolVersion: 4,
      reconnectPeriod: 1000,
      ...(this.#o.username ? { username: this.#o.username } : {}),
      ...(this.#o.password ? { password: this.#o.password } : {}),
    });
    this.#client = client;
    const filter = `${this.#o.shared ? '$share/host/' : ''}${prefix}/+/rpc/req`;
    client.on('error', (err) => logger.warn({ err: err.message }, 'host: broker error'));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      // A host that cannot reach its broker at start says so and stops, rather
      // than retrying in silence.
      client.once('error', (err) => {
        client.end(true);
        reject(new Error(`cannot connect to ${url}: ${err.message}`));
      });
    });
    client.on('message', (topic, payload) => void this.#handle(prefix, topic, payload));
    client.on('connect', () => logger.info({ url }, 'host: connected'));
    await client.subscribeAsync(filter, { qos: 1 });
    logger.info({ url, filter }, 'host: serving');
  }

  async stop(): Promise<void> {
    await this.#client?.endAsync().catch(() => undefined);
  }

  async #handle(prefix: string, topic: string, payload: Buffer): Promise<void> {
    const { logger, service } = this.#o;
    const parts = topic.split('/');
    const tid = parts.length === 4 && parts[0] === prefix ? parts[1]! : undefined;
    if (!tid) return logger.warn({ topic }, 'host: request on an unexpected topic dropped');
    if (payload.length > MAX_PAYLOAD_BYTES) return logger.warn({ tid, bytes: payload.length }, 'host: request over 64 KiB dropped');
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      return logger.warn({ tid }, 'host: request that is not JSON dropped');
    }
    const request = rpcRequestSchema.safeParse(body);
    if (!request.success) {
      const id = typeof (body as { id?: unknown })?.id === 'string' ? (body as { id: string }).id : undefined;
      const message = describeZodError(request.error);
      logger.warn({ tid, id, reason: message }, 'host: malformed request');
      if (id) await this.#reply(prefix, tid, { v: 1, id, ok: false, error: { code: 'BAD_REQUEST', message } });
      return;
    }
    const { id, method, params } = request.data;
    const answer = await service.handle(tid, method, params);
    logger.debug({ tid, id, method, ok: answer.ok }, 'host: answered');
    await this.#reply(prefix, tid, { v: 1, id, ...answer });
  }

  async #reply(prefix: string, tid: string, body: Record<string, unknown>): Promise<void> {
    try {
      await this.#client?.publishAsync(`${prefix}/${tid}/rpc/res`, JSON.stringify(body), { qos: 1 });
    } catch (err) {
      this.#o.logger.warn({ tid, err: (err as Error).message }, 'host: answer not sent');
    }
  }
}
