// One terminal per data folder: a second process is refused while the first
// lives; a lock left by a process that is gone is taken over.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FolderInUseError, LOCK_FILE, lockDataFolder } from '../../src/runtime/instance-lock.ts';
import { tempDir } from '../support/terminal.ts';

const test = suite('runtime: one terminal per data folder');

const bootId = (): string => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
};

test('a live process holding the folder: refused, naming it; released: free again', async () => {
  const dir = tempDir();
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    writeFileSync(join(dir, LOCK_FILE), `${other.pid} ${bootId()}\n`);
    assert.throws(() => lockDataFolder(dir), (err: Error) => err instanceof FolderInUseError && err.message.includes(`pid ${other.pid}`));
  } finally {
    other.kill('SIGKILL');
    await new Promise((r) => other.once('exit', r));
  }
  // Its process is gone (killed): the lock is stale and taken over.
  const lock = lockDataFolder(dir);
  assert.match(readFileSync(join(dir, LOCK_FILE), 'utf8'), new RegExp(`^${process.pid} `));
  lock.release();
  assert.not.ok(existsSync(join(dir, LOCK_FILE)), 'released at stop');
});

test('a lock from an earlier boot is stale even if its pid is alive now', () => {
  const dir = tempDir();
  // pid 1 is alive on every boot; the boot id says the lock is older than this one.
  writeFileSync(join(dir, LOCK_FILE), `1 some-earlier-boot\n`);
  const lock = lockDataFolder(dir);
  lock.release();
});

test('two takes by this process: the second sees its own pid and takes over (a restart in the same process)', () => {
  const dir = tempDir();
  const first = lockDataFolder(dir);
  const second = lockDataFolder(dir);
  second.release();
  first.release();
  assert.not.ok(existsSync(join(dir, LOCK_FILE)));
});

test.run();
