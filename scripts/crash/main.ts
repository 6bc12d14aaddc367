// `npm run crash -- [--kills N] [--seed N] [--broker aedes|mosquitto] [--keep]`:
// the crash harness (harness.ts). Prints the seed first, so that a failing
// run can be repeated, and the summary line last; exits 1 when anything
// shown APPROVED or QUEUED was lost or doubled, something unrecorded reached
// the host, or a data file does not read back.
import { parseArgs } from 'node:util';
import { runCrash } from './harness.ts';
import { describe, summary } from './report.ts';
import { newSeed } from './random.ts';

const USAGE = `usage: npm run crash -- [--kills 1000] [--seed N] [--broker aedes|mosquitto] [--max-life-ms 1500] [--no-declines] [--keep]
  --no-declines   seed the host without orders it declines (every refund ends approved)
  --keep          keep the run folder (logs, frames, data) even when the run passes`;

function fail(message: string): number {
  process.stderr.write(`crash: ${message}\n${USAGE}\n`);
  return 2;
}

const whole = (text: string | undefined, fallback: number): number => (text === undefined ? fallback : /^\d+$/.test(text) ? Number(text) : NaN);

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        kills: { type: 'string' },
        seed: { type: 'string' },
        broker: { type: 'string' },
        'max-life-ms': { type: 'string' },
        keep: { type: 'boolean' },
        'no-declines': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    return fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const kills = whole(values.kills as string | undefined, 1000);
  const seed = whole(values.seed as string | undefined, newSeed());
  const maxLifeMs = whole(values['max-life-ms'] as string | undefined, 1500);
  const broker = (values.broker as string | undefined) ?? 'aedes';
  if (!(kills >= 1)) return fail('--kills is a whole number ≥ 1');
  if (!Number.isSafeInteger(seed)) return fail('--seed is a whole number');
  if (!(maxLifeMs >= 100)) return fail('--max-life-ms is a whole number ≥ 100');
  if (broker !== 'aedes' && broker !== 'mosquitto') return fail('--broker is aedes or mosquitto');
  process.stdout.write(`crash: seed ${seed} (repeat with --seed ${seed})\n`);
  const report = await runCrash({
    kills,
    seed,
    broker,
    maxLifeMs,
    declines: values['no-declines'] !== true,
    keep: values.keep === true,
    progress: (line) => process.stdout.write(`crash: ${line}\n`),
  });
  for (const line of describe(report)) process.stdout.write(`${line}\n`);
  process.stdout.write(`${summary(report)}\n`);
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`crash: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
