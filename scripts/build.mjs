// Bundles the terminal for the board: one ESM file, dependencies inlined,
// native addons (serialport, epoll) left as packages beside it.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const started = Date.now();
// Chunk names change with their content: old ones would pile up beside the new.
rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { scanpos: 'src/cli.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  minify: false,
  sourcemap: 'linked',
  legalComments: 'none',
  // Native addons and their loaders cannot be bundled.
  external: ['serialport', '@serialport/*', 'onoff', 'epoll'],
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __scanposRequire } from 'node:module'; const require = __scanposRequire(import.meta.url);" },
  logLevel: 'warning',
});
console.log(`dist/scanpos.mjs built in ${Date.now() - started} ms`);
