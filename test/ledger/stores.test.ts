import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DurableJsonFile } from '../../src/ledger/durable-file.ts';
import { Ledger, type LedgerOptions } from '../../src/ledger/ledger.ts';
import { STATE_FORMAT, STATE_VERSION } from '../../src/ledger/state.ts';
import { order, readJson, tempDir } from './helpers.ts';

const test = suite('ledger/orders, lockouts, sequence');

async function open(dir: string, extra: Partial<LedgerOptions> = {}): Promise<Ledger> {
  return (await Ledger.open({ dir, timezone: 'Asia/Shanghai', ...extra })).ledger;
}

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
  assert.is(readJson(join(dir, 'orders.json')).data.orders.length, 3, 'the file stays capped too');
  await again.close();

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
  assert.equal((await open(dir)).lockout('supervisor'), { failures: 0 });
});

test('the sale sequence persists across restarts and wraps from 999 to 1', async () => {
  const dir = tempDir();
  const ledger = await open(dir);
  assert.equal([await ledger.nextSaleSequence(), await ledger.nextSaleSequence()], [1, 2]);
  await ledger.close();
  const again = await open(dir);
  assert.is(await again.nextSaleSequence(), 3);
  await again.close();

  // Near the end of the range (seeded through the file format rather than 996 more sales).
  await new DurableJsonFile({ file: join(dir, 'state.json'), format: STATE_FORMAT, version: STATE_VERSION }).write({
    saleSequence: 998,
    lockouts: {},
  });
  const late = await open(dir);
  assert.equal([await late.nextSaleSequence(), await late.nextSaleSequence(), await late.nextSaleSequence()], [999, 1, 2]);
  await late.close();
  assert.is(await (await open(dir)).nextSaleSequence(), 3);
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
  assert.is(await again.nextSaleSequence(), 2, 'continues from the last good generation');
  await again.close();
});

test.run();
