// Reading an `rpc/res` payload: JSON, `v: 1`, an id, and either a result
// object or an error with a code. Anything else is dropped with the reason.
import type { RpcOutcome } from './types.ts';

export type ParsedResponse = { ok: true; id: string; outcome: RpcOutcome } | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseRpcResponse(payload: Buffer | string): ParsedResponse {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString());
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isObject(body)) return { ok: false, reason: 'not a JSON object' };
  if (body.v !== 1) return { ok: false, reason: `unsupported version ${JSON.stringify(body.v)}` };
  if (typeof body.id !== 'string' || body.id === '') return { ok: false, reason: 'no id' };
  if (body.ok === true && isObject(body.result)) return { ok: true, id: body.id, outcome: { kind: 'ok', result: body.result } };
  if (body.ok === false && isObject(body.error) && typeof body.error.code === 'string') {
    return { ok: true, id: body.id, outcome: { kind: 'error', error: { code: body.error.code, message: String(body.error.message ?? '') } } };
  }
  return { ok: false, reason: 'neither a result nor an error' };
}
