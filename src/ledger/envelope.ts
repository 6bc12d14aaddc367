// Every ledger file is an envelope `{format, version, …, data}`: the format
// name keeps a file from being read as something else, the version lets newer
// software migrate older data and keeps older software off newer data (which
// it would misread, then overwrite).
import type { Logger } from '../runtime/log.ts';

/** Upgrades data of version N to version N + 1. Its input is the old shape, which current types no longer describe. */
export type Migration = (data: any) => unknown;

/** A damaged, missing or half-written file that was worked around at read time. */
export interface Recovery {
  file: string;
  reason: string;
}

/** The file was written by newer software; starting over it would destroy its data. */
export class FormatTooNewError extends Error {
  override readonly name = 'FormatTooNewError';
}

/** Neither the file nor its previous generation can be used. */
export class DamagedFileError extends Error {
  override readonly name = 'DamagedFileError';
}

export interface FormatSpec {
  /** Name stored in the envelope, so a file is never read as something else. */
  format: string;
  /** Version this software writes (an integer ≥ 1). */
  version: number;
  /** `migrations[n]` turns version n into version n + 1. */
  migrations?: Readonly<Record<number, Migration>>;
  log?: Logger;
}

export type Loaded =
  | { kind: 'missing' }
  | { kind: 'bad'; reason: string }
  | { kind: 'ok'; version: number; data: unknown; envelope: Record<string, unknown> };

export function checkSpec(spec: FormatSpec): void {
  if (!Number.isInteger(spec.version) || spec.version < 1) {
    throw new Error(`${spec.format}: version must be an integer ≥ 1, got ${spec.version}`);
  }
}

/**
 * Reads one envelope (not migrated: see `migrate`). Damage is a value, not an
 * error; only a newer version throws, since that is not damage.
 */
export function parseEnvelope(path: string, bytes: Uint8Array | undefined, spec: FormatSpec): Loaded {
  if (bytes === undefined) return { kind: 'missing' };
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.trim() === '') return { kind: 'bad', reason: 'empty file' };
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch (error) {
    return { kind: 'bad', reason: `not valid JSON, truncated or corrupt (${(error as Error).message})` };
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    return { kind: 'bad', reason: 'not a scanpos data file (no envelope)' };
  }
  const record = envelope as Record<string, unknown>;
  const { format: found, version, data } = record;
  if (found !== spec.format) return { kind: 'bad', reason: `format is ${JSON.stringify(found)}, expected "${spec.format}"` };
  const problem = versionProblem(version);
  if (problem) return { kind: 'bad', reason: problem };
  if (data === undefined || data === null) return { kind: 'bad', reason: 'envelope has no data' };
  refuseNewer(path, spec, version as number);
  return { kind: 'ok', version: version as number, data, envelope: record };
}

export function versionProblem(version: unknown): string | undefined {
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return `invalid format version ${JSON.stringify(version)}`;
  return undefined;
}

export function refuseNewer(path: string, spec: FormatSpec, version: number): void {
  if (version > spec.version) {
    throw new FormatTooNewError(
      `${path} is ${spec.format} format ${version}, this software understands up to ${spec.version}; update scanpos`,
    );
  }
}

/** Runs the migrations from version `from` up to `to` (default: the current version). */
export function migrate(path: string, data: unknown, from: number, spec: FormatSpec, to = spec.version): unknown {
  let current = data;
  for (let version = from; version < to; version++) {
    const step = spec.migrations?.[version];
    if (!step) throw new Error(`${path} is ${spec.format} format ${version} and no migration to ${version + 1} exists`);
    try {
      current = step(current);
    } catch (error) {
      throw new Error(`${path}: migrating ${spec.format} from format ${version} to ${version + 1} failed: ${(error as Error).message}`, { cause: error });
    }
  }
  if (from < to) spec.log?.info({ file: path, from, to }, 'ledger file migrated');
  return current;
}
