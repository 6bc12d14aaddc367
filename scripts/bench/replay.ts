// Replay of a long outbox: N refunds recorded offline, then the link comes
// up and the terminal submits them all to the reference host (its own
// process) through a real broker (mosquitto where installed, else aedes). Beside it, the same host
// and broker driven by a bare mqtt.js loop with the same window of requests
// in flight: what the broker and host can do at best. While the terminal
// replays, keys are pressed and the time to the new frame is measured.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { MqttClient } from 'mqtt';
import { parseConfig } from '../../config/load.ts';
import { noDelayStream } from '../../hal/network/mqtt-stream.ts';
import { sims, unregisterSims } from '../../hal/sims.ts';
import type { Order, Txn } from '../../src/domain/types.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { startTerminal } from '../../src/runtime/main.ts';
import { freshPayCode } from '../host/demo-orders.ts';
import type { HostOrder } from '../host/store.ts';
import { startBroker } from '../simulator/broker.ts';
import { findMosquitto, mosquittoBroker, type RunningBroker } from '../simulator/mosquitto.ts';
import { figure, percentile, type Figure } from './stats.ts';

const WINDOW = 8;
const TID = 'BENCHR';

function orders(count: number): HostOrder[] {
  // 40 refunds of 0.01 per order: under the 50-refund cap.
  return Array.from({ length: Math.ceil(count / 40) }, (_, i): HostOrder => ({
    order: {
      orderId: `3026${String(i).padStart(12, '0')}`,
      amountCents: 100_000,
      currency: 'CNY',
      channel: 'wechat',
      status: 'paid',
      paidAt: new Date(Date.now() - 3_600_000).toISOString(),
      refundedCents: 0,
      refundCount: 0,
    } satisfies Order,
  }));
}

const refund = (i: number, terminalId: string): Txn => ({
  id: randomUUID(),
  type: 'refund',
  orderId: `3026${String(Math.floor(i / 40)).padStart(12, '0')}`,
  amountCents: 1,
  currency: 'CNY',
  channel: 'wechat',
  payCode: freshPayCode({ channel: 'wechat' }),
  createdAt: new Date().toISOString(),
  offline: true,
  terminalId,
  operator: 'bench',
});

async function startAnyBroker(): Promise<{ name: string; broker: RunningBroker }> {
  const binary = findMosquitto();
  if (binary) return { name: 'mosquitto', broker: await mosquittoBroker(binary).start() };
  return { name: 'aedes', broker: await startBroker() };
}

export async function replayBench(options: { count: number }): Promise<Figure[]> {
  const { count } = options;
  const logger = silentLogger();
  const { name, broker } = await startAnyBroker();
  try {
    // Baseline: a bare client, same window, same host, its own orders.
    const bareHost = await hostProcess(broker.url, count);
    const bareRate = await bareLoop(broker.url, count);
    await bareHost.stop();

    // The terminal: N refunds recorded offline, then replayed.
    const host = await hostProcess(broker.url, count);
    const dir = mkdtempSync(join(tmpdir(), 'scanpos-bench-replay-'));
    const { ledger } = await Ledger.open({ dir, timezone: 'Asia/Shanghai' });
    for (let i = 0; i < count; i++) await ledger.record(refund(i, TID));
    await ledger.close();
    const parsed = parseConfig(
      {
        terminal: { id: TID, number: '0098' },
        storage: { dir },
        network: { driver: 'mqtt', rpcTimeoutMs: 10_000, replayWindow: WINDOW, bootJitterMs: 0 },
        mqtt: { url: broker.url },
        display: { driver: 'sim' },
        keypad: { driver: 'sim' },
        scanner: { driver: 'sim' },
        printer: { driver: 'sim' },
        indicators: { driver: 'sim' },
      },
      dir,
    );
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const t0 = performance.now();
    const running = await startTerminal({ config: parsed.config, logger });
    const display = sims(TID).display!;
    const keypad = sims(TID).keypad!;
    // Keys while the replay runs. A key arrives at `due` (the device delivers
    // it then); the terminal sees it when its event loop is free: the time to
    // the new frame counts that wait, not only the drawing.
    const latencies: number[] = [];
    let toggle = false;
    let replaying = true;
    const pressLater = () => {
      const due = performance.now() + 20;
      setTimeout(() => {
        if (!replaying) return;
        const before = display.frames();
        keypad.press(toggle ? 'CANCEL' : '4');
        toggle = !toggle;
        if (display.frames() > before) latencies.push(performance.now() - due);
        pressLater();
      }, 20);
    };
    pressLater();
    while (running.ledger.outboxSize() > 0) await new Promise((r) => setTimeout(r, 20));
    replaying = false;
    const seconds = (performance.now() - t0) / 1000;
    await running.terminal.settled();
    await running.stop();
    unregisterSims(TID);
    await host.stop();
    const rate = count / seconds;
    return [
      figure(`replay ${count} queued refunds (${name}, window ${WINDOW})`, rate, 'refunds/s', { name: 'bare mqtt.js loop', value: bareRate }, '≥ 0.5× bare loop'),
      figure('keypress → new frame during replay p50', percentile(latencies, 50), 'ms'),
      figure('keypress → new frame during replay p99', percentile(latencies, 99), 'ms', undefined, '≤ 5 ms'),
    ];
  } finally {
    await broker.stop();
  }
}

/**
 * The reference host in a process of its own, as in a real system: its work
 * must not hold up the terminal's event loop (nor the bare loop's), or the
 * key latency measured would be the host's.
 */
async function hostProcess(url: string, count: number): Promise<{ stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'scanpos-bench-host-'));
  const file = join(dir, 'orders.json');
  writeFileSync(file, JSON.stringify(orders(count).map((o) => o.order)));
  const bin = fileURLToPath(new URL('../../bin/scanpos.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'host', '--mqtt', url, '--orders', file, '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await untilAnswering(url);
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Asks `time.get` until the host answers (it is subscribed and serving). */
async function untilAnswering(url: string): Promise<void> {
  const tid = 'BENCHP';
  const client = new MqttClient(noDelayStream(url), { clientId: tid, protocolVersion: 4, reconnectPeriod: 0 });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync(`pos/${tid}/rpc/res`, { qos: 1 });
    const answered = new Promise<void>((resolve) => client.once('message', () => resolve()));
    for (let i = 0; i < 150; i++) {
      client.publish(`pos/${tid}/rpc/req`, JSON.stringify({ v: 1, id: randomUUID(), method: 'time.get', params: {} }), { qos: 1 });
      const ok = await Promise.race([answered.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 200))]);
      if (ok) return;
    }
    throw new Error('the reference host did not start answering within 30 s');
  } finally {
    await client.endAsync();
  }
}

/** Requests `count` refunds through a plain mqtt.js client with WINDOW in flight; refunds per second. */
async function bareLoop(url: string, count: number): Promise<number> {
  const tid = 'BENCHB';
  const client = new MqttClient(noDelayStream(url), { clientId: tid, protocolVersion: 4, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(`pos/${tid}/rpc/res`, { qos: 1 });
  const waiting = new Map<string, () => void>();
  client.on('message', (_topic, payload) => {
    const body = JSON.parse(payload.toString()) as { id: string };
    waiting.get(body.id)?.();
  });
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const id = randomUUID();
      const answered = new Promise<void>((resolve) => waiting.set(id, resolve));
      client.publish(`pos/${tid}/rpc/req`, JSON.stringify({ v: 1, id, method: 'txn.submit', params: { txn: refund(i, tid) } }), { qos: 1 });
      await answered;
      waiting.delete(id);
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
  const seconds = (performance.now() - t0) / 1000;
  await client.endAsync();
  return count / seconds;
}
