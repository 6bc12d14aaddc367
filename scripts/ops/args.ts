// Options shared by the ops subcommands (broker, topic prefix, targets,
// durations) and the one error type they throw: a usage problem, exit 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { BrokerOptions } from './broker.ts';

export class UsageError extends Error {}

/** Where the output goes; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Cells available for a table. */
  width: number;
  now(): number;
}

export const BROKER_OPTIONS = {
  mqtt: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  'cert-key': { type: 'string' },
  prefix: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

export const TARGET_OPTIONS = {
  to: { type: 'string' },
  all: { type: 'boolean' },
  key: { type: 'string' },
  'key-id': { type: 'string' },
  wait: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** `parseArgs`, strict, with its complaint turned into a usage error. */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

const TERMINAL_ID = /^[A-Za-z0-9_-]{1,32}$/;

export function brokerOptions(values: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): BrokerOptions {
  const url = str(values.mqtt) ?? env.SCANPOS_MQTT_URL;
  if (!url) throw new UsageError('--mqtt URL is required (or SCANPOS_MQTT_URL), e.g. mqtt://127.0.0.1:1883');
  if (!/^(mqtts?|tcp|ssl|wss?):\/\/.+/.test(url)) throw new UsageError(`--mqtt ${url}: not an mqtt://, mqtts://, ws:// or wss:// URL`);
  const prefix = str(values.prefix) ?? 'pos';
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) throw new UsageError('--prefix is one topic level of letters, digits, _ or - (default pos)');
  const password = str(values.password) ?? env.SCANPOS_MQTT_PASSWORD;
  return {
    url,
    prefix,
    ...(str(values.username) ? { username: str(values.username)! } : {}),
    ...(password ? { password } : {}),
    ...(str(values.ca) ? { ca: str(values.ca)! } : {}),
    ...(str(values.cert) ? { cert: str(values.cert)! } : {}),
    ...(str(values['cert-key']) ? { certKey: str(values['cert-key'])! } : {}),
  };
}

export type Targets = { all: true } | { all: false; ids: string[] };

export function targets(values: Record<string, unknown>): Targets {
  const to = str(values.to);
  if (values.all && to) throw new UsageError('give --to T1,T2 or --all, not both');
  if (values.all) return { all: true };
  if (!to) throw new UsageError('say which terminals: --to T1,T2 or --all (every terminal that reports a status)');
  const ids = [...new Set(to.split(',').map((s) => s.trim()).filter(Boolean))];
  const bad = ids.filter((id) => !TERMINAL_ID.test(id));
  if (bad.length) throw new UsageError(`--to: not a terminal id: ${bad.join(', ')} (letters, digits, _ and -, at most 32)`);
  if (!ids.length) throw new UsageError('--to: no terminal id given');
  return { all: false, ids };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "500ms", "10s", "10m", "2h", "1d"; a bare number is seconds. */
export function duration(text: string | undefined, fallbackMs: number, option: string): number {
  if (text === undefined) return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${option} ${text}: a duration such as 30s, 10m, 2h or 1d`);
  const ms = Math.round(Number(m[1]) * UNITS[m[2] ?? 's']!);
  if (ms <= 0) throw new UsageError(`${option} ${text}: must be more than zero`);
  return ms;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
