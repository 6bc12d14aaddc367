// One end-to-end set-up, all real MQTT: a terminal with simulated devices,
// a pullable cable between it and the broker, the broker (aedes or
// mosquitto), and the reference acquirer host on that broker with its state
// in a data folder (so it can be stopped and started again). Everything
// started is stopped again, in reverse order, even when a test fails.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connectAsync, type MqttClient } from 'mqtt';
import type { Broker, RunningBroker } from '../support/brokers.ts';
import { TestTerminal, simConfig, tempDir } from '../support/terminal.ts';
import { startCable, type Cable } from '../../scripts/simulator/cable.ts';
import { startHost, type RunningHost } from '../../scripts/host/start.ts';
import type { Notification } from '../../scripts/host/service.ts';
import { MqttLink } from '../../hal/network/mqtt.ts';
import { HostClient } from '../../src/sync/host-client.ts';
import { silentLogger } from '../../src/runtime/log.ts';

export const TID = 'E2E1';

/** Tight, so that silence, reconnects and follow-ups take well under a second or two. */
export const NET = { rpcTimeoutMs: 1000, reconnectMinMs: 100, reconnectMaxMs: 500, bootJitterMs: 0 };
export const PROCESSING_DELAY_MS = 1000;

export interface Stack {
  broker: RunningBroker;
  cable: Cable;
  /** The host running now; undefined between stopHost() and startHost(). */
  host: RunningHost | undefined;
  /** What the host would have sent to customers (SMS / e-mail). */
  notifications: Notification[];
  terminal: TestTerminal;
  stopHost(): Promise<void>;
  /** Starts the host again over the same data folder (its state survives). */
  startHost(): Promise<RunningHost>;
}

/** How long one thing may take to stop before the test fails and moves on to the next. */
const STOP_LIMIT_MS = 4000;

/**
 * A stack of things to stop, last started first; run() tries them all
 * whatever fails, and a stop that hangs is an error, not a hung suite.
 */
export class Cleanup {
  readonly #steps: Array<{ what: string; step: () => Promise<unknown> }> = [];

  add(step: () => Promise<unknown>, what = 'a cleanup step'): void {
    this.#steps.push({ what, step });
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (const { what, step } of this.#steps.splice(0).reverse()) {
      await within(step(), STOP_LIMIT_MS, `${what} did not finish`).catch((err: unknown) => errors.push(err));
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length) throw new AggregateError(errors, errors.map(String).join('; '));
  }
}

/** Runs `body` with a fresh broker; the broker and whatever `body` registered are stopped afterwards. */
export async function withBroker(broker: Broker, body: (b: RunningBroker, cleanup: Cleanup) => Promise<void>): Promise<void> {
  const cleanup = new Cleanup();
  try {
    const running = await broker.start();
    cleanup.add(() => running.stop(), `the ${broker.name} broker stopping`);
    await body(running, cleanup);
  } finally {
    await cleanup.run();
  }
}

/** The whole chain terminal ↔ cable ↔ broker ↔ host, for the time of `body`. */
export async function withStack(broker: Broker, body: (s: Stack) => Promise<void>): Promise<void> {
  await withBroker(broker, async (running, cleanup) => {
    const notifications: Notification[] = [];
    const hostDir = tempDir();
    const dir = tempDir();
    cleanup.add(async () => {
      rmSync(hostDir, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }, 'removing the data folders');
    let host: RunningHost | undefined;
    const startOne = async () => {
      host = await startHost({
        url: running.url,
        logger: silentLogger(),
        dataDir: hostDir,
        processingDelayMs: PROCESSING_DELAY_MS,
        notify: (n) => notifications.push(n),
      });
      return host;
    };
    const stopOne = async () => {
      const h = host;
      host = undefined;
      await h?.stop();
    };
    await startOne();
    cleanup.add(stopOne, 'the host stopping');
    const cable = await startCable({ host: '127.0.0.1', port: running.port });
    cleanup.add(() => cable.stop(), 'the cable stopping');
    const terminal = await TestTerminal.start(terminalConfig(dir, cable.url));
    cleanup.add(() => terminal.stop(), 'the terminal stopping');
    await terminal.see(new RegExp(`${TID} ONLINE`));
    await body({
      broker: running,
      cable,
      get host() {
        return host;
      },
      notifications,
      terminal,
      stopHost: stopOne,
      startHost: startOne,
    });
  });
}

export function terminalConfig(dir: string, url: string) {
  return simConfig(dir, {
    terminal: { id: TID, number: '0042' },
    network: { driver: 'mqtt', ...NET },
    mqtt: { url },
  });
}

export { refundByKeys as refund } from '../support/terminal.ts';

/** A plain MQTT client beside the terminal (ops' monitoring, or someone publishing junk). */
export async function plainClient(url: string, cleanup: Cleanup): Promise<MqttClient> {
  const client = await connectAsync(url, { clientId: `e2e-${randomUUID().slice(0, 8)}`, protocolVersion: 4, reconnectPeriod: 0 });
  cleanup.add(() => client.endAsync(true), 'a plain MQTT client ending');
  return client;
}

/** A second, raw client of the host: `HostClient` over its own `MqttLink`, connected. */
export async function rawHostClient(url: string, terminalId: string, cleanup: Cleanup): Promise<HostClient> {
  const logger = silentLogger();
  const link = new MqttLink({ terminalId, url, logger, minDelayMs: NET.reconnectMinMs, maxDelayMs: NET.reconnectMaxMs });
  const connected = new Promise<void>((resolve) => {
    const off = link.onStatus((s) => {
      if (s.connected) {
        off();
        resolve();
      }
    });
  });
  await link.start();
  cleanup.add(() => link.stop(), `the raw client ${terminalId} stopping`);
  await within(connected, 3000, `raw client ${terminalId} did not connect`);
  return new HostClient({ link, timeoutMs: () => 1500, logger });
}

/** `promise`, or an error naming what did not happen within `ms` (`what` may be worked out late). */
export async function within<T>(promise: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${typeof what === 'string' ? what : what()} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
