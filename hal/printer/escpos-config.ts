// An EscposPrinter from the `printer` section of the config, so that the
// composition root needs one call. A section that cannot work (a serial
// printer without a path) is a start-up error, never a silent fallback.
import type { Logger } from '../../src/runtime/log.ts';
import { EscposPrinter } from './escpos.ts';
import type { CodePage } from './escpos-text.ts';
import { SerialTransport } from './transport-serial.ts';
import { TcpTransport } from './transport-tcp.ts';
import type { PrinterTransport } from './transport.ts';

export interface EscposConfig {
  interface?: 'serial' | 'tcp';
  /** Serial: the device, and its speed (the printer's switches say which; 19200 or 9600 most often). */
  path?: string;
  baudRate?: number;
  /** Serial: RTS/CTS flow control (default off). */
  rtscts?: boolean;
  /** TCP: the printer's address and raw port (default 9100). */
  host?: string;
  port?: number;
  /** 32 on 58 mm paper, 48 on 80 mm. */
  columns: number;
  /** `gb18030` (default): a printer with a Chinese font; `pc437`: one without. */
  codePage?: CodePage;
  /** False for a printer that cannot answer DLE EOT (default true). */
  statusQuery?: boolean;
  /** TCP connect / serial open (default 3000 ms). */
  connectTimeoutMs?: number;
  /** Each status reply (default 1000 ms). */
  statusTimeoutMs?: number;
  /** Sending one job (default 10 000 ms). */
  sendTimeoutMs?: number;
}

export class PrinterConfigError extends Error {}

export function transportFrom(config: EscposConfig): PrinterTransport {
  const timeout = config.connectTimeoutMs;
  if (config.interface === 'serial') {
    if (!config.path || !config.baudRate) throw new PrinterConfigError('printer.interface "serial" needs printer.path and printer.baudRate');
    return new SerialTransport({
      path: config.path,
      baudRate: config.baudRate,
      ...(config.rtscts !== undefined ? { rtscts: config.rtscts } : {}),
      ...(timeout !== undefined ? { openTimeoutMs: timeout } : {}),
    });
  }
  if (config.interface === 'tcp') {
    if (!config.host) throw new PrinterConfigError('printer.interface "tcp" needs printer.host (printer.port defaults to 9100)');
    return new TcpTransport({
      host: config.host,
      ...(config.port !== undefined ? { port: config.port } : {}),
      ...(timeout !== undefined ? { connectTimeoutMs: timeout } : {}),
    });
  }
  throw new PrinterConfigError('printer.driver "escpos" needs printer.interface: "serial" or "tcp"');
}

export function escposPrinterFrom(config: EscposConfig, options: { logger?: Logger } = {}): EscposPrinter {
  return new EscposPrinter({
    transport: transportFrom(config),
    columns: config.columns,
    ...(config.codePage ? { codePage: config.codePage } : {}),
    ...(config.statusQuery !== undefined ? { statusQuery: config.statusQuery } : {}),
    ...(config.statusTimeoutMs !== undefined ? { statusTimeoutMs: config.statusTimeoutMs } : {}),
    ...(config.sendTimeoutMs !== undefined ? { sendTimeoutMs: config.sendTimeoutMs } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
