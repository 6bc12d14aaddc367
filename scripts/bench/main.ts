// `npm run bench`: every benchmark, each figure with the baseline measured
// in the same run and their ratio; printed as a table and as JSON.
import { parseArgs } from 'node:util';
import { ledgerBench } from './ledger.ts';
import { roundTrip } from './round-trip.ts';
import { replayBench } from './replay.ts';
import { table, type Figure } from './stats.ts';

const { values } = parseArgs({ options: { samples: { type: 'string' }, replay: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
const samples = Number(values.samples ?? 200);
const replayCount = Number(values.replay ?? 10_000);

const figures: Figure[] = [];
const started = Date.now();
figures.push(...(await roundTrip({ samples })));
figures.push(...(await replayBench({ count: replayCount })));
figures.push(...(await ledgerBench({ samples })));

if (!values.json) {
  process.stdout.write(`\nscanpos benchmarks (node ${process.version}, ${samples} samples, ${((Date.now() - started) / 1000).toFixed(1)} s)\n\n`);
  process.stdout.write(table(figures) + '\n\n');
}
process.stdout.write(JSON.stringify({ node: process.version, samples, figures }, null, values.json ? 2 : 0) + '\n');
process.exit(0);
