// The board kit `npm run build` makes (scripts/build.mjs), tried the way a
// board uses it: copied out of the checkout, with nothing beside the bundle
// but the packages its package-lock.json names, run with plain `node` — also
// as a systemd service on a (fake) notify socket — and the installer's dry run.
// The kit is built once for the whole file.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildBoard } from '../../scripts/build.mjs';
import { skipBecause } from '../support/skip.ts';
import { fakeSystemdMissing, startFakeSystemd } from '../support/fake-systemd.ts';
import { startBroker } from '../../scripts/simulator/broker.ts';

const test = suite('scripts: the board kit');
const ROOT = resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

interface Lock {
  packages: Record<string, { version?: string; integrity?: string; dependencies?: Record<string, string> }>;
}
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

let work: string;
let kit: string;
let natives: string[];

test.before(async () => {
  // Outside the checkout: nothing of its node_modules is reachable from here.
  work = mkdtempSync(join(tmpdir(), 'scanpos-kit-'));
  kit = join(work, 'scanpos');
  ({ natives } = await buildBoard({ root: ROOT, outdir: kit }));
  // What `npm ci` would install on the board, taken from this checkout: one
  // link per top-level package of the kit's lock, and nothing else.
  for (const at of Object.keys(readJson<Lock>(join(kit, 'package-lock.json')).packages)) {
    if (!at || at.split('node_modules/').length !== 2) continue;
    mkdirSync(dirname(join(kit, at)), { recursive: true });
    symlinkSync(join(ROOT, at), join(kit, at));
  }
});

test.after(() => {
  rmSync(work, { recursive: true, force: true });
});

/** node on the kit; --preserve-symlinks keeps the packages' own lookups inside the kit. */
const node = (args: string[], options: { cwd?: string } = {}) => run(process.execPath, ['--preserve-symlinks', ...args], { cwd: options.cwd ?? kit, timeout: 30_000 });

test('package.json names exactly the native packages, at the checkout\'s locked versions', () => {
  const rootLock = readJson<Lock>(join(ROOT, 'package-lock.json'));
  const manifest = readJson<{ dependencies: Record<string, string> }>(join(kit, 'package.json'));
  assert.equal(natives, ['onoff', 'serialport']);
  assert.equal(manifest.dependencies, {
    onoff: rootLock.packages['node_modules/onoff']!.version,
    serialport: rootLock.packages['node_modules/serialport']!.version,
  });
  const lock = readJson<Lock>(join(kit, 'package-lock.json'));
  assert.equal(lock.packages['']!.dependencies, manifest.dependencies);
  // epoll compiles on the board: it comes with onoff, as locked.
  assert.ok(lock.packages['node_modules/epoll']);
  for (const [at, entry] of Object.entries(lock.packages)) {
    if (!at) continue;
    assert.is(entry.version, rootLock.packages[at]?.version, at);
    assert.is(entry.integrity, rootLock.packages[at]?.integrity, at);
  }
  // Nothing the bundle already holds.
  for (const bundled of ['mqtt', 'pino', 'zod', 'lowdb', 'aedes']) assert.not.ok(lock.packages[`node_modules/${bundled}`], bundled);
});

test('npm accepts the kit\'s package.json and lock as they are (npm ci, dry run)', async () => {
  const copy = join(work, 'npm-check');
  mkdirSync(copy);
  writeFileSync(join(copy, 'package.json'), readFileSync(join(kit, 'package.json')));
  writeFileSync(join(copy, 'package-lock.json'), readFileSync(join(kit, 'package-lock.json')));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const { stdout } = await run(npm, ['ci', '--dry-run', '--offline', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: copy, timeout: 60_000 });
  assert.match(stdout, /add onoff /);
  assert.match(stdout, /add epoll /);
  assert.match(stdout, /add serialport /);
});

test('the kit has the installer, the unit and the example configs', () => {
  accessSync(join(kit, 'install-board.sh'), constants.X_OK);
  assert.match(readFileSync(join(kit, 'scanpos.service'), 'utf8'), /^Type=notify$/m);
  for (const name of ['board.json', 'mosquitto.conf', 'mosquitto.acl', 'README.md']) assert.ok(existsSync(join(kit, 'examples', name)), name);
});

test('`node scanpos.mjs help` and `hash-pin` run from the copy, outside the checkout', async () => {
  const help = await node(['scanpos.mjs', 'help']);
  assert.match(help.stdout, /scanpos run --config FILE/);
  const hash = await node(['scanpos.mjs', 'hash-pin', '246810']);
  assert.match(hash.stdout, /^scrypt\$/);
});

test('the native packages load from the kit\'s node_modules, addons included', async () => {
  const { stdout } = await node(['-e', "require('serialport'); require('onoff'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.endsWith('.node'))))"]);
  const addons = JSON.parse(stdout) as string[];
  assert.ok(addons.some((a) => a.startsWith(kit) && a.includes('bindings-cpp')), stdout);
  assert.ok(addons.some((a) => a.startsWith(kit) && a.endsWith('epoll.node')), stdout);
});

const noSystemd = fakeSystemdMissing();
if (noSystemd) skipBecause(`the bundled terminal was not run as a systemd service: ${noSystemd}`);

test('`scanpos run` from the kit under systemd: READY=1, watchdog pings, STOPPING=1 on SIGTERM, exit 0', async () => {
  if (noSystemd) return;
  const systemd = await startFakeSystemd();
  // A board's terminal on its broker (the open connection is also what keeps it running).
  const broker = await startBroker();
  const dir = join(work, 'terminal');
  mkdirSync(dir);
  const config = join(dir, 'config.json');
  const sim = { driver: 'sim' };
  writeFileSync(
    config,
    JSON.stringify({
      terminal: { id: 'TB01', number: '0001' },
      storage: { dir: join(dir, 'data') },
      network: { driver: 'mqtt', bootJitterMs: 0 },
      mqtt: { url: broker.url },
      display: sim,
      keypad: sim,
      scanner: sim,
      printer: sim,
      indicators: sim,
    }),
  );
  const child = spawn(process.execPath, ['--preserve-symlinks', join(kit, 'scanpos.mjs'), 'run', '--config', config], {
    cwd: dir,
    env: { PATH: process.env.PATH, NOTIFY_SOCKET: systemd.socket, WATCHDOG_USEC: '1000000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  try {
    const ready = await systemd.waitFor('READY=1').catch((err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    });
    assert.ok(ready.fields.includes('STATUS=terminal TB01 running'), JSON.stringify(ready.fields));
    await systemd.waitFor('WATCHDOG=1');
    child.kill('SIGTERM');
    assert.is(await exited, 0, output);
    const fields = systemd.messages.map((m) => m.fields[0]);
    assert.is(fields.at(-1), 'STOPPING=1', fields.join(' '));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await systemd.stop();
    await broker.stop();
  }
});

test('install-board.sh --dry-run says what it would install and changes nothing', async () => {
  await run('bash', ['-n', join(kit, 'install-board.sh')]);
  let result: { stdout: string; stderr: string };
  try {
    result = await run('bash', [join(kit, 'install-board.sh'), '--dry-run', '--any-arch'], { timeout: 30_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    if (/systemctl not found|systemd-notify not found|npm is not installed/.test(e.stderr ?? '')) {
      skipBecause(`install-board.sh --dry-run could not run here: ${e.stderr?.trim()}`);
      return;
    }
    throw new Error(`${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
  const out = result.stdout;
  for (const expected of [
    /would run: usermod --append --groups dialout,gpio,tty scanpos/,
    /would run: \(cd \/opt\/scanpos\.new && npm ci --omit=dev/,
    /would run: install -o root -g scanpos -m 0640 .*board\.json \/etc\/scanpos\/config\.json|keeping \/etc\/scanpos\/config\.json/,
    /would run: install -d -o scanpos -g scanpos -m 0750 \/var\/lib\/scanpos/,
    /would write \/etc\/systemd\/system\/scanpos\.service/,
    /would run: systemctl enable scanpos\.service/,
    /would run: systemctl disable --now getty@tty1\.service/,
  ]) {
    assert.match(out, expected);
  }
  assert.not.ok(existsSync('/opt/scanpos.new'));
});

const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
if (!analyze) skipBecause('systemd-analyze is not installed: the unit file was not verified');

test('systemd-analyze verify finds nothing wrong in scanpos.service', async () => {
  if (!analyze) return;
  const { stdout, stderr } = await run(analyze, ['verify', '--man=no', join(kit, 'scanpos.service')], { timeout: 30_000 }).catch(
    (err: { stdout: string; stderr: string }) => err,
  );
  // It may also report on units it pulls in (network-online.target…); only ours matters here.
  const ours = `${stdout}${stderr}`.split('\n').filter((line) => line.includes('scanpos.service'));
  assert.equal(ours, []);
});

test.run();
