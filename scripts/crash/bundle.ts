// The terminal the harness kills and restarts, bundled once per run with the
// settings of scripts/build.mjs: started from the TypeScript sources through
// tsx a terminal takes about a second to come up, from a bundle a fraction of
// that, and a thousand restarts make the difference.
import { mkdtemp, rm } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from '../bundle-options.mjs';

export interface Bundle {
  /** The `scanpos` command: `node <entry> run --config FILE --control`. */
  entry: string;
  ms: number;
  remove(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '..', '..');

export async function bundleTerminal(): Promise<Bundle> {
  const started = Date.now();
  // Under node_modules so that packages left out of the bundle (native addons) still resolve.
  const parent = join(ROOT, 'node_modules', '.cache', 'scanpos-crash');
  mkdirSync(parent, { recursive: true });
  const outdir = await mkdtemp(join(parent, 'bundle-'));
  try {
    await build(bundleOptions(ROOT, outdir));
  } catch (err) {
    await rm(outdir, { recursive: true, force: true });
    throw err;
  }
  return {
    entry: join(outdir, 'scanpos.mjs'),
    ms: Date.now() - started,
    remove: () => rm(outdir, { recursive: true, force: true }),
  };
}
