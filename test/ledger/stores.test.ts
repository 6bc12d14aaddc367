import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DurableJsonFile } from '../../src/ledger/durable-file.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { STATE_FORMAT } from '../../src/ledger/state.ts';
import { openLedger, order, peek, storeValues, tempDir } from './helpers.ts';
import { PowerFs } from './power-fs.ts';

const test = suite('ledger/orders, lockouts, sequence');

const open = openLedger;


test('the order cache keeps the most recently seen orders up to its cap, across restarts', async () => {
  const dir = tempDir();
  const ledger = await open(dir, { maxOrders: 3 });
  for (const id of ['O1', 'O2', 'O3']) await ledger.putOrder(order(id));
  await ledger.putOrder(order('O1', { refundedCents: 100, status: 'partially_refunded' })); // seen again
  await ledger.putOrder(order('O4'));
  assert.is(ledger.order('O2'), undefined, 'the least recently seen went first');
  assert.is(ledger.order('O1')?.refundedCents, 100, 'the latest version is kept');
  await ledger.close();

  const again = await open(dir, { maxOrders: 3 });
  assert.equal(['O1', 'O2', 'O3', 'O4'].map((id) => again.order(id)?.orderId), ['O1', undefined, 'O3', 'O4']);
  await again.putOrder(order('O5'));
  assert.is(again.order('O3'), undefined);
  await again.close();
  const stored = await storeValues(join(dir, 'orders.json'), 'scanpos.orders', 'orders', (seen) => seen.order.orderId);
  assert.equal(stored.map((seen) => seen.order.orderId), ['O1', 'O4', 'O5'], 'the store stays capped too');

  const smaller = await open(dir, { maxOrders: 1 });
  assert.equal(['O1', 'O4', 'O5'].map((id) => smaller.order(id)?.orderId), [undefined, undefined, 'O5']);
  await smaller.close();
});

test('an order handed out cannot be changed behind the cache\'s back', async () => {
  const ledger = await open(tempDir());
  const original = order('O1');
  await ledger.putOrder(original);
  original.refundedCents = 999;
  ledger.order('O1')!.status = 'cancelled';
  assert.equal(ledger.order('O1'), order('O1'));
  await ledger.close();
});

test('lockouts survive a restart; a cleared one reads as no failures', async () => {
  const dir = tempDir();
  const ledger = await open(dir);
  assert.equal(ledger.lockout('supervisor'), { failures: 0 });
  await ledger.setLockout('supervisor', { failures: 3, lockedUntil: '2026-11-27T02:05:00.000Z' });
  await ledger.setLockout('technician', { failures: 1 });
  await ledger.close();

  const again = await open(dir);
  assert.equal(again.lockout('supervisor'), { failures: 3, lockedUntil: '2026-11-27T02:05:00.000Z' });
  assert.equal(again.lockout('technician'), { failures: 1 });
  assert.equal(again.lockout('constructor'), { failures: 0 });
  await again.setLockout('supervisor', { failures: 0 });
  await again.close();
  assert.equal(await peek(dir, (l) => l.lockout('supervisor')), { failures: 0 });
});

test('the sale sequence persists across restarts and wraps from 999 to 1', async () => {
  const dir = tempDir();
  const ledger = await open(dir);
  assert.equal([await ledger.nextSaleSequence(), await ledger.nextSaleSequence()], [1, 2]);
  await ledger.close();
  const again = await open(dir);
  assert.is(await again.nextSaleSequence(), 3);
  await again.close();
});

test('a state file of the whole-file format (version 1) is migrated; the sequence wraps from 999 to 1', async () => {
  // Near the end of the range, seeded as the previous software wrote it rather than through 996 more sales.
  const dir = tempDir();
  await new DurableJsonFile({ file: join(dir, 'state.json'), format: STATE_FORMAT, version: 1 }).write({
    saleSequence: 998,
    lockouts: { supervisor: { failures: 2 } },
  });
  const late = await open(dir);
  assert.equal(late.lockout('supervisor'), { failures: 2 });
  assert.equal([await late.nextSaleSequence(), await late.nextSaleSequence(), await late.nextSaleSequence()], [999, 1, 2]);
  await late.close();
  const after = await open(dir);
  assert.is(await after.nextSaleSequence(), 3);
  await after.close();
});

test('a damaged state file falls back to its previous generation', async () => {
  const dir = tempDir();
  const ledger = await open(dir);
  await ledger.nextSaleSequence();
  await ledger.nextSaleSequence();
  await ledger.close();
  writeFileSync(join(dir, 'state.json'), '');
  const { ledger: again, recovered } = await Ledger.open({ dir, timezone: 'Asia/Shanghai' });
  assert.equal(recovered.map((r) => [r.file, r.reason.startsWith('empty file')]), [[join(dir, 'state.json'), true]]);
  assert.is(await again.nextSaleSequence(), 3, 'rebuilt from the journals: nothing lost');
  await again.close();
});

test('the settlement batch starts at 1 when the ledger is first opened, and each close opens the next, durably', async () => {
  const dir = tempDir();
  const { ledger } = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: () => new Date('2026-11-01T00:00:00.000Z') });
  assert.equal(ledger.batch(), { number: 1, openedAt: '2026-11-01T00:00:00.000Z' });
  assert.equal(await ledger.closeBatch('2026-11-02T15:00:00.000Z'), { number: 1, openedAt: '2026-11-01T00:00:00.000Z', closedAt: '2026-11-02T15:00:00.000Z' });
  assert.equal(ledger.batch(), { number: 2, openedAt: '2026-11-02T15:00:00.000Z' });
  await ledger.closeBatch('2026-11-03T15:00:00.000Z');
  await ledger.closeBatch('not a time').then(
    () => assert.unreachable('closed at no time'),
    (error: Error) => assert.match(error.message, /not a valid time/),
  );
  await ledger.close();
  const again = await open(dir, { now: () => new Date('2026-12-01T00:00:00.000Z') });
  assert.equal(again.batch(), { number: 3, openedAt: '2026-11-03T15:00:00.000Z' }, 'a restart does not open a new batch');
  await again.close();
});

test('Z reports are kept one per batch, replaced when saved again, and survive a restart', async () => {
  const dir = tempDir();
  const ledger = await open(dir);
  assert.is(await ledger.report(1), undefined);
  await ledger.saveReport({ batch: 1, kind: 'Z', lines: [{ channel: 'wechat', count: 2 }] });
  await ledger.saveReport({ batch: 12, kind: 'Z', lines: [] });
  await ledger.saveReport({ batch: 12, kind: 'Z', lines: [], reprinted: true });
  await ledger.saveReport({ batch: 0 } as never).then(
    () => assert.unreachable('saved without a batch'),
    (error: Error) => assert.match(error.message, /batch number/),
  );
  await ledger.close();
  const again = await open(dir);
  assert.equal(await again.report(1), { batch: 1, kind: 'Z', lines: [{ channel: 'wechat', count: 2 }] });
  assert.equal(await again.report(12), { batch: 12, kind: 'Z', lines: [], reprinted: true });
  assert.ok(existsSync(join(dir, 'reports', '000012.json')));
  await again.close();
});

test('free bytes come from the data folder\'s file system', async () => {
  const real = await open(tempDir());
  assert.ok((await real.freeBytes()) > 0);
  await real.close();
  const fs = new PowerFs();
  fs.free = 12_345;
  const { ledger } = await Ledger.open({ dir: '/data', timezone: 'Asia/Shanghai', fs });
  assert.is(await ledger.freeBytes(), 12_345);
  await ledger.close();
});

test.run();
