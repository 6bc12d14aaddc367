// Everything the terminal talks to, in this process: a real MQTT broker
// (aedes in process, or mosquitto as a child), the reference host on it with
// its state in a data folder (so it can be stopped and started again), and a
// cable — a TCP relay the harness can pull — between the terminal and the
// broker. Plus the files the terminal child is started with.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hashPin } from '../../src/domain/pin.ts';
import { createLogger } from '../../src/runtime/log.ts';
import type { Order } from '../../src/domain/types.ts';
import { startBroker } from '../simulator/broker.ts';
import { startCable, type Cable } from '../simulator/cable.ts';
import { startHost, type RunningHost } from '../host/start.ts';
import type { DemoBehaviour, HostOrder } from '../host/store.ts';
import { findMosquitto, mosquittoBroker } from '../simulator/mosquitto.ts';

export const TERMINAL_ID = 'CRASH1';
export const SUPERVISOR_PIN = '246810';
/** The terminal refuses an order's 51st refund; the harness stays well below. */
export const REFUNDS_PER_ORDER = 40;
/** How many orders are in use at a time (see OrderPicker): few enough to be known to the terminal for offline refunds. */
export const ORDER_WINDOW = 8;
/** Tight, so that silence and reconnects take a fraction of a second (the harness waits on them). */
export const RPC_TIMEOUT_MS = 500;

/** How long the host keeps a "processing" refund before approving it. */
export const PROCESSING_DELAY_MS = 400;

export type BrokerName = 'aedes' | 'mosquitto';

export interface Stack {
  dir: string;
  /** The terminal's storage.dir. */
  terminalDir: string;
  hostDir: string;
  configFile: string;
  orders: HostOrder[];
  cable: Cable;
  /** The host running now; undefined while it is stopped. */
  readonly host: RunningHost | undefined;
  startHost(): Promise<RunningHost>;
  stopHost(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  dir: string;
  broker: BrokerName;
  /** How many orders to seed the host with. */
  orders: number;
  /** Whether some orders are declined by the host (see crashOrders). */
  declines: boolean;
}

/**
 * Orders big enough for any number of small refunds, paid yesterday, WeChat
 * and Alipay in turn. Some make the host answer like the demo orders do, so
 * that every outcome meets a kill: declined for the merchant's balance
 * (a queued refund declined later must be shown to the merchant), SYSTEM_ERROR
 * once, and "processing" (the result follows through txn.query).
 */
export function crashOrders(count: number, options: { declines: boolean; now?: Date }): HostOrder[] {
  const paidAt = new Date((options.now ?? new Date()).getTime() - 24 * 3600_000).toISOString();
  // By position in each run of ORDER_WINDOW orders, so that the orders in use at any time cover every outcome.
  const behaviours: Record<number, DemoBehaviour> = { 1: 'system_error_once', 4: 'processing' };
  if (options.declines) behaviours[6] = 'insufficient_balance';
  return Array.from({ length: count }, (_, i) => {
    const order: Order = {
      orderId: `77${String(i + 1).padStart(14, '0')}`,
      amountCents: 100_000_000,
      currency: 'CNY',
      channel: i % 2 === 0 ? 'wechat' : 'alipay',
      status: 'paid',
      paidAt,
      refundedCents: 0,
      refundCount: 0,
    };
    const behaviour = behaviours[i % ORDER_WINDOW];
    return behaviour ? { order, behaviour } : { order };
  });
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const { dir } = options;
  const terminalDir = join(dir, 'terminal');
  const hostDir = join(dir, 'host');
  mkdirSync(hostDir, { recursive: true });
  const orders = crashOrders(options.orders, { declines: options.declines });
  const ordersFile = join(dir, 'orders.json');
  writeFileSync(ordersFile, JSON.stringify(orders.map((o) => ({ ...o.order, ...(o.behaviour ? { behaviour: o.behaviour } : {}) }))));

  const broker = options.broker === 'aedes' ? await startBroker() : await startMosquitto();
  const cable = await startCable({ host: '127.0.0.1', port: broker.port });
  const hostLogger = createLogger({ level: 'warn', name: 'host', file: join(dir, 'host.log') });
  let host: RunningHost | undefined;
  const startOne = async () => {
    host = await startHost({ url: broker.url, logger: hostLogger, dataDir: hostDir, ordersFile, notify: () => {}, processingDelayMs: PROCESSING_DELAY_MS });
    return host;
  };
  const stopOne = async () => {
    const running = host;
    host = undefined;
    await running?.stop();
  };
  await startOne();

  const configFile = join(dir, 'terminal.json');
  writeFileSync(
    configFile,
    JSON.stringify(
      {
        version: 1,
        terminal: { id: TERMINAL_ID, number: '0077' },
        storage: { dir: 'terminal' },
        network: { driver: 'mqtt', rpcTimeoutMs: RPC_TIMEOUT_MS, reconnectMinMs: 50, reconnectMaxMs: 400 },
        mqtt: { url: cable.url },
        display: { driver: 'sim' },
        keypad: { driver: 'sim' },
        scanner: { driver: 'sim' },
        // Receipts beside the data folder, not in it: they are evidence, not data.
        printer: { driver: 'sim', outputDir: '../receipts' },
        indicators: { driver: 'sim' },
        security: { supervisorPinHash: hashPin(SUPERVISOR_PIN) },
        // Limits out of the way: the harness is after lost and doubled refunds, not refusals.
        offline: { maxRefundCents: 100_000_000, maxTotalCents: 100_000_000_000, maxCount: 100_000 },
        log: { level: 'info' },
      },
      null,
      2,
    ),
  );

  return {
    dir,
    terminalDir,
    hostDir,
    configFile,
    orders,
    cable,
    get host() {
      return host;
    },
    startHost: startOne,
    stopHost: stopOne,
    async stop() {
      await stopOne();
      await cable.stop();
      await broker.stop();
      hostLogger.flush?.();
    },
  };
}

async function startMosquitto() {
  const binary = findMosquitto();
  if (!binary) throw new Error('--broker mosquitto: mosquitto is not installed (apt-get install mosquitto)');
  return mosquittoBroker(binary).start();
}
