// `scanpos hash-pin`: the PIN as an argument, or on stdin (kept out of the
// shell's history and the process list); either way a hash that checks.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { verifyPin } from '../../src/domain/pin.ts';

const test = suite('scanpos hash-pin');
const BIN = fileURLToPath(new URL('../../bin/scanpos.js', import.meta.url));
const run = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, 'hash-pin', ...args], { input: input ?? '', encoding: 'utf8' });

test('from stdin: the hash checks against the PIN typed, and the PIN is in no argument', async () => {
  const out = run([], '482913\n');
  assert.is(out.status, 0, out.stderr);
  assert.ok(await verifyPin('482913', out.stdout.trim()));
  assert.not.ok(await verifyPin('482914', out.stdout.trim()));
});

test('as an argument, as before; a PIN that is not 4 to 12 digits is refused with the rule', async () => {
  assert.ok(await verifyPin('135790', run(['135790']).stdout.trim()));
  const bad = run([], '12\n');
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /4 to 12 digits/);
});

test.run();
