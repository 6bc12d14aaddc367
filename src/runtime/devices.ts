// The one place where real drivers or simulators are chosen, from config.
// Each driver is imported only when the config asks for it: a board loads no
// simulator, the simulator loads no GPIO, and start-up pays for neither.
// Simulators are registered under the terminal id so tests and the
// simulator window can reach them (hal/sims.ts).
import type { Config } from '../../config/schema.ts';
import type { Display } from '../../hal/display/types.ts';
import type { Indicators } from '../../hal/indicators/types.ts';
import type { Keypad } from '../../hal/keypad/types.ts';
import type { Link } from '../../hal/network/types.ts';
import type { SimHost } from '../../hal/network/sim.ts';
import type { Printer } from '../../hal/printer/types.ts';
import type { Scanner } from '../../hal/scanner/types.ts';
import type { SimSet } from '../../hal/sims.ts';
import type { Logger } from './log.ts';

export interface Devices {
  keypad: Keypad;
  scanner: Scanner;
  printer: Printer;
  display: Display;
  indicators: Indicators;
  link: Link;
}

export interface DeviceOptions {
  logger: Logger;
  /** Far end of a simulated network link (the reference host's logic, in process). */
  simHost?: SimHost;
  /** Ctrl-C on a TTY keypad. */
  onInterrupt?: () => void;
  /** Fields of every status message (queue depth, versions). */
  statusInfo?: () => Record<string, unknown>;
}

export async function createDevices(config: Config, options: DeviceOptions): Promise<Devices> {
  const { logger } = options;
  const sims: SimSet = {};
  const [display, keypad, scanner, printer, indicators, link] = await Promise.all([
    displayFrom(config, logger, sims),
    keypadFrom(config, options, sims),
    scannerFrom(config, logger, sims),
    printerFrom(config, logger, sims),
    indicatorsFrom(config, logger, sims),
    linkFrom(config, options, sims),
  ]);
  if (Object.keys(sims).length) {
    const { registerSims } = await import('../../hal/sims.ts');
    registerSims(config.terminal.id, sims);
  }
  return { keypad, scanner, printer, display, indicators, link };
}

async function displayFrom(config: Config, logger: Logger, sims: SimSet): Promise<Display> {
  const size = { rows: config.display.rows, cols: config.display.cols };
  if (config.display.driver === 'sim') {
    const { SimDisplay } = await import('../../hal/display/sim.ts');
    return (sims.display = new SimDisplay({ size, logger }));
  }
  const { TtyDisplay } = await import('../../hal/display/tty.ts');
  return new TtyDisplay({ size, logger, ...(config.display.path ? { path: config.display.path } : {}) });
}

async function keypadFrom(config: Config, options: DeviceOptions, sims: SimSet): Promise<Keypad> {
  const { logger } = options;
  const k = config.keypad;
  switch (k.driver) {
    case 'sim': {
      const { SimKeypad } = await import('../../hal/keypad/sim.ts');
      return (sims.keypad = new SimKeypad());
    }
    case 'tty': {
      const { TtyKeypad } = await import('../../hal/keypad/tty.ts');
      return new TtyKeypad({ logger, ...(options.onInterrupt ? { onInterrupt: options.onInterrupt } : {}) });
    }
    case 'gpio': {
      const { GpioKeypad } = await import('../../hal/keypad/gpio.ts');
      return new GpioKeypad({
        rows: k.rows!,
        cols: k.cols!,
        keymap: k.keymap!,
        logger,
        ...pick(k, ['scanIntervalMs', 'debounceMs']),
        ...(k.chip ? { chipLabel: k.chip } : {}),
      });
    }
  }
}

async function scannerFrom(config: Config, logger: Logger, sims: SimSet): Promise<Scanner> {
  const s = config.scanner;
  if (s.driver === 'sim') {
    const { SimScanner } = await import('../../hal/scanner/sim.ts');
    return (sims.scanner = new SimScanner());
  }
  const { SerialScanner } = await import('../../hal/scanner/serial.ts');
  return new SerialScanner({
    path: s.path!,
    baudRate: s.baudRate ?? 9600,
    logger,
    ...pick(s, ['interByteTimeoutMs', 'maxLength', 'repeatWindowMs', 'reopenMinMs', 'reopenMaxMs']),
  });
}

async function printerFrom(config: Config, logger: Logger, sims: SimSet): Promise<Printer> {
  const p = config.printer;
  if (p.driver === 'escpos') {
    const { escposPrinterFrom } = await import('../../hal/printer/escpos-config.ts');
    return escposPrinterFrom(p, { logger });
  }
  const { SimPrinter } = await import('../../hal/printer/sim.ts');
  return (sims.printer = new SimPrinter({ columns: p.columns, logger, ...(p.outputDir ? { outputDir: p.outputDir } : {}) }));
}

async function indicatorsFrom(config: Config, logger: Logger, sims: SimSet): Promise<Indicators> {
  const i = config.indicators;
  switch (i.driver) {
    case 'none': {
      const { NoIndicators } = await import('../../hal/indicators/none.ts');
      return new NoIndicators();
    }
    case 'sim': {
      const { SimIndicators } = await import('../../hal/indicators/sim.ts');
      return (sims.indicators = new SimIndicators());
    }
    case 'gpio': {
      const { GpioIndicators } = await import('../../hal/indicators/gpio.ts');
      return new GpioIndicators({ logger, ...pick(i, ['green', 'red', 'buzzer']), ...(i.chip ? { chipLabel: i.chip } : {}) });
    }
  }
}

async function linkFrom(config: Config, options: DeviceOptions, sims: SimSet): Promise<Link> {
  const { logger } = options;
  const id = config.terminal.id;
  if (config.network.driver === 'sim') {
    const { SimLink } = await import('../../hal/network/sim.ts');
    return (sims.link = new SimLink({ terminalId: id, logger, ...(options.simHost ? { host: options.simHost } : {}) }));
  }
  const { MqttLink } = await import('../../hal/network/mqtt.ts');
  return new MqttLink({
    terminalId: id,
    url: config.mqtt.url,
    topicPrefix: config.network.topicPrefix,
    minDelayMs: config.network.reconnectMinMs,
    maxDelayMs: config.network.reconnectMaxMs,
    logger,
    ...pick(config.mqtt, ['username', 'password', 'ca', 'cert', 'key']),
    ...(options.statusInfo ? { statusInfo: options.statusInfo } : {}),
  });
}

/** The keys of `from` that are set, for optional options. */
function pick<T extends object, K extends keyof T>(from: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}
