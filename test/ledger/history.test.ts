import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ledger } from '../../src/ledger/ledger.ts';
import { clock, result, tempDir, txn } from './helpers.ts';

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
    assert.equal(readdirSync(join(dir, 'days')).filter((n) => n.endsWith('.json')), [`${day}.json`], timezone);
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
  assert.ok(existsSync(join(dir, 'days', '2026-11-27.json')));
  assert.not.ok(existsSync(join(dir, 'days', '2026-11-28.json')));
});

/** Spoils a day segment and its previous generation: any read of that day would fail loudly. */
function spoil(dir: string, day: string): void {
  const file = join(dir, 'days', `${day}.json`);
  writeFileSync(file, 'spoiled');
  if (existsSync(`${file}.prev`)) writeFileSync(`${file}.prev`, 'spoiled');
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
    (error: Error) => assert.match(error.message, /2026-11-25\.json is damaged/),
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

test('a day segment left as .prev alone by a crash is still found', async () => {
  const dir = tempDir();
  const time = clock('2026-11-26T02:00:00.000Z');
  const { ledger } = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: time.now });
  await settledAt(ledger, time, 'B1', '2026-11-26T02:00:00.000Z');
  await settledAt(ledger, time, 'B2', '2026-11-26T03:00:00.000Z');
  await ledger.close();
  renameSync(join(dir, 'days', '2026-11-26.json'), join(dir, 'days', '2026-11-26.json.prev'));
  const { ledger: again } = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: () => new Date('2026-11-28T02:00:00.000Z') });
  assert.equal((await again.recent(5)).map((r) => r.txn.id), ['B2', 'B1']);
  await again.close();
});

test.run();
