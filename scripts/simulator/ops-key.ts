// The simulator's demo ops key: made on the first start under the data
// folder, kept across starts (a push signed yesterday still verifies), and
// trusted by the simulated terminal, so that `scanpos ops` can be tried at
// once. A real terminal trusts only the keys in its own config file.
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeKeyPair } from '../ops/keygen.ts';

export const DEMO_KEY_ID = 'ops-demo';

export interface DemoOpsKey {
  keyId: string;
  /** The private half, for `scanpos ops … --key`. */
  privateKeyFile: string;
  publicKey: string;
}

export function demoOpsKey(dataDir: string): DemoOpsKey {
  const dir = join(dataDir, 'ops');
  const privateKeyFile = join(dir, `${DEMO_KEY_ID}.key`);
  if (!existsSync(privateKeyFile)) {
    const made = writeKeyPair(dir, DEMO_KEY_ID);
    return { keyId: DEMO_KEY_ID, privateKeyFile: made.privateKeyFile, publicKey: made.publicKey };
  }
  // The public half is derived again: the .pub file beside it is for people.
  const publicKey = createPublicKey(readFileSync(privateKeyFile, 'utf8')).export({ type: 'spki', format: 'pem' }).toString();
  return { keyId: DEMO_KEY_ID, privateKeyFile, publicKey };
}
