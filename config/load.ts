// Reads a terminal's config: JSON → migrations → merged over the defaults →
// schema → relative paths resolved against the file's folder.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import defaults from './default.json' with { type: 'json' };
import { configSchema, describeIssues, type Config } from './schema.ts';
import { migrateConfig } from './migrations.ts';

export type ConfigOutcome = { ok: true; config: Config } | { ok: false; errors: string[] };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge of plain objects; arrays and scalars in `over` replace those in `base`. */
export function mergeConfig(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isObject(prev) && isObject(value) ? mergeConfig(prev, value) : value;
  }
  return out;
}

export function defaultConfig(): Json {
  return structuredClone(defaults) as Json;
}

/** Validates a config object (already merged); `baseDir` anchors relative paths. */
export function parseConfig(file: Json, baseDir: string): ConfigOutcome {
  const migrated = migrateConfig(file);
  if (!migrated.ok) return { ok: false, errors: [migrated.error] };
  // The default link is the simulated host: a file that names a broker but
  // not the link would run against it, approving sales no acquirer saw.
  const network = migrated.file.network;
  if (isObject(migrated.file.mqtt) && !(isObject(network) && network.driver !== undefined)) {
    return { ok: false, errors: ['network.driver: the file sets mqtt but not network.driver, whose default "sim" is the built-in simulated host; set "network": {"driver": "mqtt"} (or "sim" on purpose)'] };
  }
  const merged = mergeConfig(defaultConfig(), migrated.file);
  // Parsed once per start: zod's compiled fast path for objects would cost
  // more to make than it saves here (tens of ms on a small board).
  const parsed = configSchema.safeParse(merged, { jitless: true });
  if (!parsed.success) return { ok: false, errors: describeIssues(parsed.error) };
  return { ok: true, config: resolvePaths(parsed.data, baseDir) };
}

export function loadConfig(path: string): ConfigOutcome {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, errors: [`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`${path}: not valid JSON (${(err as Error).message})`] };
  }
  if (!isObject(json)) return { ok: false, errors: [`${path}: must hold a JSON object`] };
  return parseConfig(json, dirname(resolve(path)));
}

function resolvePaths(config: Config, baseDir: string): Config {
  const abs = (p: string | undefined) => (p === undefined || isAbsolute(p) ? p : resolve(baseDir, p));
  const out = structuredClone(config);
  out.storage.dir = abs(out.storage.dir)!;
  out.mqtt.ca = abs(out.mqtt.ca);
  out.mqtt.cert = abs(out.mqtt.cert);
  out.mqtt.key = abs(out.mqtt.key);
  out.log.file = abs(out.log.file);
  // An empty path means this terminal window (as no path), not the config's folder.
  if (out.display.path) out.display.path = abs(out.display.path);
  if (out.printer.outputDir !== undefined) out.printer.outputDir = resolve(out.storage.dir, out.printer.outputDir);
  return out;
}
