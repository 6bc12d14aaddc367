// `scanpos ops push-config`: signs a partial config for each target and
// publishes it, retained, on `{prefix}/{tid}/config/desired` (one envelope per
// terminal, addressed to it: an envelope cannot be replayed onto another
// terminal's topic), then waits for `config/reported` to name that version.
// A terminal that is away finds the push retained when it connects. A
// rejected push stays retained too, until the next push replaces it; `status`
// shows the rejection.
import { configPushSchema, configReportSchema } from '../../src/ops/payloads.ts';
import { BROKER_OPTIONS, TARGET_OPTIONS, UsageError, brokerOptions, duration, parse, str, targets, type Io } from './args.ts';
import type { Message } from './broker.ts';
import { exitFor, publishAndCollect, readAnswer, withTargets } from './deliver.ts';
import { highestVersion } from './fleet.ts';
import { buildPatch } from './patch.ts';
import { tally, type Answer } from './send.ts';
import { signingKey } from './signing.ts';
import { renderTable } from './table.ts';

const FINAL = new Set(['applied', 'rejected', 'rolled_back']);
const ORDER = ['applied', 'rejected', 'rolled_back', 'deferred', 'no answer'];

export async function pushConfigCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    ...BROKER_OPTIONS,
    ...TARGET_OPTIONS,
    set: { type: 'string', multiple: true },
    file: { type: 'string' },
    version: { type: 'string' },
    expires: { type: 'string' },
  });
  // Everything that can be wrong on this side is found before connecting.
  const broker = brokerOptions(values);
  const wanted = targets(values);
  const key = signingKey(values);
  const patch = buildPatch(str(values.file), (values.set as string[] | undefined) ?? []);
  const expiresMs = duration(str(values.expires), 10 * 60_000, '--expires');
  const waitMs = duration(str(values.wait), 10_000, '--wait');
  let version: number | undefined;
  if (values.version !== undefined) {
    version = Number(values.version);
    if (!Number.isSafeInteger(version) || version < 1) throw new UsageError(`--version ${String(values.version)}: a whole number, 1 or more`);
  }

  return withTargets('push-config', broker, wanted, io, async (reached) => {
    // One above anything seen in the fleet, so that a push is never below
    // what a terminal has applied (it would refuse it as version_too_low).
    const v = version ?? highestVersion(reached.fleet.values()) + 1;
    const issuedAt = new Date(io.now());
    const expiresAt = new Date(issuedAt.getTime() + expiresMs);
    const sent = reached.tids.map((tid) => ({ tid, payload: { target: tid, version: v, issuedAt: issuedAt.toISOString(), expiresAt: expiresAt.toISOString(), config: patch } }));
    const answers = await publishAndCollect(reached, {
      sent,
      schema: configPushSchema,
      invalid: 'the push would not be a valid config push',
      topic: 'config/desired',
      retain: true,
      reply: 'config/reported',
      key,
      waitMs,
      io,
      classify: (m) => classify(m, v),
    });
    report(io, values.json === true, v, answers);
    return exitFor(answers, ['rejected', 'rolled_back'], 'applied');
  });
}

/** A fresh report about version `v`, or a refusal of an envelope the terminal could not read. */
function classify(m: Message, v: number): Answer | undefined {
  const r = readAnswer(m, configReportSchema);
  if (!r) return undefined;
  // A report of another version is about something else (the re-report of
  // the applied version at a reconnect), unless it refuses an envelope the
  // terminal could not even read the version of.
  if (r.version !== v && !(r.version === null && r.status === 'rejected')) return undefined;
  const detail = [r.reason, r.detail].filter(Boolean).join(': ');
  return { tid: m.tid, result: r.status, detail, final: FINAL.has(r.status), body: r };
}

function report(io: Io, json: boolean, version: number, answers: readonly Answer[]): void {
  if (json) {
    const results = answers.map((a) => ({ terminal: a.tid, result: a.result, detail: a.detail || null, report: a.body ?? null }));
    io.out(JSON.stringify({ version, results }, null, 2) + '\n');
    return;
  }
  const rows = answers.map((a) => [a.tid, a.result, `v${version}`, a.detail || '-']);
  io.out(renderTable([{ title: 'TERMINAL' }, { title: 'RESULT' }, { title: 'VERSION' }, { title: 'DETAIL', shrink: true }], rows, io.width) + '\n');
  io.out(`config v${version}: ${tally(answers, ORDER)}\n`);
}
