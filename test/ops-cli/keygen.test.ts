// `scanpos ops keygen`: the key pair on disk (the private half readable by
// its owner only), the config snippet to provision, and a key never
// overwritten. Run once through the real `scanpos` command.
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openEnvelope, signEnvelope } from '../../src/ops/envelope.ts';
import { tempDir } from '../support/terminal.ts';
import { ops } from './support.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/scanpos.js', import.meta.url).pathname;

test('scanpos ops keygen writes ID.key (0600) and ID.pub and prints the opsPublicKeys entry', async () => {
  const dir = join(tempDir(), 'keys');
  const { stdout } = await run(process.execPath, [BIN, 'ops', 'keygen', '--out', dir, '--key-id', 'ops-2026']);
  const key = join(dir, 'ops-2026.key');
  const pub = join(dir, 'ops-2026.pub');
  assert.is(statSync(key).mode & 0o777, 0o600, 'the private key is its owner’s alone');
  assert.match(readFileSync(key, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
  assert.match(readFileSync(pub, 'utf8'), /^-----BEGIN PUBLIC KEY-----/);
  // The snippet is JSON to paste into a terminal's config.
  const snippet = JSON.parse(stdout.slice(stdout.indexOf('{'), stdout.lastIndexOf('}') + 1)) as { security: { opsPublicKeys: Array<{ keyId: string; publicKey: string }> } };
  assert.equal(snippet.security.opsPublicKeys, [{ keyId: 'ops-2026', publicKey: readFileSync(pub, 'utf8') }]);
  assert.match(stdout, /0600/);
  // The two halves belong together.
  const envelope = signEnvelope({ hello: 1 }, { keyId: 'ops-2026', privateKey: readFileSync(key, 'utf8') });
  const opened = openEnvelope(Buffer.from(JSON.stringify(envelope)), snippet.security.opsPublicKeys);
  assert.ok(opened.ok);
});

test('keygen never overwrites a key, and asks for what is missing', async () => {
  const dir = tempDir();
  assert.is((await ops(['keygen', '--out', dir, '--key-id', 'k1'])).code, 0);
  const before = readFileSync(join(dir, 'k1.key'), 'utf8');
  const again = await ops(['keygen', '--out', dir, '--key-id', 'k1']);
  assert.is(again.code, 2);
  assert.match(again.err, /exists already/);
  assert.is(readFileSync(join(dir, 'k1.key'), 'utf8'), before);
  assert.match((await ops(['keygen', '--key-id', 'k2'])).err, /--out DIR is required/);
  assert.match((await ops(['keygen', '--out', dir, '--key-id', 'a/b'])).err, /--key-id ID is required/);
  const json = await ops(['keygen', '--out', dir, '--key-id', 'k3', '--json']);
  assert.is((JSON.parse(json.out) as { opsPublicKey: { keyId: string } }).opsPublicKey.keyId, 'k3');
});

test('scanpos ops help lists the commands and the exit codes', async () => {
  const r = await ops(['help']);
  assert.is(r.code, 0);
  for (const word of ['keygen', 'status', 'push-config', 'cmd', '--json', 'exit codes']) assert.ok(r.out.includes(word), word);
  assert.ok(r.out.split('\n').every((l) => l.length <= 80), 'fits 80 columns');
  assert.is((await ops(['frobnicate'])).code, 2);
});

test.run();
