// How the terminal is bundled, shared by `npm run build` (the board) and the
// crash harness (its child terminal): one ESM entry plus chunks, dependencies
// inlined, native addons left as packages beside it.
import { join } from 'node:path';

/** esbuild options for a bundle of `root`'s terminal into `outdir`. */
export function bundleOptions(root, outdir) {
  return {
    entryPoints: { scanpos: join(root, 'src', 'cli.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Chunks: what boot does not need (simulators, the host, GPIO) loads only when asked for.
    splitting: true,
    sourcemap: 'linked',
    legalComments: 'none',
    // Native addons and their loaders cannot be bundled. Those the bundle
    // imports are what build.mjs names in the board kit's package.json.
    external: ['serialport', '@serialport/*', 'onoff', 'epoll'],
    // Some CommonJS dependencies call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __scanposRequire } from 'node:module'; const require = __scanposRequire(import.meta.url);" },
    logLevel: 'warning',
  };
}
