// Composition root: config → logger → ledger → devices → terminal. The only
// place that chooses real drivers or simulators.
import { join } from 'node:path';
import type { Config } from '../../config/schema.ts';
import type { SimHost } from '../../hal/network/sim.ts';
import { TtyDisplay } from '../../hal/display/tty.ts';
import { Ledger } from '../ledger/ledger.ts';
import { HostClient } from '../sync/host-client.ts';
import { systemClock, type Clock } from './clock.ts';
import { createDevices } from './devices.ts';
import { createLogger, type Logger } from './log.ts';
import { SimConsole, type NetworkSwitch } from './sim-console.ts';
import { SimLink } from '../../hal/network/sim.ts';
import { SimScanner } from '../../hal/scanner/sim.ts';
import type { Devices } from './devices.ts';
import { Terminal, statusInfo } from './terminal.ts';
import { messages } from '../domain/i18n/index.ts';
import { Alerts } from './alerts.ts';
import { RESTART_EXIT_CODE, bootConfig, opsFor, type Booted, type Ops, type OpsTuning } from '../ops/start.ts';

export interface StartOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** Far end of a simulated link; by default an in-process reference host with the demo orders. */
  simHost?: SimHost;
  /** Ctrl-C on the terminal window's keypad. */
  onInterrupt?: () => void;
  /** What F2 unplugs in a terminal window (default: the simulated link, when there is one). */
  networkSwitch?: NetworkSwitch;
  /**
   * Ops asked for a restart (reboot command, settings read only at start).
   * Default: stop cleanly and exit with RESTART_EXIT_CODE for the service
   * manager to start the terminal again.
   */
  onRestart?: (reason: string) => void;
  /** Ops time-outs (tests shorten them). */
  ops?: OpsTuning;
}

export interface Running {
  terminal: Terminal;
  devices: Devices;
  ledger: Ledger;
  logger: Logger;
  ops: Ops;
  stop(): Promise<void>;
}

/** Where logs go: a file when this terminal window is the display, stdout otherwise. */
export function logFile(config: Config): string | undefined {
  if (config.log.file) return config.log.file;
  const drawsOnStdout = config.display.driver === 'tty' && !config.display.path;
  return drawsOnStdout ? join(config.storage.dir, 'logs', 'scanpos.log') : undefined;
}

export async function startTerminal(options: StartOptions): Promise<Running> {
  // The config pushed by ops and applied before is layered over the local file before anything reads it.
  const booted = await bootConfig(options.config);
  try {
    return await startBooted(options, booted);
  } catch (err) {
    // A push on trial keeps why this start failed: the next start rolls it back and reports it.
    await booted.failed(err);
    throw err;
  }
}

async function startBooted(options: StartOptions, booted: Booted): Promise<Running> {
  const { config, store: opsStore } = booted;
  const clock = options.clock ?? systemClock;
  const file = logFile(config);
  const logger = options.logger ?? createLogger({ level: config.log.level, ...(file ? { file } : {}) });
  if (booted.problem) logger.warn(booted.problem);
  const configVersion = () => opsStore.data.applied?.version ?? null;
  const { ledger, recovered } = await Ledger.open({ dir: config.storage.dir, timezone: config.terminal.timezone, now: () => new Date(clock.now()), log: logger });
  const notices = recovered.map((r) => messages(config.terminal.locale).storageRecovered(r.file));
  for (const r of recovered) logger.warn({ file: r.file, reason: r.reason }, 'storage recovered from the previous generation');

  let simHost = options.simHost;
  if (config.network.driver === 'sim' && !simHost) {
    // Loaded only for the simulator: a board's bundle never runs the host.
    const { inProcessHost } = await import('./sim-host.ts');
    simHost = await inProcessHost({ logger, now: () => new Date(clock.now()), dir: join(config.storage.dir, 'sim-host') });
  }
  const devices = await createDevices(config, { logger, statusInfo: () => statusInfo(ledger, configVersion()), ...(simHost ? { simHost } : {}), ...(options.onInterrupt ? { onInterrupt: options.onInterrupt } : {}) });
  const host = new HostClient({ link: devices.link, timeoutMs: () => config.network.rpcTimeoutMs, logger });
  const console = simConsole(config, devices, logger, options.networkSwitch);
  const alerts = await Alerts.open({ dir: config.storage.dir, log: logger });
  const terminal = new Terminal({ config, devices, ledger, host, clock, logger, notices, recovered, alerts, configVersion, ...(console ? { keyFilter: (k) => console.filter(k) } : {}) });
  let running: Running | undefined;
  const restart =
    options.onRestart ??
    ((reason: string) => {
      logger.warn({ reason }, 'restarting');
      void running?.stop().finally(() => process.exit(RESTART_EXIT_CODE));
    });
  const ops = await opsFor({ terminal, link: devices.link, ledger, local: options.config, live: config, store: opsStore, clock, logger, restart, ...options.ops, ...(booted.rolledBack ? { bootReport: booted.rolledBack } : {}) });
  ops.listen();
  await terminal.start();
  ops.start();
  console?.start(devices.display instanceof TtyDisplay ? devices.display : undefined);
  logger.info({ terminal: config.terminal.id, outbox: ledger.outbox().length }, 'terminal started');

  let stopped = false;
  running = {
    terminal,
    devices,
    ledger,
    logger,
    ops,
    async stop() {
      if (stopped) return;
      stopped = true;
      ops.stop();
      await terminal.stop();
      await ledger.close();
      logger.info('terminal stopped');
      logger.flush?.();
    },
  };
  return running;
}

/** F1/F2 of the simulator, when the keypad is this window and something is simulated. */
function simConsole(config: Config, devices: Devices, logger: Logger, network?: NetworkSwitch): SimConsole | undefined {
  if (config.keypad.driver !== 'tty') return undefined;
  const { link, scanner } = devices;
  const simLink = link instanceof SimLink ? link : undefined;
  const net =
    network ?? (simLink ? { connected: () => simLink.status().connected, drop: () => simLink.drop(), restore: () => simLink.restore() } : undefined);
  const simScanner = scanner instanceof SimScanner ? scanner : undefined;
  if (!net && !simScanner) return undefined;
  return new SimConsole({ logger, ...(simScanner ? { scanner: simScanner } : {}), ...(net ? { network: net } : {}) });
}
