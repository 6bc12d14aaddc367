// `npm run bench`: every benchmark, each figure with the baseline measured
// in the same run and their ratio; printed as a table and as JSON.
import { parseArgs } from 'node:util';
import { ledgerBench } from './ledger.ts';
import { roundTrip } from './round-trip.ts';
import { replayBench } from './replay.ts';
import { bootBench } from './boot.ts';
import { table, type Figure } from './stats.ts';

const BENCHES = ['round-trip', 'replay', 'ledger', 'boot'] as const;
type Bench = (typeof BENCHES)[number];

const { values } = parseArgs({
  options: {
    samples: { type: 'string' },
    replay: { type: 'string' },
    // Starts of the terminal measured per mode (normal, CPU capped).
    'boot-runs': { type: 'string' },
    // The capped mode's share of one core; 0: no capped mode.
    cpu: { type: 'string' },
    // Comma-separated names of the benchmarks to run (default: all).
    only: { type: 'string' },
    json: { type: 'boolean' },
  },
  strict: true,
});
const samples = Number(values.samples ?? 200);
const replayCount = Number(values.replay ?? 10_000);
const bootRuns = Number(values['boot-runs'] ?? 5);
const cpu = Number(values.cpu ?? 0.2);
const only = values.only?.split(',').map((name) => name.trim()).filter(Boolean);
const unknown = only?.filter((name) => !(BENCHES as readonly string[]).includes(name)) ?? [];
if (unknown.length || (only && !only.length)) {
  process.stderr.write(`bench: --only takes names among ${BENCHES.join(', ')} (unknown: ${unknown.join(', ') || 'none given'})\n`);
  process.exit(2);
}
if (!(bootRuns >= 1) || !(cpu >= 0 && cpu <= 1)) {
  process.stderr.write('bench: --boot-runs is 1 or more, --cpu a fraction of one core between 0 and 1\n');
  process.exit(2);
}
const runs = (name: Bench) => !only || only.includes(name);

const figures: Figure[] = [];
const started = Date.now();
if (runs('round-trip')) figures.push(...(await roundTrip({ samples })));
if (runs('replay')) figures.push(...(await replayBench({ count: replayCount })));
if (runs('ledger')) figures.push(...(await ledgerBench({ samples })));
if (runs('boot')) figures.push(...(await bootBench({ runs: bootRuns, cpu })));

if (!values.json) {
  process.stdout.write(`\nscanpos benchmarks (node ${process.version}, ${samples} samples, ${((Date.now() - started) / 1000).toFixed(1)} s)\n\n`);
  process.stdout.write(table(figures) + '\n\n');
}
process.stdout.write(JSON.stringify({ node: process.version, samples, figures }, null, values.json ? 2 : 0) + '\n');
process.exit(0);
