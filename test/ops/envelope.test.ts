// Signed envelopes: what verifies, and why each thing that does not is refused.
import { createPrivateKey, sign } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_ENVELOPE_BYTES, generateOpsKeyPair, openEnvelope, signEnvelope } from '../../src/ops/envelope.ts';
import { configPushSchema, commandSchema } from '../../src/ops/payloads.ts';
import { KEY, KEYS, KEY_ID } from './support.ts';

const test = suite('ops: signed envelopes');
const keys = [{ keyId: KEY_ID, publicKey: KEYS.publicKey }];
const payload = { target: 'T1', version: 3, issuedAt: '2026-11-27T08:00:00Z', expiresAt: '2026-11-28T08:00:00Z', config: { receipt: { header: ['Shop'] } } };
const wire = (e: unknown) => Buffer.from(JSON.stringify(e));

test('an envelope signed with a provisioned key opens to its payload, byte for byte what was signed', () => {
  const envelope = signEnvelope(payload, KEY);
  assert.is(envelope.v, 1);
  assert.is(envelope.keyId, KEY_ID);
  assert.is(Buffer.from(envelope.payload, 'base64').toString('utf8'), JSON.stringify(payload));
  const opened = openEnvelope(wire(envelope), keys);
  assert.equal(opened, { ok: true, keyId: KEY_ID, payload });
  assert.ok(configPushSchema.safeParse(payload).success);
});

test('a changed payload, a signature by another key, an unknown key id: refused with their reason', () => {
  const envelope = signEnvelope(payload, KEY);
  const tampered = { ...envelope, payload: Buffer.from(JSON.stringify({ ...payload, version: 4 })).toString('base64') };
  assert.is(openEnvelope(wire(tampered), keys).ok, false);
  assert.equal((openEnvelope(wire(tampered), keys) as { reason: string }).reason, 'bad_signature');
  const other = generateOpsKeyPair();
  const forged = signEnvelope(payload, { keyId: KEY_ID, privateKey: other.privateKey });
  assert.equal((openEnvelope(wire(forged), keys) as { reason: string }).reason, 'bad_signature');
  const unknown = signEnvelope(payload, { keyId: 'ops-old', privateKey: other.privateKey });
  const refused = openEnvelope(wire(unknown), keys) as { reason: string; detail: string };
  assert.is(refused.reason, 'unknown_key');
  assert.match(refused.detail, /ops-old/);
});

test('not JSON, not an envelope, not base64, a signed payload that is not JSON, over 64 KiB: malformed or oversize', () => {
  const reason = (raw: Buffer) => (openEnvelope(raw, keys) as { reason?: string }).reason;
  assert.is(reason(Buffer.from('{"v":1,')), 'malformed');
  assert.is(reason(wire([1, 2])), 'malformed');
  assert.is(reason(wire({ v: 2, keyId: KEY_ID, payload: '', sig: '' })), 'malformed');
  assert.is(reason(wire({ ...signEnvelope(payload, KEY), payload: 'not base64!' })), 'malformed');
  const bytes = Buffer.from('not json', 'utf8');
  const sig = sign(null, bytes, createPrivateKey(KEYS.privateKey)).toString('base64');
  assert.is(reason(wire({ v: 1, keyId: KEY_ID, payload: bytes.toString('base64'), sig })), 'malformed');
  const big = { ...payload, config: { receipt: { header: ['x'.repeat(MAX_ENVELOPE_BYTES)] } } };
  assert.is(reason(wire(signEnvelope(big, KEY))), 'oversize');
});

test('a provisioned key that is not Ed25519 verifies nothing', () => {
  const envelope = signEnvelope(payload, KEY);
  const opened = openEnvelope(wire(envelope), [{ keyId: KEY_ID, publicKey: 'not a PEM' }]) as { reason: string };
  assert.is(opened.reason, 'unknown_key');
});

test('command payloads: the five commands, an id, a time', () => {
  const ok = commandSchema.safeParse({ target: '*', id: 'c-1', cmd: 'settle', issuedAt: '2026-11-27T08:00:00Z' });
  assert.ok(ok.success);
  assert.is(commandSchema.safeParse({ target: '*', id: 'c-1', cmd: 'format', issuedAt: '2026-11-27T08:00:00Z' }).success, false);
  assert.is(commandSchema.safeParse({ target: '*', cmd: 'status', issuedAt: '2026-11-27T08:00:00Z' }).success, false);
});

test.run();
