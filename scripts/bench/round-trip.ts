// Round trip over a real broker (aedes on loopback) and the reference host:
// the bare RPC (`time.get` through the terminal's MQTT link) and what the
// merchant feels — OK pressed on the refund confirm screen → result on screen.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../config/load.ts';
import { MqttLink } from '../../hal/network/mqtt.ts';
import { sims, unregisterSims } from '../../hal/sims.ts';
import { hashPin } from '../../src/domain/pin.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { startTerminal } from '../../src/runtime/main.ts';
import { freshPayCode } from '../host/demo-orders.ts';
import { startHost } from '../host/start.ts';
import { startBroker } from '../simulator/broker.ts';
import { figure, percentile, type Figure } from './stats.ts';

export async function roundTrip(options: { samples: number }): Promise<Figure[]> {
  const logger = silentLogger();
  const broker = await startBroker();
  const host = await startHost({ url: broker.url, logger, dataDir: mkdtempSync(join(tmpdir(), 'scanpos-bench-host-')) });
  const rpc: number[] = [];
  const keyToResult: number[] = [];
  try {
    const link = new MqttLink({ terminalId: 'BENCH0', url: broker.url, logger });
    await link.start();
    await waitFor(() => link.status().connected);
    for (let i = 0; i < options.samples + 10; i++) {
      const t0 = performance.now();
      const out = await link.request('time.get', {}, 5000);
      if (out.kind !== 'ok') throw new Error('time.get failed');
      if (i >= 10) rpc.push(performance.now() - t0);
    }
    await link.stop();

    const dir = mkdtempSync(join(tmpdir(), 'scanpos-bench-'));
    const parsed = parseConfig(
      {
        terminal: { id: 'BENCH1', number: '0099' },
        storage: { dir },
        network: { driver: 'mqtt', rpcTimeoutMs: 5000, bootJitterMs: 0 },
        mqtt: { url: broker.url },
        display: { driver: 'sim' },
        keypad: { driver: 'sim' },
        scanner: { driver: 'sim' },
        printer: { driver: 'sim' },
        indicators: { driver: 'sim' },
        security: { supervisorPinHash: hashPin('246810') },
        // Enough refunds for the samples: order …001 is 88.00, refunds of 0.01.
      },
      dir,
    );
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const running = await startTerminal({ config: parsed.config, logger });
    const dev = sims('BENCH1');
    const display = dev.display!;
    await display.waitFor(/ONLINE/, 5000);
    for (let i = 0; i < Math.min(options.samples, 45) + 3; i++) {
      dev.keypad!.type('2 2026000000000003 [OK]');
      await display.waitFor(/Left:/, 5000);
      dev.keypad!.type('[OK] 246810 [OK]');
      await display.waitFor(/Refund amount/, 5000);
      dev.keypad!.type('1 [OK]');
      await display.waitFor(/Scan the/, 5000);
      dev.scanner!.scan(freshPayCode({ channel: 'wechat' }));
      await display.waitFor(/Confirm/, 5000);
      const t0 = performance.now();
      const shown = display.waitFor(/Refund: APPROVED/, 5000);
      dev.keypad!.press('OK');
      await shown;
      if (i >= 3) keyToResult.push(performance.now() - t0);
      dev.keypad!.press('OK');
      await display.waitFor(/No refunds queued/, 5000);
    }
    await running.terminal.settled();
    await running.stop();
    unregisterSims('BENCH1');
  } finally {
    await host.stop();
    await broker.stop();
  }
  const rpc50 = percentile(rpc, 50);
  const rpc99 = percentile(rpc, 99);
  return [
    figure('rpc round trip (time.get) p50', rpc50, 'ms'),
    figure('rpc round trip (time.get) p99', rpc99, 'ms'),
    figure('refund OK → result screen p50', percentile(keyToResult, 50), 'ms', { name: 'rpc p50', value: rpc50 }),
    figure('refund OK → result screen p99', percentile(keyToResult, 99), 'ms', { name: 'rpc p99', value: rpc99 }),
  ];
}

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
