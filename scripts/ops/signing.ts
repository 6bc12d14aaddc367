// The ops private key from --key FILE (PEM) and the id the terminals know it
// by (--key-id; by default the file's name without ".key", as keygen names
// it). Checked before anything is sent, so a wrong file is a usage error.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { signEnvelope, type Envelope } from '../../src/ops/envelope.ts';
import { UsageError, str } from './args.ts';

export interface SigningKey {
  keyId: string;
  privateKey: string;
}

export function signingKey(values: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): SigningKey {
  const file = str(values.key) ?? env.SCANPOS_OPS_KEY;
  if (!file) throw new UsageError('--key FILE is required: the ops private key (from scanpos ops keygen) that signs what is sent');
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--key ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let type: string | undefined;
  try {
    type = createPrivateKey(pem).asymmetricKeyType;
  } catch {
    throw new UsageError(`--key ${file}: not a private key in PEM`);
  }
  if (type !== 'ed25519') throw new UsageError(`--key ${file}: a ${type ?? 'non-asymmetric'} key; ops keys are Ed25519 (scanpos ops keygen)`);
  const keyId = str(values['key-id']) ?? env.SCANPOS_OPS_KEY_ID ?? (file.endsWith('.key') ? basename(file, '.key') : undefined);
  if (!keyId) throw new UsageError('--key-id ID is required: the keyId the terminals have in security.opsPublicKeys');
  return { keyId, privateKey: pem };
}

export function sign(payload: Record<string, unknown>, key: SigningKey): Envelope {
  return signEnvelope(payload, key);
}
