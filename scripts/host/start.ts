// Starting the reference host: its state (data folder or memory), the orders
// it is seeded with (a file, or the demo orders), and the MQTT transport.
import { HostService, type Notification } from './service.ts';
import { HostStore, type HostOrder } from './store.ts';
import { demoOrders } from './demo-orders.ts';
import { readOrdersFile } from './orders-file.ts';
import { MqttHost } from './mqtt-host.ts';
import type { Logger } from '../../src/runtime/log.ts';

export interface StartHostOptions {
  url: string;
  logger: Logger;
  /** JSON array of orders to seed a new host with (instead of the demo orders). */
  ordersFile?: string;
  /** Orders to seed a new host with, given directly (benchmarks, tests). */
  orders?: HostOrder[];
  /** Keeps the host's state across restarts; memory only when absent. */
  dataDir?: string;
  shared?: boolean;
  topicPrefix?: string;
  now?: () => Date;
  /** Where the notifications the host would send are shown (default: logged). */
  notify?: (notification: Notification) => void;
  processingDelayMs?: number;
}

export interface RunningHost {
  service: HostService;
  store: HostStore;
  stop(): Promise<void>;
}

export async function startHost(options: StartHostOptions): Promise<RunningHost> {
  const now = options.now ?? (() => new Date());
  const seedOrders = options.orders ?? (options.ordersFile ? await readOrdersFile(options.ordersFile) : undefined);
  const store = await HostStore.open({
    ...(options.dataDir ? { dir: options.dataDir } : {}),
    seed: () => seedOrders ?? demoOrders({ now: now() }),
    log: options.logger,
  });
  if (options.ordersFile && !store.seeded) {
    options.logger.warn({ dataDir: options.dataDir }, `host: ${options.ordersFile} not loaded: the data folder already has the host's state`);
  }
  const service = new HostService({
    store,
    now,
    log: options.logger,
    notify: options.notify ?? ((n) => options.logger.info({ to: n.to }, `notification: ${n.text}`)),
    ...(options.processingDelayMs !== undefined ? { processingDelayMs: options.processingDelayMs } : {}),
  });
  const transport = new MqttHost({
    url: options.url,
    service,
    logger: options.logger,
    shared: options.shared ?? false,
    ...(options.topicPrefix ? { topicPrefix: options.topicPrefix } : {}),
  });
  await transport.start();
  return { service, store, stop: () => transport.stop() };
}
