// `npm start`: the whole system on one machine with no set-up — an MQTT
// broker in this process, the reference host on it with the demo orders, and
// a terminal whose display and keypad are this window. F1 scans, F2 pulls the
// network cable between the terminal and the broker.
import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load.ts';
import { TtyDisplay } from '../../hal/display/tty.ts';
import { wrapCells } from '../../hal/display/width.ts';
import { SimPrinter } from '../../hal/printer/sim.ts';
import { sims, unregisterSims } from '../../hal/sims.ts';
import { createLogger } from '../../src/runtime/log.ts';
import { lockDataFolder, type FolderLock } from '../../src/runtime/instance-lock.ts';
import { startTerminal, type Running } from '../../src/runtime/main.ts';
import { demoOrders } from '../host/demo-orders.ts';
import { startHost } from '../host/start.ts';
import { startBroker } from './broker.ts';
import { startCable } from './cable.ts';
import { demoOpsKey } from './ops-key.ts';
import { banner, demoLines, opsCommands, type OpsDemo } from './panel.ts';

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
  // Two simulators on one data folder would share one ledger: the second says so and stops.
  let lock: FolderLock;
  try {
    lock = lockDataFolder(loaded.config.storage.dir);
  } catch (err) {
    process.stderr.write(`npm start: ${(err as Error).message}\n`);
    return 2;
  }
  const broker = await startBroker();
  const cable = await startCable({ host: '127.0.0.1', port: broker.port });
  const base = loaded.config;
  const dataDir = base.storage.dir;
  // The demo ops key, trusted by this terminal only (provisioned in the
  // config it runs with, never in a file a board could copy).
  const opsKey = demoOpsKey(dataDir);
  const config = {
    ...base,
    terminal: { ...base.terminal, ...(locale ? { locale: locale as 'en' | 'zh-CN' } : {}) },
    network: { ...base.network, driver: 'mqtt' as const },
    mqtt: { ...base.mqtt, url: cable.url },
    security: {
      ...base.security,
      opsPublicKeys: [...base.security.opsPublicKeys.filter((k) => k.keyId !== opsKey.keyId), { keyId: opsKey.keyId, publicKey: opsKey.publicKey }],
    },
  };
  // ops talk to the broker itself, not through the cable F2 pulls.
  const ops: OpsDemo = {
    brokerUrl: broker.url,
    terminalId: config.terminal.id,
    keyFile: asTyped(opsKey.privateKeyFile),
    commandsFile: asTyped(join(dataDir, 'ops', 'try.txt')),
  };
  mkdirSync(join(dataDir, 'ops'), { recursive: true });
  writeFileSync(join(dataDir, 'ops', 'try.txt'), opsCommands(ops).join('\n') + '\n');
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
  process.stdout.write(banner(orders, dataDir, ops) + '\n');

  let lastReceipt: string[] = [];
  let display: TtyDisplay | undefined;
  const showBelow = () => {
    display?.setAside('below', lastReceipt.length ? ['Last receipt:', ...lastReceipt] : []);
    display?.setAside('right', [...demoLines(orders, ops), ...(notices.length ? ['', 'Host notifications:', ...notices.flatMap((n) => wrapCells(n, 44))] : [])]);
  };

  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  let running: Running;
  let restarting = Promise.resolve();
  const boot = async () => {
    running = await startTerminal({ config, networkSwitch: cable, onInterrupt: () => resolveExit(0), onRestart: restart });
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
  };
  // `scanpos ops cmd reboot` (or a setting read only at start): the terminal
  // starts again inside this process, with the broker and host still up,
  // where a board's service manager would start the process again.
  function restart(): void {
    restarting = restarting.then(async () => {
      display = undefined;
      await running.stop();
      unregisterSims(config.terminal.id);
      await boot();
    });
    restarting.catch((err: unknown) => {
      process.stderr.write(`npm start: the terminal did not start again: ${(err as Error).message}\n`);
      resolveExit(1);
    });
  }
  await boot();
  process.once('SIGTERM', () => resolveExit(0));
  process.once('SIGINT', () => resolveExit(0));
  const code = await exited;
  await restarting.catch(() => undefined);
  await running!.stop();
  await host.stop();
  await cable.stop();
  await broker.stop();
  lock.release();
  process.stdout.write(`Simulator stopped. Data kept in ${dataDir} (delete it to start afresh).\n`);
  return code;
}

/** A path as the user would type it: relative to the folder `npm start` ran in, when it is inside. */
function asTyped(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
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
