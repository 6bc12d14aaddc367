// Test entry: loads every test/**/*.test.ts into uvu's queue, runs it, and
// ends with the plain line `N passed, N failed` (plus skips) that CI reads.
// A test that cannot run here (a tool is missing) calls `skipBecause()`;
// under CI=true a skip counts as a failure, since CI installs every tool.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { skipped } from './support/skip.ts';

const root = resolve(import.meta.dirname);
const filter = process.argv[2] ? new RegExp(process.argv[2]) : null;

function find(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return find(path);
      return name.endsWith('.test.ts') ? [path] : [];
    });
}

type Runner = () => Promise<[string | true, number, number, number]>;
const g = globalThis as unknown as { UVU_DEFER: number; UVU_QUEUE: Array<Array<string | null | Runner>>; UVU_INDEX: number };
g.UVU_DEFER = 1;
g.UVU_QUEUE = [];
const files = find(root).filter((f) => !filter || filter.test(relative(root, f)));
let index = 0;
for (const file of files) {
  g.UVU_INDEX = index++;
  g.UVU_QUEUE.push([relative(root, file)]);
  await import(pathToFileURL(file).href);
}

let passed = 0;
let failed = 0;
let skips = 0;
const started = Date.now();
for (const group of g.UVU_QUEUE) {
  const name = group.shift() as string;
  process.stdout.write(`\n${name}\n`);
  for (const run of group as Runner[]) {
    const [errors, ran, skip, total] = await run();
    passed += ran;
    failed += total - ran;
    skips += skip;
    if (errors !== true) process.stdout.write(`\n${errors}\n`);
  }
}
const reasons = skipped();
for (const reason of reasons) process.stdout.write(`SKIPPED: ${reason}\n`);
if (process.env.CI === 'true' && reasons.length) {
  process.stdout.write(`under CI=true nothing may skip: ${reasons.length} test(s) counted as failed\n`);
  failed += reasons.length;
}
process.stdout.write(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
process.stdout.write(`${passed} passed, ${failed} failed${reasons.length ? `, ${reasons.length} skipped` : ''}\n`);
process.exitCode = failed > 0 ? 1 : 0;
// Tests must not leave handles open, but a stray one must not hang CI either.
setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
