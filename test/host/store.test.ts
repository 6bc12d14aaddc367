import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_STATE_FILE, HostStore } from '../../scripts/host/store.ts';
import { OrdersFileError, parseOrders, readOrdersFile } from '../../scripts/host/orders-file.ts';
import { DEMO, code, getOrder, makeHost, manualClock, query, refund, sale, submit, tempDir } from './fixtures.ts';

const test = suite('host/store');

/** An order as an operator writes it in an orders file. */
const FILE_ORDER = {
  orderId: '1234567',
  amountCents: 1000,
  currency: 'CNY',
  channel: 'wechat',
  status: 'paid',
  paidAt: '2026-11-27T07:00:00Z',
  refundedCents: 0,
  refundCount: 0,
};

test('state survives a restart of the host over the same data folder', async () => {
  const dir = tempDir();
  const clock = manualClock();
  const before = await makeHost({ dir, clock });
  assert.ok(before.store.seeded);
  const payCode = code('wechat');
  const approved = await submit(before, refund({ orderId: DEMO.wechat, amountCents: 1200, payCode }));
  const processing = refund({ orderId: DEMO.processing, amountCents: 300 });
  assert.is((await submit(before, processing)).status, 'processing');
  await submit(before, sale({ orderId: '91001261127000000009', amountCents: 4200 }));

  const after = await makeHost({ dir, clock });
  assert.not.ok(after.store.seeded, 'seeded on the first start only');
  assert.is((await getOrder(after, DEMO.wechat)).refundedCents, 1200);
  assert.is((await getOrder(after, '91001261127000000009')).amountCents, 4200);
  assert.equal(await query(after, approved.id), approved);
  assert.equal(await submit(after, refund({ id: approved.id, orderId: DEMO.wechat, amountCents: 1200, payCode })), approved, 'still idempotent');
  assert.is((await submit(after, refund({ orderId: DEMO.partial, amountCents: 100, payCode }))).code, 'AUTH_CODE_USED', 'used codes remembered');
  assert.is((await submit(after, refund({ orderId: DEMO.wechat, amountCents: 100 }))).hostRef, 'H000003', 'the hostRef counter goes on');
  clock.advance(5000);
  assert.is((await query(after, processing.id)).status, 'approved', 'a processing refund is settled after a restart');
});

test('the data folder holds no pay code, only masked ones', async () => {
  const dir = tempDir();
  const host = await makeHost({ dir });
  const txn = refund({ orderId: DEMO.wechat, amountCents: 100 });
  await submit(host, txn);
  const text = readFileSync(join(dir, HOST_STATE_FILE), 'utf8');
  assert.not.match(text, txn.payCode);
  assert.match(text, `**************${txn.payCode.slice(-4)}`);
});

test('a change that cannot be written is answered SYSTEM_ERROR and not remembered; the retry is approved', async () => {
  const dir = tempDir();
  const host = await makeHost({ dir });
  const txn = refund({ orderId: DEMO.wechat, amountCents: 500 });
  rmSync(dir, { recursive: true });
  const failed = await submit(host, txn);
  assert.is(failed.status, 'declined');
  assert.is(failed.code, 'SYSTEM_ERROR');
  assert.is((await getOrder(host, DEMO.wechat)).refundedCents, 0, 'memory does not claim what the disk does not hold');
  mkdirSync(dir);
  const again = await submit(host, txn);
  assert.is(again.status, 'approved', 'the same number is tried again once the disk is back');
  assert.is(again.order?.refundedCents, 500);
  assert.ok(existsSync(join(dir, HOST_STATE_FILE)));
});

test('a damaged state file is replaced by its previous generation, with a notice', async () => {
  const dir = tempDir();
  const host = await makeHost({ dir });
  await submit(host, refund({ orderId: DEMO.wechat, amountCents: 100 }));
  await submit(host, refund({ orderId: DEMO.wechat, amountCents: 200 }));
  writeFileSync(join(dir, HOST_STATE_FILE), '{"format":"scanpos.host","vers');
  const recoveries: string[] = [];
  const store = await HostStore.open({ dir, seed: () => [], onRecover: (r) => recoveries.push(r.reason) });
  assert.not.ok(store.seeded, 'never silently started afresh');
  assert.is(recoveries.length, 1);
  assert.is(store.order(DEMO.wechat)?.order.refundedCents, 100, 'the generation before the last write');
});

test('the orders file seeds a new host, with behaviours, and is ignored once state exists', async () => {
  const dir = tempDir();
  const file = join(dir, 'orders.json');
  const order = { ...FILE_ORDER, channel: 'alipay', note: 'unknown fields are fine' };
  writeFileSync(file, JSON.stringify([order, { ...order, orderId: '7654321', behaviour: 'insufficient_balance' }]));
  const orders = await readOrdersFile(file);
  const host = await makeHost({ dir: join(dir, 'data'), orders });
  assert.is((await getOrder(host, '1234567')).amountCents, 1000);
  assert.is((await submit(host, refund({ orderId: '7654321', amountCents: 100, payCode: code('alipay') }))).code, 'INSUFFICIENT_BALANCE');
  assert.is((await host.service.handle('T1001', 'order.get', { orderId: DEMO.wechat })).ok, false, 'no demo orders then');
  const restarted = await makeHost({ dir: join(dir, 'data'), orders: [] });
  assert.is((await getOrder(restarted, '1234567')).orderId, '1234567');
});

test('an orders file with bad entries is refused, every problem reported with its entry', () => {
  const good = FILE_ORDER;
  const text = JSON.stringify([
    good,
    { ...good, orderId: 'A-1' },
    { ...good, orderId: '2222222', amountCents: '10.00', channel: 'paypal' },
    { ...good, orderId: '3333333', refundedCents: 2000 },
    { ...good, orderId: '4444444', behaviour: 'explode' },
    good,
  ]);
  try {
    parseOrders(text, 'orders.json');
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, OrdersFileError);
    const { problems, message } = error as OrdersFileError;
    assert.is(problems.length, 5);
    assert.match(problems[0]!, /^\[1\] \(orderId A-1\): orderId: must be 6–32 digits/);
    assert.match(problems[1]!, /^\[2\] \(orderId 2222222\): amountCents: .*; channel: /);
    assert.match(problems[2]!, /^\[3\] .*refundedCents is more than amountCents/);
    assert.match(problems[3]!, /^\[4\] .*behaviour/);
    assert.match(problems[4]!, /^\[5\] \(orderId 1234567\): orderId appears more than once/);
    assert.match(message, /^orders\.json: 5 problems/);
  }
  assert.throws(() => parseOrders('{"orderId": 1}', 'o.json'), /must hold a JSON array/);
  assert.throws(() => parseOrders('[', 'o.json'), /not valid JSON/);
});

test('a missing orders file says so', async () => {
  try {
    await readOrdersFile(join(tempDir(), 'none.json'));
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.match((error as Error).message, /none\.json: .*cannot read \(ENOENT\)/s);
  }
});

test.run();
