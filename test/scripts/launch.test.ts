// The bundled terminal's launcher (scripts/board/launch.cjs): it keeps V8's
// code cache in the folder systemd gives the service (CACHE_DIRECTORY),
// writes it once the terminal is up, keeps a good one, replaces one V8
// refuses and removes those of other bundles; without the folder, nothing is
// written. The bundle is built once for the whole file, as the board's is.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import { bundleOptions } from '../../scripts/bundle-options.mjs';

const test = suite('scripts: the bundle launcher and its code cache');
const ROOT = resolve(import.meta.dirname, '..', '..');

let kit: string;
let work: string;

test.before(async () => {
  // Under node_modules, as a board's bundle sits beside its native packages.
  const parent = join(ROOT, 'node_modules', '.cache', 'scanpos-test-launch');
  mkdirSync(parent, { recursive: true });
  kit = mkdtempSync(join(parent, 'kit-'));
  work = mkdtempSync(join(parent, 'work-'));
  await build(bundleOptions(ROOT, kit));
  const sim = { driver: 'sim' };
  writeFileSync(
    join(work, 'config.json'),
    JSON.stringify({
      terminal: { id: 'TL01', number: '0001' },
      storage: { dir: join(work, 'data') },
      network: { driver: 'sim', bootJitterMs: 0 },
      display: sim,
      keypad: sim,
      scanner: sim,
      printer: sim,
      indicators: sim,
    }),
  );
});

test.after(() => {
  rmSync(kit, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const caches = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.cache'));

/** `node scanpos.cjs run`, until `until` holds (or it has run for `ms`), then SIGTERM: its exit code and output. */
async function runTerminal(env: NodeJS.ProcessEnv, until: () => boolean, ms = 30_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(kit, 'scanpos.cjs'), 'run', '--config', join(work, 'config.json')], {
    cwd: work,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const started = Date.now();
  while (!until() && child.exitCode === null && Date.now() - started < ms) await sleep(100);
  child.kill('SIGTERM');
  return { code: await exited, output };
}

test('the first start writes the cache once the terminal is up; the next one keeps it', async () => {
  const dir = mkdtempSync(join(work, 'cache-'));
  const first = await runTerminal({ CACHE_DIRECTORY: dir }, () => caches(dir).length > 0);
  assert.is(first.code, 0, first.output);
  const [name] = caches(dir);
  assert.match(name ?? '', new RegExp(`^scanpos-[0-9a-f]{16}-node${process.versions.node}-${process.arch}\\.cache$`));
  assert.ok(statSync(join(dir, name!)).size > 100_000, 'the cache holds compiled code');
  const written = readFileSync(join(dir, name!));
  // Long enough for a rewrite (2 s after the home screen) had it been refused.
  const second = await runTerminal({ CACHE_DIRECTORY: dir }, () => false, 5000);
  assert.is(second.code, 0, second.output);
  assert.equal(caches(dir), [name]);
  assert.ok(readFileSync(join(dir, name!)).equals(written), 'a cache V8 took is not written again');
});

test('a cache V8 refuses is written again; caches of other bundles are removed', async () => {
  const dir = mkdtempSync(join(work, 'cache-'));
  await runTerminal({ CACHE_DIRECTORY: dir }, () => caches(dir).length > 0);
  const [name] = caches(dir);
  writeFileSync(join(dir, name!), 'not a code cache');
  writeFileSync(join(dir, 'scanpos-0000000000000000-node18.0.0-x64.cache'), 'an older bundle');
  const run = await runTerminal({ CACHE_DIRECTORY: dir }, () => statSync(join(dir, name!)).size > 100_000 && caches(dir).length === 1);
  assert.is(run.code, 0, run.output);
  assert.equal(caches(dir), [name]);
});

test('without a cache folder nothing is written; a command that ends before a terminal is up writes none', async () => {
  const run = await runTerminal({}, () => false, 4000);
  assert.is(run.code, 0, run.output);
  assert.equal(caches(kit), []);
  assert.equal(caches(work), []);
  const dir = mkdtempSync(join(work, 'cache-'));
  const child = spawn(process.execPath, [join(kit, 'scanpos.cjs'), 'hash-pin', '246810'], { env: { PATH: process.env.PATH, SCANPOS_CODE_CACHE: dir } });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  assert.is(await new Promise((done) => child.once('exit', done)), 0);
  assert.match(out, /^scrypt\$/);
  assert.equal(readdirSync(dir), []);
});

test.run();
