// What push-config and cmd share: who the targets are, publishing one signed
// envelope per target, and waiting for each target's answer until all are
// final or --wait is over. Answers are matched to what was sent (a version,
// a command id); retained messages are old news and never count.
import type { Io, Targets } from './args.ts';
import type { Message, OpsClient } from './broker.ts';
import type { FleetEntry } from './fleet.ts';
import { age } from './table.ts';

export interface Answer {
  tid: string;
  /** applied / rejected / rolled_back / deferred / ok / error / no answer */
  result: string;
  detail: string;
  /** No later message changes it (deferred is not final: `applied` follows). */
  final: boolean;
  /** The terminal's message as it came, for --json. */
  body?: Record<string, unknown>;
}

/** The terminals to address: those named, or every one with a retained status. */
export function resolveTargets(targets: Targets, fleet: ReadonlyMap<string, FleetEntry>): string[] {
  if (!targets.all) return targets.ids;
  return [...fleet.values()].filter((e) => e.status).map((e) => e.id).sort((a, b) => a.localeCompare(b));
}

/**
 * Listens for answers on `{prefix}/+/{suffix}`, runs `publish`, then waits
 * until every target has a final answer or `waitMs` has passed. A target
 * without an answer gets `no answer`, with its last known state.
 */
export async function sendAndCollect(options: {
  client: OpsClient;
  tids: readonly string[];
  suffix: string;
  classify: (m: Message) => Answer | undefined;
  publish: () => Promise<void>;
  waitMs: number;
  fleet: ReadonlyMap<string, FleetEntry>;
  io: Io;
}): Promise<Answer[]> {
  const { client, tids, suffix, classify, waitMs, io } = options;
  const wanted = new Set(tids);
  const answers = new Map<string, Answer>();
  let wake: (() => void) | undefined;
  const off = client.onMessage((m) => {
    if (m.retained || m.suffix !== suffix || !wanted.has(m.tid)) return;
    const a = classify(m);
    if (!a || answers.get(m.tid)?.final) return;
    answers.set(m.tid, a);
    wake?.();
  });
  try {
    await client.subscribe([suffix]);
    await options.publish();
    const deadline = io.now() + waitMs;
    while (tids.some((t) => !answers.get(t)?.final)) {
      const left = deadline - io.now();
      if (left <= 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    off();
  }
  return tids.map((tid) => answers.get(tid) ?? silence(tid, options.fleet.get(tid), io.now()));
}

function silence(tid: string, entry: FleetEntry | undefined, now: number): Answer {
  const s = entry?.status;
  const detail = !s
    ? 'no status from this terminal on this broker'
    : s.state === 'online'
      ? 'online, but did not answer in time'
      : `${s.state}${s.at ? ` (status ${age(now - Date.parse(s.at))} old)` : ''}`;
  return { tid, result: 'no answer', detail, final: false };
}

/** "2 applied, 1 rejected, 1 no answer", in a fixed order, leaving out zeros. */
export function tally(answers: readonly Answer[], order: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const a of answers) counts.set(a.result, (counts.get(a.result) ?? 0) + 1);
  const keys = [...order.filter((k) => counts.has(k)), ...[...counts.keys()].filter((k) => !order.includes(k))];
  return keys.map((k) => `${counts.get(k)} ${k}`).join(', ');
}
