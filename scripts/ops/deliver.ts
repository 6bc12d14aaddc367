// The path push-config and cmd both take once their options are read: reach
// the broker, find the targets, check one envelope per target (before
// anything is sent), sign and publish them, wait for the answers and turn
// them into an exit code. Kept in one place so both commands fail, time out
// and exit alike; only what they send and how an answer reads differ.
import type { ZodType } from 'zod';
import { issuesText } from '../../src/ops/payloads.ts';
import { UsageError, type Io, type Targets } from './args.ts';
import { json, type BrokerOptions, type Message, type OpsClient } from './broker.ts';
import { EXIT, connectOrExplain } from './exit.ts';
import { readFleet, type FleetEntry } from './fleet.ts';
import { resolveTargets, sendAndCollect, type Answer } from './send.ts';
import { sign, type SigningKey } from './signing.ts';

export interface Reached {
  client: OpsClient;
  fleet: ReadonlyMap<string, FleetEntry>;
  tids: string[];
}

/**
 * Connects, reads the fleet and resolves the targets, then runs `send`; the
 * connection is closed whatever happens. No broker and no target are
 * answered here, with their exit codes.
 */
export async function withTargets(command: string, broker: BrokerOptions, wanted: Targets, io: Io, send: (reached: Reached) => Promise<number>): Promise<number> {
  const client = await connectOrExplain(broker, io);
  if (!client) return EXIT.broker;
  try {
    const fleet = await readFleet(client);
    const tids = resolveTargets(wanted, fleet);
    if (!tids.length) {
      io.err(`scanpos ops ${command}: no terminal reports a status under ${broker.prefix}/+/status: nothing sent\n`);
      return EXIT.incomplete;
    }
    return await send({ client, fleet, tids });
  } finally {
    await client.close();
  }
}

/**
 * Checks every envelope against `schema` (a bad one is a usage error and
 * nothing is sent), then signs and publishes each on `{tid}/{topic}` and
 * collects the answers on `{tid}/{reply}`.
 */
export async function publishAndCollect<P extends Record<string, unknown>>(
  reached: Reached,
  options: {
    sent: ReadonlyArray<{ tid: string; payload: P }>;
    schema: ZodType;
    /** How a usage error about an envelope failing the schema begins. */
    invalid: string;
    topic: string;
    retain: boolean;
    reply: string;
    key: SigningKey;
    waitMs: number;
    io: Io;
    classify: (m: Message) => Answer | undefined;
  },
): Promise<Answer[]> {
  const { client, fleet, tids } = reached;
  const { sent, key } = options;
  for (const { payload } of sent) {
    const checked = options.schema.safeParse(payload);
    if (!checked.success) throw new UsageError(`${options.invalid}: ${issuesText(checked.error)}`);
  }
  return sendAndCollect({
    client,
    tids,
    suffix: options.reply,
    fleet,
    io: options.io,
    waitMs: options.waitMs,
    classify: options.classify,
    publish: async () => {
      for (const { tid, payload } of sent) await client.publish(tid, options.topic, { ...sign(payload, key) }, options.retain);
    },
  });
}

/** A message's JSON read against `schema`; undefined for anything else (junk, another payload). */
export function readAnswer<T>(m: Message, schema: ZodType<T>): T | undefined {
  const parsed = schema.safeParse(json(m.payload));
  return parsed.success ? parsed.data : undefined;
}

/** failed when any answer is one of `failures`, ok when every one is `ok`, else incomplete. */
export function exitFor(answers: readonly Answer[], failures: readonly string[], ok: string): number {
  if (answers.some((a) => failures.includes(a.result))) return EXIT.failed;
  return answers.every((a) => a.result === ok) ? EXIT.ok : EXIT.incomplete;
}
