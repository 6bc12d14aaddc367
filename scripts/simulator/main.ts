// `npm start`: the whole system on one machine with no set-up — an MQTT
// broker in this process, the reference host on it with the demo orders, and
// a terminal whose display and keypad are this window. F1 scans, F2 pulls the
// network cable between the terminal and the broker.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load.ts';
import { TtyDisplay } from '../../hal/display/tty.ts';
import { wrapCells } from '../../hal/display/width.ts';
import { SimPrinter } from '../../hal/printer/sim.ts';
import { sims } from '../../hal/sims.ts';
import { createLogger } from '../../src/runtime/log.ts';
import { startTerminal } from '../../src/runtime/main.ts';
import { demoOrders } from '../host/demo-orders.ts';
import { startHost } from '../host/start.ts';
import { startBroker } from './broker.ts';
import { startCable } from './cable.ts';
import { banner, demoLines } from './panel.ts';

const CONFIG = new URL('../../config/simulator.json', import.meta.url).pathname;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { locale: { type: 'string' }, config: { type: 'string' } }, strict: true });
  const locale = values.locale ?? process.env.SCANPOS_LOCALE;
  if (locale && locale !== 'en' && locale !== 'zh-CN') {
    process.stderr.write(`npm start: --locale must be en or zh-CN, not ${locale}\n`);
    return 2;
  }
  const loaded = loadConfig(values.config ?? CONFIG);
  if (!loaded.ok) {
    process.stderr.write(`npm start: the simulator config is not usable:\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n`);
    return 2;
  }
  const broker = await startBroker();
  const cable = await startCable({ host: '127.0.0.1', port: broker.port });
  const base = loaded.config;
  const config = {
    ...base,
    terminal: { ...base.terminal, ...(locale ? { locale: locale as 'en' | 'zh-CN' } : {}) },
    network: { ...base.network, driver: 'mqtt' as const },
    mqtt: { ...base.mqtt, url: cable.url },
  };
  const dataDir = config.storage.dir;
  const hostLogger = createLogger({ level: 'info', file: join(dataDir, 'logs', 'host.log'), name: 'host' });
  const orders = demoOrders({ now: new Date() });
  const notices: string[] = [];
  const host = await startHost({
    url: broker.url,
    logger: hostLogger,
    dataDir: join(dataDir, 'host'),
    notify: (n) => {
      notices.unshift(`→ ${n.to.join(', ')}: ${n.text}`);
      notices.length = Math.min(notices.length, 3);
      showBelow();
    },
  });
  process.stdout.write(banner(orders, dataDir) + '\n');

  let lastReceipt: string[] = [];
  let display: TtyDisplay | undefined;
  const showBelow = () => {
    display?.setAside('below', lastReceipt.length ? ['Last receipt:', ...lastReceipt] : []);
    display?.setAside('right', [...demoLines(orders), ...(notices.length ? ['', 'Host notifications:', ...notices.flatMap((n) => wrapCells(n, 44))] : [])]);
  };

  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  const running = await startTerminal({ config, networkSwitch: cable, onInterrupt: () => resolveExit(0) });
  const devices = sims(config.terminal.id);
  if (devices.printer instanceof SimPrinter) {
    devices.printer.onPrinted((p) => {
      lastReceipt = p.text.split('\n');
      showBelow();
    });
  }
  // The display is this window: the demo data goes to its right.
  display = findTtyDisplay(running);
  showBelow();
  process.once('SIGTERM', () => resolveExit(0));
  process.once('SIGINT', () => resolveExit(0));
  const code = await exited;
  await running.stop();
  await host.stop();
  await cable.stop();
  await broker.stop();
  process.stdout.write(`Simulator stopped. Data kept in ${dataDir} (delete it to start afresh).\n`);
  return code;
}

function findTtyDisplay(running: Awaited<ReturnType<typeof startTerminal>>): TtyDisplay | undefined {
  const display = running.devices.display;
  return display instanceof TtyDisplay ? display : undefined;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`npm start: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
