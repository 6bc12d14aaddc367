// Versioned migrations of the config file format (as zigbee2mqtt's
// settingsMigration does): each step takes a file of version N to N+1.
// A file newer than this software is refused rather than half understood.

export const CONFIG_VERSION = 1;

type Json = Record<string, unknown>;
export type Migration = (file: Json) => Json;

/** Step N migrates a file of version N to version N+1. None yet: version 1 is the first format. */
export const CONFIG_MIGRATIONS: Record<number, Migration> = {};

export type MigrationOutcome = { ok: true; file: Json; from: number } | { ok: false; error: string };

export function migrateConfig(
  file: Json,
  current = CONFIG_VERSION,
  steps: Record<number, Migration> = CONFIG_MIGRATIONS,
): MigrationOutcome {
  // A file without a version predates versioning only in hand-written configs;
  // they are read as the first format.
  const raw = file.version ?? 1;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1) {
    return { ok: false, error: `version: must be a positive integer (got ${JSON.stringify(raw)})` };
  }
  if (raw > current) {
    return {
      ok: false,
      error: `version: this config is format ${raw}, this software understands up to ${current}; update scanpos`,
    };
  }
  let out: Json = { ...file, version: raw };
  for (let v = raw; v < current; v++) {
    const step = steps[v];
    if (!step) return { ok: false, error: `version: no migration from format ${v} to ${v + 1}` };
    out = { ...step(out), version: v + 1 };
  }
  return { ok: true, file: out, from: raw };
}
