// `scanpos ops keygen --out DIR --key-id ID`: a new Ed25519 key pair for
// signing config pushes and commands. The private half (ID.key, 0600) stays
// with ops; the public half goes into each terminal's local config.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateOpsKeyPair } from '../../src/ops/envelope.ts';
import { UsageError, parse, str, type Io } from './args.ts';
import { EXIT } from './exit.ts';

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface KeyFiles {
  keyId: string;
  privateKeyFile: string;
  publicKeyFile: string;
  publicKey: string;
}

/** Writes DIR/ID.key and DIR/ID.pub; refuses to overwrite a key that exists. */
export function writeKeyPair(dir: string, keyId: string): KeyFiles {
  mkdirSync(dir, { recursive: true });
  const { publicKey, privateKey } = generateOpsKeyPair();
  const privateKeyFile = resolve(join(dir, `${keyId}.key`));
  const publicKeyFile = resolve(join(dir, `${keyId}.pub`));
  // 'wx': an existing key is someone's key (losing it locks ops out of the
  // terminals that trust it), and the mode is set at creation, never wider.
  writeFileSync(privateKeyFile, privateKey, { flag: 'wx', mode: 0o600 });
  chmodSync(privateKeyFile, 0o600); // whatever the umask
  writeFileSync(publicKeyFile, publicKey, { flag: 'wx', mode: 0o644 });
  return { keyId, privateKeyFile, publicKeyFile, publicKey };
}

export async function keygenCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { out: { type: 'string' }, 'key-id': { type: 'string' }, json: { type: 'boolean' } });
  const out = str(values.out);
  const keyId = str(values['key-id']);
  if (!out) throw new UsageError('--out DIR is required (where ID.key and ID.pub are written)');
  if (!keyId || !KEY_ID.test(keyId)) throw new UsageError('--key-id ID is required: letters, digits, ".", "_" or "-", e.g. ops-2026');
  let files: KeyFiles;
  try {
    files = writeKeyPair(out, keyId);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EEXIST') throw new UsageError(`${e.path ?? keyId}: exists already; a key is never overwritten (choose another --key-id)`);
    throw new UsageError(`cannot write the key pair under ${out}: ${e.message}`);
  }
  const entry = { keyId, publicKey: files.publicKey };
  if (values.json) {
    io.out(JSON.stringify({ privateKeyFile: files.privateKeyFile, publicKeyFile: files.publicKeyFile, opsPublicKey: entry }, null, 2) + '\n');
    return EXIT.ok;
  }
  io.out(
    [
      `private key: ${files.privateKeyFile} (mode 0600: keep it with ops, never on a terminal)`,
      `public key:  ${files.publicKeyFile}`,
      '',
      "Provision it in each terminal's config file (keys never travel over MQTT):",
      '',
      JSON.stringify({ security: { opsPublicKeys: [entry] } }, null, 2),
      '',
      `Then sign with: scanpos ops push-config --key ${files.privateKeyFile} --key-id ${keyId} ...`,
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
