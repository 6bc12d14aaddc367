// How a pushed config meets the terminal's own: the patch is merged over the
// local file's config (config/load.ts's merge and schema, nothing of its
// own), some settings may only come from the local file, and each setting
// that changes is put in one of three classes — live, broker, restart — that
// say how it takes effect.
import { posix } from 'node:path';
import { mergeConfig, parseConfig, type ConfigOutcome } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import type { BrokerSettings } from '../../hal/network/types.ts';

type Json = Record<string, unknown>;

/**
 * Settings a push may never set, only the terminal's own file:
 * - `security.opsPublicKeys`: the keys that check pushes; a push that could
 *   change them would let one stolen key replace every other;
 * - `terminal.id`: the terminal's identity (client id, topics, broker ACL);
 * - `network.topicPrefix`, `network.driver`: ops would lose the terminal;
 * - `storage.dir`: where the ledger is; moving it would start from empty;
 * - `log.file`: a path on the board, and where a technician looks;
 * - `version`: the format of the local file, not a setting.
 */
export const LOCAL_ONLY = ['security.opsPublicKeys', 'terminal.id', 'network.topicPrefix', 'network.driver', 'storage.dir', 'log.file', 'version'] as const;

/** Broker settings: tried on a new connection, rolled back when it does not come up. */
export const BROKER = ['mqtt'] as const;

/**
 * Settings read once when the terminal starts (devices are opened with them,
 * the ledger's business days follow the time zone, the replayer's timing):
 * the terminal restarts itself to apply them. Everything else is live.
 */
export const RESTART = [
  'display',
  'keypad',
  'scanner',
  'printer',
  'indicators',
  'terminal.timezone',
  'network.reconnectMinMs',
  'network.reconnectMaxMs',
  'network.replayWindow',
  'network.bootJitterMs',
] as const;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The dotted paths of the leaves (and arrays) a patch sets. */
export function pathsOf(patch: Json, prefix = ''): string[] {
  return Object.entries(patch).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return isObject(value) && Object.keys(value).length ? pathsOf(value, path) : [path];
  });
}

const under = (path: string, roots: readonly string[]) => roots.some((r) => path === r || path.startsWith(`${r}.`));

/** The local-only settings a patch sets, even to their current value (empty when it sets none). */
export function localOnlyIn(patch: Json): string[] {
  return pathsOf(patch).filter((p) => under(p, LOCAL_ONLY));
}

/** Keys that would reach an object's prototype when merged (`__proto__` is an own key after JSON.parse). */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The paths of `__proto__`, `constructor` or `prototype` keys anywhere in a patch, arrays included (empty when none). */
export function unsafeKeysIn(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => unsafeKeysIn(item, `${prefix}[${i}]`));
  if (!isObject(value)) return [];
  return Object.keys(value).flatMap((key) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return UNSAFE_KEYS.has(key) ? [path] : unsafeKeysIn(value[key], path);
  });
}

/**
 * Device paths a push may set: only under /dev/. The terminal opens them for
 * writing (the display, a serial printer), so a path elsewhere would let a
 * push overwrite any file the terminal can write — its own ledger included.
 */
export const DEVICE_PATHS = ['display.path', 'scanner.path', 'printer.path'] as const;

/** One problem per device path of a patch that is not a plain path under /dev/ (empty when none). */
export function devicePathProblems(patch: Json): string[] {
  return DEVICE_PATHS.flatMap((path) => {
    const value = at(patch, path);
    if (value === undefined) return [];
    const ok = typeof value === 'string' && value.startsWith('/dev/') && posix.normalize(value) === value && !value.endsWith('/');
    return ok ? [] : [`${path}: a device path set by ops must be a device under /dev/ (got ${JSON.stringify(value)})`];
  });
}

/** Merges patches: later ones win, objects merged key by key, arrays replaced. */
export const mergePatches = (base: Json, over: Json): Json => mergeConfig(base, over);

/**
 * The config the terminal runs with: the local file's, with `patch` merged
 * over it, checked by the config schema. Relative paths in a patch are
 * resolved against `baseDir` (the storage folder).
 */
export function layered(local: Config, patch: Json, baseDir: string): ConfigOutcome {
  return parseConfig(mergeConfig(local as unknown as Json, patch), baseDir);
}

export interface ConfigChanges {
  /** Every setting whose value differs. */
  changed: string[];
  broker: boolean;
  /** The settings among `changed` that need a restart. */
  restart: string[];
}

/** What differs between two full configs, classed by how it takes effect. */
export function changesBetween(before: Config, after: Config): ConfigChanges {
  const a = before as unknown as Json;
  const b = after as unknown as Json;
  const changed = [...new Set([...pathsOf(a), ...pathsOf(b)])].filter((p) => JSON.stringify(at(a, p)) !== JSON.stringify(at(b, p)));
  return { changed, broker: changed.some((p) => under(p, BROKER)), restart: changed.filter((p) => under(p, RESTART)) };
}

function at(obj: Json, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) cur = isObject(cur) ? cur[key] : undefined;
  return cur;
}

export function brokerSettings(config: Config): BrokerSettings {
  const { url, username, password, ca, cert, key } = config.mqtt;
  return { url, ...(username ? { username } : {}), ...(password ? { password } : {}), ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}
