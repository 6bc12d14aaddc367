// The one place where real drivers or simulators are chosen, from config.
// Simulators are registered under the terminal id so tests and the simulator
// window can reach them (hal/sims.ts).
import type { Config } from '../../config/schema.ts';
import type { Display } from '../../hal/display/types.ts';
import type { Indicators } from '../../hal/indicators/types.ts';
import type { Keypad } from '../../hal/keypad/types.ts';
import type { Link } from '../../hal/network/types.ts';
import type { Printer } from '../../hal/printer/types.ts';
import type { Scanner } from '../../hal/scanner/types.ts';
import { SimDisplay } from '../../hal/display/sim.ts';
import { TtyDisplay } from '../../hal/display/tty.ts';
import { SimIndicators } from '../../hal/indicators/sim.ts';
import { NoIndicators } from '../../hal/indicators/none.ts';
import { SimKeypad } from '../../hal/keypad/sim.ts';
import { TtyKeypad } from '../../hal/keypad/tty.ts';
import { SimLink, type SimHost } from '../../hal/network/sim.ts';
import { MqttLink } from '../../hal/network/mqtt.ts';
import { SimPrinter } from '../../hal/printer/sim.ts';
import { SimScanner } from '../../hal/scanner/sim.ts';
import { registerSims } from '../../hal/sims.ts';
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

/** A driver this build does not have yet is a clear start-up error, never a silent fallback. */
export class MissingDriverError extends Error {}

const missing = (what: string, driver: string) =>
  new MissingDriverError(`${what}.driver "${driver}" is not available in this build; use "sim" or another driver`);

export function createDevices(config: Config, options: DeviceOptions): Devices {
  const { logger } = options;
  const id = config.terminal.id;
  const size = { rows: config.display.rows, cols: config.display.cols };

  const display: Display =
    config.display.driver === 'sim'
      ? new SimDisplay({ size, logger })
      : new TtyDisplay({ size, logger, ...(config.display.path ? { path: config.display.path } : {}) });

  let keypad: Keypad;
  if (config.keypad.driver === 'sim') keypad = new SimKeypad();
  else if (config.keypad.driver === 'tty') keypad = new TtyKeypad({ logger, ...(options.onInterrupt ? { onInterrupt: options.onInterrupt } : {}) });
  else throw missing('keypad', config.keypad.driver);

  if (config.scanner.driver !== 'sim') throw missing('scanner', config.scanner.driver);
  const scanner = new SimScanner();

  if (config.printer.driver !== 'sim') throw missing('printer', config.printer.driver);
  const printer = new SimPrinter({ columns: config.printer.columns, logger, ...(config.printer.outputDir ? { outputDir: config.printer.outputDir } : {}) });

  const indicators: Indicators = config.indicators.driver === 'sim' ? new SimIndicators() : new NoIndicators();

  const link: Link =
    config.network.driver === 'sim'
      ? new SimLink({ terminalId: id, logger, ...(options.simHost ? { host: options.simHost } : {}) })
      : new MqttLink({
          terminalId: id,
          url: config.mqtt.url,
          topicPrefix: config.network.topicPrefix,
          minDelayMs: config.network.reconnectMinMs,
          maxDelayMs: config.network.reconnectMaxMs,
          logger,
          ...pick(config.mqtt, ['username', 'password', 'ca', 'cert', 'key']),
          ...(options.statusInfo ? { statusInfo: options.statusInfo } : {}),
        });

  registerSims(id, {
    keypad: keypad instanceof SimKeypad ? keypad : undefined,
    scanner,
    printer,
    display: display instanceof SimDisplay ? display : undefined,
    indicators: indicators instanceof SimIndicators ? indicators : undefined,
    link: link instanceof SimLink ? link : undefined,
  });
  return { keypad, scanner, printer, display, indicators, link };
}

/** The keys of `from` that are set, for optional options. */
function pick<T extends object, K extends keyof T>(from: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}
