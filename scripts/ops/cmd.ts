// `scanpos ops cmd COMMAND`: signs a command for each target, sends it on
// `{prefix}/{tid}/cmd` and waits for the `cmd/res` that carries its id.
// Commands are not retained: a terminal that is away never gets one (it
// would be stale by the time it connects), and is listed as `no answer`.
import { randomUUID } from 'node:crypto';
import { COMMANDS, commandResultSchema, commandSchema } from '../../src/ops/payloads.ts';
import { BROKER_OPTIONS, TARGET_OPTIONS, UsageError, brokerOptions, duration, parse, str, targets, type Io } from './args.ts';
import type { Message } from './broker.ts';
import { exitFor, publishAndCollect, readAnswer, withTargets } from './deliver.ts';
import { tally, type Answer } from './send.ts';
import { signingKey } from './signing.ts';
import { renderTable } from './table.ts';

const ORDER = ['ok', 'failed', 'error', 'no answer'];

export async function cmdCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...BROKER_OPTIONS, ...TARGET_OPTIONS });
  const [cmd, ...extra] = positionals;
  if (!cmd || extra.length) throw new UsageError(`give one command: ${COMMANDS.join(', ')}`);
  if (!(COMMANDS as readonly string[]).includes(cmd)) throw new UsageError(`unknown command "${cmd}": ${COMMANDS.join(', ')}`);
  const broker = brokerOptions(values);
  const wanted = targets(values);
  const key = signingKey(values);
  const waitMs = duration(str(values.wait), 10_000, '--wait');

  return withTargets('cmd', broker, wanted, io, async (reached) => {
    const issuedAt = new Date(io.now()).toISOString();
    // One id per terminal: each terminal remembers the ids it has run.
    const sent = reached.tids.map((tid) => ({ tid, payload: { target: tid, id: `ops-${randomUUID()}`, cmd, issuedAt } }));
    const ids = new Map(sent.map((s) => [s.payload.id, s.tid]));
    const answers = await publishAndCollect(reached, {
      sent,
      schema: commandSchema,
      invalid: 'the command would not be valid',
      topic: 'cmd',
      retain: false,
      reply: 'cmd/res',
      key,
      waitMs,
      io,
      classify: (m) => classify(m, ids),
    });
    report(io, values.json === true, cmd, answers, sent);
    return exitFor(answers, ['error', 'failed'], 'ok');
  });
}

/** The answer to one of our ids, from the terminal it was sent to. */
function classify(m: Message, ids: ReadonlyMap<string, string>): Answer | undefined {
  const r = readAnswer(m, commandResultSchema);
  if (!r || r.id === null || ids.get(r.id) !== m.tid) return undefined;
  if (!r.ok) return { tid: m.tid, result: 'error', detail: r.error ? `${r.error.code}: ${r.error.message}` : 'refused', final: true, body: r };
  // The command ran; a self-test that found a fault says so in its result.
  const failed = isObject(r.result) && r.result.ok === false;
  return { tid: m.tid, result: failed ? 'failed' : 'ok', detail: summary(r.result), final: true, body: r };
}

/** A self-test as "pass 4, fail 1: printer"; anything else as compact JSON. */
function summary(result: unknown): string {
  if (result === undefined) return '-';
  if (isObject(result) && Array.isArray(result.tests)) {
    const tests = result.tests.filter(isObject);
    const count = (s: string) => tests.filter((t) => t.status === s).length;
    const failed = tests.filter((t) => t.status === 'fail').map((t) => [t.name, t.detail].filter(Boolean).join(' '));
    const head = `pass ${count('pass')}, fail ${count('fail')}, skipped ${count('skipped')}`;
    return failed.length ? `${head}: ${failed.join('; ')}` : head;
  }
  return JSON.stringify(result);
}

function report(io: Io, json: boolean, cmd: string, answers: readonly Answer[], sent: ReadonlyArray<{ tid: string; payload: { id: string } }>): void {
  if (json) {
    const idOf = new Map(sent.map((s) => [s.tid, s.payload.id]));
    const results = answers.map((a) => ({ terminal: a.tid, id: idOf.get(a.tid), result: a.result, detail: a.detail || null, response: a.body ?? null }));
    io.out(JSON.stringify({ cmd, results }, null, 2) + '\n');
    return;
  }
  const rows = answers.map((a) => [a.tid, a.result, a.detail || '-']);
  io.out(renderTable([{ title: 'TERMINAL' }, { title: 'RESULT' }, { title: 'DETAIL', shrink: true }], rows, io.width) + '\n');
  io.out(`${cmd}: ${tally(answers, ORDER)}\n`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
