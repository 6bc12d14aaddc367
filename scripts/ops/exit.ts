// The exit codes of `scanpos ops` (listed in its help) and the one place that
// turns "cannot reach the broker" into a sentence.
import type { Io } from './args.ts';
import { OpsClient, type BrokerOptions } from './broker.ts';

export const EXIT = {
  /** Every target applied / answered ok; status: no terminal lost, no failed self-test. */
  ok: 0,
  /** At least one target rejected, rolled back or answered an error; status: a terminal lost or failing its self-test. */
  failed: 1,
  /** A usage problem: options, key file, patch file. Nothing was sent. */
  usage: 2,
  /** Nothing failed, but not every target answered within --wait (no answer, or deferred); status: no terminal found. */
  incomplete: 3,
  /** The broker could not be reached. Nothing was sent. */
  broker: 4,
} as const;

export async function connectOrExplain(o: BrokerOptions, io: Io): Promise<OpsClient | undefined> {
  try {
    return await OpsClient.connect(o);
  } catch (err) {
    io.err(`scanpos ops: cannot connect to ${o.url}: ${(err as Error).message}\n`);
    return undefined;
  }
}
