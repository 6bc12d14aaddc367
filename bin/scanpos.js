#!/usr/bin/env node
// In a development checkout (the TypeScript sources are here) runs them
// through tsx, so that a stale build never answers; on a board, where only
// the bundle is installed, runs dist/scanpos.mjs.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'cli.ts');
let main;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(pathToFileURL(source).href));
} else {
  ({ main } = await import(pathToFileURL(join(root, 'dist', 'scanpos.mjs')).href));
}
process.exitCode = await main(process.argv.slice(2));
