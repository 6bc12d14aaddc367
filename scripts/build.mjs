// Bundles the terminal for the board into dist/ (see bundle-options.mjs).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';

const started = Date.now();
// Chunk names change with their content: old ones would pile up beside the new.
rmSync('dist', { recursive: true, force: true });
await build(bundleOptions(process.cwd(), 'dist'));
console.log(`dist/scanpos.mjs built in ${Date.now() - started} ms`);
