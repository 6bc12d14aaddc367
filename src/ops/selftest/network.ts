// Network test: the broker connection, a `time.get` round trip to the host
// with its latency, and the local clock's drift against the host's (a board
// has no real-time clock; receipts carry the local time). Drift is worked out
// as the clock check does (src/sync/clock-check.ts): the host's time plus
// half the round trip, against the local time on arrival.
import type { Link } from '../../../hal/network/types.ts';
import { SKEW_LIMIT_MS } from '../../sync/clock-check.ts';
import type { HostClient } from '../../sync/host-client.ts';
import type { CheckOutcome } from './runner.ts';

export interface NetworkCheckOptions {
  link: Pick<Link, 'status'>;
  host: Pick<HostClient, 'time'>;
  /** Local time, epoch ms. */
  now: () => number;
}

/** `+0.3 s`, `-75.0 s`. */
const signed = (ms: number): string => `${ms >= 0 ? '+' : '-'}${(Math.abs(ms) / 1000).toFixed(1)} s`;

export async function checkNetwork({ link, host, now }: NetworkCheckOptions): Promise<CheckOutcome> {
  if (!link.status().connected) return { status: 'fail', detail: 'broker not connected' };
  const sent = now();
  const answer = await host.time();
  const received = now();
  const roundTripMs = Math.round(received - sent);
  if (answer.kind === 'unreachable') return { status: 'fail', detail: `broker connected, host did not answer time.get (${answer.reason})` };
  if (answer.kind === 'error') return { status: 'fail', detail: `broker connected, host refused time.get: ${answer.code}` };
  const driftMs = Math.round(received - (Date.parse(answer.value) + roundTripMs / 2));
  const detail = `broker connected, host round trip ${roundTripMs} ms, clock ${signed(driftMs)} against the host`;
  if (Math.abs(driftMs) > SKEW_LIMIT_MS) return { status: 'fail', detail: `${detail} (over ${SKEW_LIMIT_MS / 1000} s: set the clock)` };
  return { status: 'pass', detail };
}
