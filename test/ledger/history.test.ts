import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ledger } from '../../src/ledger/ledger.ts';
import { clock, result, segmentDays, tempDir, txn } from './helpers.ts';

const test = suite('ledger/day segments');

/** Settles one approved refund created at `at` (the clock is moved there first). */
async function settledAt(ledger: Ledger, time: ReturnType<typeof clock>, id: string, at: string): Promise<void> {
  time.set(at);
  await ledger.record(txn({ id, createdAt: at }));
  await ledger.settle(id, result(id));
}

test('the day segment follows the configured timezone, not UTC', async () => {
  const at = '2026-11-26T17:30:00.000Z'; // 01:30 on the 27th in Shanghai
  for (const [timezone, day] of [
    ['Asia/Shanghai', '2026-11-27'],
    ['UTC', '2026-11-26'],
    ['America/Los_Angeles', '2026-11-26'],
  ] as const) {
    const dir = tempDir();
    const time = clock(at);
    const { ledger } = await Ledger.open({ dir, timezone, now: time.now });
    await settledAt(ledger, time, 'R1', at);
    await ledger.close();
    assert.equal(segmentDays(dir), [day], timezone);
  }
});

test('a refund recorded yesterday and settled today goes to yesterday\'s segment', async () => {
  const dir = tempDir();
  const time = clock('2026-11-27T15:50:00.000Z'); // 23:50 in Shanghai
  const { ledger } = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: time.now });
  await ledger.record(txn({ id: 'R1', createdAt: '2026-11-27T15:50:00.000Z' }));
  time.set('2026-11-27T16:30:00.000Z'); // 00:30 next day: the network came back
  await ledger.settle('R1', result('R1'));
  await ledger.close();
  assert.equal(segmentDays(dir), ['2026-11-27']);
});

/** Makes a day segment unreadable (a snapshot from newer software): any read of that day fails loudly. */
function spoil(dir: string, day: string): void {
  const data = { day, records: [] };
  writeFileSync(join(dir, 'days', `${day}.json`), JSON.stringify({ format: 'scanpos.day', version: 99, generation: 0, data }));
}

async function threeDays(dir: string): Promise<Ledger> {
  const time = clock('2026-11-25T02:00:00.000Z');
  const { ledger } = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: time.now });
  await settledAt(ledger, time, 'A1', '2026-11-25T02:00:00.000Z');
  await settledAt(ledger, time, 'A2', '2026-11-25T03:00:00.000Z');
  await settledAt(ledger, time, 'B1', '2026-11-26T02:00:00.000Z');
  await settledAt(ledger, time, 'C1', '2026-11-27T02:00:00.000Z');
  await settledAt(ledger, time, 'C2', '2026-11-27T04:00:00.000Z');
  time.set('2026-11-27T05:00:00.000Z');
  await ledger.record(txn({ id: 'Q1', createdAt: '2026-11-27T05:00:00.000Z' })); // still pending
  return ledger;
}

test('recent() lists newest first across days, pending ones included, up to the limit', async () => {
  const dir = tempDir();
  const ledger = await threeDays(dir);
  await ledger.close();
  const { ledger: again } = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: () => new Date('2026-11-27T06:00:00.000Z') });
  const ids = async (limit: number) => (await again.recent(limit)).map((r) => `${r.txn.id}:${r.state}`);
  assert.equal(await ids(3), ['Q1:queued', 'C2:approved', 'C1:approved']);
  assert.equal(await ids(100), ['Q1:queued', 'C2:approved', 'C1:approved', 'B1:approved', 'A2:approved', 'A1:approved']);
  assert.equal(await ids(0), []);
  await again.close();
});

test('recent() reads back only as many days as it needs', async () => {
  const dir = tempDir();
  const ledger = await threeDays(dir);
  spoil(dir, '2026-11-25');
  assert.equal((await ledger.recent(3)).map((r) => r.txn.id), ['Q1', 'C2', 'C1']);
  assert.equal((await ledger.recent(4)).map((r) => r.txn.id), ['Q1', 'C2', 'C1', 'B1']);
  await ledger.recent(10).then(
    () => assert.unreachable('the spoiled day was not read'),
    (error: Error) => assert.match(error.message, /2026-11-25\.json is scanpos\.day format 99/),
  );
  await ledger.close();
});

test('find() reaches older days after a restart, and says undefined for an unknown id', async () => {
  const dir = tempDir();
  await (await threeDays(dir)).close();
  const { ledger } = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: () => new Date('2026-12-30T06:00:00.000Z') });
  assert.is((await ledger.find('A1'))?.txn.payCode, '**************6789');
  assert.is((await ledger.find('Q1'))?.state, 'queued');
  assert.is(await ledger.find('nope'), undefined);
  await ledger.close();
});

test('opening reads no old day segment', async () => {
  const dir = tempDir();
  await (await threeDays(dir)).close();
  for (const day of ['2026-11-25', '2026-11-26']) spoil(dir, day);
  const { ledger, recovered } = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: () => new Date('2026-11-27T06:00:00.000Z') });
  assert.equal(recovered, []);
  assert.equal((await ledger.recent(2)).map((r) => r.txn.id), ['Q1', 'C2']);
  await ledger.close();
});

test('a day segment whose snapshot was left as .prev alone by a crash is still found whole', async () => {
  const dir = tempDir();
  const time = clock('2026-11-26T02:00:00.000Z');
  // Every write compacts: the segment has a snapshot and a previous generation.
  const { ledger } = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: time.now, compaction: { minBytes: 0, factor: 0 } });
  await settledAt(ledger, time, 'B1', '2026-11-26T02:00:00.000Z');
  await settledAt(ledger, time, 'B2', '2026-11-26T03:00:00.000Z');
  await ledger.close();
  const file = join(dir, 'days', '2026-11-26.json');
  rmSync(`${file}.prev`);
  renameSync(file, `${file}.prev`); // between the two renames of a compaction
  const { ledger: again } = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: () => new Date('2026-11-28T02:00:00.000Z') });
  assert.equal((await again.recent(5)).map((r) => r.txn.id), ['B2', 'B1']);
  await again.close();
});

test('between() lists pending and final transactions created in [from, to), oldest first', async () => {
  const dir = tempDir();
  const ledger = await threeDays(dir);
  const ids = async (from: string, to: string) => (await ledger.between(from, to)).map((r) => `${r.txn.id}:${r.state}`);
  assert.equal(await ids('2026-11-25T00:00:00.000Z', '2026-11-28T00:00:00.000Z'), ['A1:approved', 'A2:approved', 'B1:approved', 'C1:approved', 'C2:approved', 'Q1:queued']);
  assert.equal(await ids('2026-11-25T03:00:00.000Z', '2026-11-27T02:00:00.000Z'), ['A2:approved', 'B1:approved'], 'from included, to excluded');
  assert.equal(await ids('2026-11-27T04:00:00.000Z', '2026-11-27T05:00:00.001Z'), ['C2:approved', 'Q1:queued']);
  assert.equal(await ids('2026-11-28T00:00:00.000Z', '2026-11-27T00:00:00.000Z'), [], 'an empty span');
  // Only the days of the span are read (the 25th is unreadable now).
  spoil(dir, '2026-11-25');
  assert.equal(await ids('2026-11-26T00:00:00.000Z', '2026-11-28T00:00:00.000Z'), ['B1:approved', 'C1:approved', 'C2:approved', 'Q1:queued']);
  await ledger.between('2026-11-24T20:00:00.000Z', '2026-11-26T00:00:00.000Z').then(
    () => assert.unreachable('the 25th is in this span'),
    (error: Error) => assert.match(error.message, /2026-11-25\.json/),
  );
  await ledger.close();
});

test('between() follows business days: a span of local hours reads the local day', async () => {
  const dir = tempDir();
  const time = clock('2026-11-26T17:30:00.000Z'); // 01:30 on the 27th in Shanghai
  const { ledger } = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: time.now });
  await settledAt(ledger, time, 'N1', '2026-11-26T17:30:00.000Z');
  assert.equal((await ledger.between('2026-11-26T16:00:00.000Z', '2026-11-27T16:00:00.000Z')).map((r) => r.txn.id), ['N1']);
  await ledger.close();
});

test('prune() removes settled days past the keeping age and old reports, never today, the outbox or a day still pending', async () => {
  const dir = tempDir();
  const time = clock('2026-10-01T02:00:00.000Z');
  const { ledger } = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: time.now });
  await settledAt(ledger, time, 'OLD1', '2026-10-01T02:00:00.000Z');
  await ledger.saveReport({ batch: 1, note: 'October' });
  time.set('2026-10-02T02:00:00.000Z');
  await ledger.record(txn({ id: 'WAIT', createdAt: '2026-10-02T02:00:00.000Z' })); // never answered
  await settledAt(ledger, time, 'OLD2', '2026-10-02T03:00:00.000Z');
  await settledAt(ledger, time, 'NEW1', '2026-11-20T02:00:00.000Z');
  await ledger.saveReport({ batch: 2, note: 'November' });
  time.set('2026-11-27T02:00:00.000Z');
  await settledAt(ledger, time, 'TODAY', '2026-11-27T02:00:00.000Z');

  const { removed } = await ledger.prune({ keepDays: 30, now: new Date('2026-11-27T02:00:00.000Z') });
  assert.equal(removed, ['days/2026-10-01.0.journal', 'reports/000001.json']);
  assert.equal(segmentDays(dir), ['2026-10-02', '2026-11-20', '2026-11-27'], 'the 2nd still has a transaction in the outbox');
  assert.is(await ledger.find('OLD1'), undefined);
  assert.is((await ledger.find('OLD2'))?.state, 'approved');
  assert.is(await ledger.report(1), undefined);
  assert.equal(await ledger.report(2), { batch: 2, note: 'November' });

  await ledger.settle('WAIT', result('WAIT'));
  assert.equal((await ledger.prune({ keepDays: 30, now: new Date('2026-11-27T02:00:00.000Z') })).removed, ['days/2026-10-02.0.journal']);
  assert.equal((await ledger.prune({ keepDays: 30, now: new Date('2026-11-27T02:00:00.000Z') })).removed, [], 'nothing left to do');
  assert.equal((await ledger.prune({ keepDays: 0, now: new Date('2026-11-27T02:00:00.000Z') })).removed, ['days/2026-11-20.0.journal', 'reports/000002.json']);
  assert.equal(segmentDays(dir), ['2026-11-27'], 'today is never pruned');
  assert.is((await ledger.find('TODAY'))?.state, 'approved');
  await ledger.prune({ keepDays: -1, now: new Date() }).then(
    () => assert.unreachable('negative age'),
    (error: Error) => assert.match(error.message, /keepDays/),
  );
  await ledger.close();
});

test('a prune cut short (journals gone, snapshot left) leaves a readable day that the next prune finishes', async () => {
  const dir = tempDir();
  const time = clock('2026-10-01T02:00:00.000Z');
  const { ledger } = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: time.now, compaction: { minBytes: 0, factor: 0 } });
  await settledAt(ledger, time, 'OLD1', '2026-10-01T02:00:00.000Z');
  time.set('2026-11-27T02:00:00.000Z');
  await ledger.close();
  for (const name of ['2026-10-01.1.journal', '2026-10-01.2.journal']) rmSync(join(dir, 'days', name), { force: true });
  const { ledger: again, recovered } = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: time.now });
  assert.equal(recovered, []);
  assert.is((await again.find('OLD1'))?.state, 'approved', 'the snapshot alone still reads');
  const { removed } = await again.prune({ keepDays: 7, now: new Date('2026-11-27T02:00:00.000Z') });
  assert.ok(removed.includes('days/2026-10-01.json'), removed.join(' '));
  assert.equal(segmentDays(dir), []);
  assert.not.ok(existsSync(join(dir, 'days', '2026-10-01.json.prev')));
  await again.close();
});

test.run();
