// Signed envelopes (PROTOCOL.md "Signed envelopes"): what ops send on
// `config/desired` and `cmd`. The signature covers the exact payload bytes
// (base64 in the envelope), so nothing is re-serialised before it is checked:
// JSON key order or spacing can never make a good envelope fail, nor a
// tampered one pass. Ed25519 through node:crypto, no dependency.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/** The wire limit of every inbound message (PROTOCOL.md conventions). */
export const MAX_ENVELOPE_BYTES = 64 * 1024;

export interface Envelope {
  v: 1;
  keyId: string;
  /** base64 of the payload bytes (UTF-8 JSON). */
  payload: string;
  /** base64 Ed25519 signature of those bytes. */
  sig: string;
}

export interface OpsPublicKey {
  keyId: string;
  /** SPKI PEM. */
  publicKey: string;
}

export type OpenFailure = 'malformed' | 'oversize' | 'unknown_key' | 'bad_signature';

export type Opened = { ok: true; keyId: string; payload: unknown } | { ok: false; reason: OpenFailure; detail: string };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Signs `payload` (its JSON text as UTF-8) with an Ed25519 private key in PEM. */
export function signEnvelope(payload: Record<string, unknown>, key: { keyId: string; privateKey: string }): Envelope {
  const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
  const privateKey = createPrivateKey(key.privateKey);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`key ${key.keyId} is ${privateKey.asymmetricKeyType ?? 'not asymmetric'}, not Ed25519`);
  return { v: 1, keyId: key.keyId, payload: bytes.toString('base64'), sig: sign(null, bytes, privateKey).toString('base64') };
}

/** A new ops key pair, both halves PEM (SPKI / PKCS#8). The private half never goes near a terminal. */
export function generateOpsKeyPair(): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/**
 * Reads and verifies an envelope as it came off the wire. Checks, in order:
 * size, envelope shape, the key named, the signature over the payload bytes,
 * and only then parses those bytes as JSON. Never throws.
 */
export function openEnvelope(raw: Buffer, keys: ReadonlyArray<OpsPublicKey>): Opened {
  if (raw.length > MAX_ENVELOPE_BYTES) return { ok: false, reason: 'oversize', detail: `${raw.length} bytes, more than ${MAX_ENVELOPE_BYTES}` };
  const envelope = readEnvelope(raw);
  if (typeof envelope === 'string') return { ok: false, reason: 'malformed', detail: envelope };
  const entry = keys.find((k) => k.keyId === envelope.keyId);
  if (!entry) return { ok: false, reason: 'unknown_key', detail: `no ops key "${envelope.keyId}" is provisioned on this terminal` };
  const key = publicKeyOf(entry);
  if (!key) return { ok: false, reason: 'unknown_key', detail: `ops key "${envelope.keyId}" in the local config is not an Ed25519 public key` };
  const bytes = Buffer.from(envelope.payload, 'base64');
  const sig = Buffer.from(envelope.sig, 'base64');
  let good = false;
  try {
    good = sig.length === 64 && verify(null, bytes, key, sig);
  } catch {
    good = false;
  }
  if (!good) return { ok: false, reason: 'bad_signature', detail: `the signature does not match the payload for key "${envelope.keyId}"` };
  const payload = parseJson(bytes);
  if (payload === undefined) return { ok: false, reason: 'malformed', detail: 'the signed payload is not UTF-8 JSON' };
  return { ok: true, keyId: envelope.keyId, payload };
}

/**
 * The payload of an envelope WITHOUT checking its signature, or undefined.
 * Only for echoing an id or a version in a refusal, so that ops can tell
 * which of their messages was refused; never for acting on it.
 */
export function peekUnverified(raw: Buffer): Record<string, unknown> | undefined {
  if (raw.length > MAX_ENVELOPE_BYTES) return undefined;
  const envelope = readEnvelope(raw);
  if (typeof envelope === 'string') return undefined;
  const payload = parseJson(Buffer.from(envelope.payload, 'base64'));
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
}

/** The envelope, or why it is not one. */
function readEnvelope(raw: Buffer): Envelope | string {
  const json = parseJson(raw);
  if (json === undefined) return 'not UTF-8 JSON';
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'not a JSON object';
  const e = json as Record<string, unknown>;
  if (e.v !== 1) return `v must be 1 (got ${JSON.stringify(e.v)})`;
  if (typeof e.keyId !== 'string' || !e.keyId) return 'keyId missing';
  if (typeof e.payload !== 'string' || !BASE64.test(e.payload)) return 'payload is not base64';
  if (typeof e.sig !== 'string' || !BASE64.test(e.sig)) return 'sig is not base64';
  return { v: 1, keyId: e.keyId, payload: e.payload, sig: e.sig };
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

function publicKeyOf(entry: OpsPublicKey): KeyObject | undefined {
  try {
    const key = createPublicKey(entry.publicKey);
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}
