// The config patch of a push: a JSON file and/or `--set path=json` pairs laid
// over it. Only the shape is checked here; the terminal checks the merged
// result against its schema and reports `rejected` with the reason.
import { readFileSync } from 'node:fs';
import { UsageError } from './args.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Keys that never travel over MQTT: the ops keys are provisioned in each
 * terminal's local config (PROTOCOL.md), so a push cannot add a key of its own.
 */
const LOCAL_ONLY = [['security', 'opsPublicKeys']];

export function buildPatch(file: string | undefined, sets: readonly string[]): Json {
  const patch: Json = file ? readPatchFile(file) : {};
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set ${set}: give PATH=JSON, e.g. --set 'receipt.header=["Shop 2"]'`);
    const path = set.slice(0, eq).split('.');
    if (path.some((p) => !/^[A-Za-z0-9_]+$/.test(p))) throw new UsageError(`--set ${set}: the path is keys joined by dots, e.g. receipt.header`);
    let value: unknown;
    try {
      value = JSON.parse(set.slice(eq + 1));
    } catch {
      throw new UsageError(`--set ${set}: the value is not JSON (a string needs its quotes: ${path.join('.')}='"text"')`);
    }
    setPath(patch, path, value);
  }
  if (!Object.keys(patch).length) throw new UsageError('nothing to push: give --set PATH=JSON or --file PATCH.json');
  for (const local of LOCAL_ONLY) {
    if (has(patch, local)) throw new UsageError(`${local.join('.')} cannot be pushed: ops keys are provisioned in each terminal's own config file`);
  }
  return patch;
}

function readPatchFile(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--file ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--file ${file}: not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(value)) throw new UsageError(`--file ${file}: must hold a JSON object (a partial config)`);
  return value;
}

function setPath(target: Json, path: readonly string[], value: unknown): void {
  let at = target;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (!isObject(next)) at[key] = {};
    at = at[key] as Json;
  }
  at[path[path.length - 1]!] = value;
}

function has(obj: Json, path: readonly string[]): boolean {
  let at: unknown = obj;
  for (const key of path) {
    if (!isObject(at) || !(key in at)) return false;
    at = at[key];
  }
  return true;
}
