import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Logger } from '../../src/runtime/log.ts';
import { pino } from 'pino';
import { HostService } from '../../scripts/host/service.ts';
import { HostStore } from '../../scripts/host/store.ts';
import { demoOrders } from '../../scripts/host/demo-orders.ts';
import { DEMO, START, TID, code, errorOf, getOrder, makeHost, manualClock, query, refund, sale, submit } from './fixtures.ts';

const test = suite('host/service');

test('an unknown method is UNKNOWN_METHOD, naming the known ones', async () => {
  const host = await makeHost();
  const error = errorOf(await host.service.handle(TID, 'order.delete', { orderId: DEMO.wechat }));
  assert.is(error.code, 'UNKNOWN_METHOD');
  assert.match(error.message, 'order.delete');
  assert.match(error.message, 'txn.submit');
});

test('malformed params are BAD_REQUEST with the field and what is wrong', async () => {
  const host = await makeHost();
  const cases: Array<[string, unknown, RegExp]> = [
    ['order.get', { orderId: '12ab' }, /orderId: must be 6–32 digits/],
    ['order.get', null, /expected object/],
    ['txn.submit', { txn: { ...refund({ orderId: DEMO.wechat, amountCents: 100 }), amountCents: 1.5 } }, /txn\.amountCents/],
    ['txn.submit', { txn: { ...refund({ orderId: DEMO.wechat, amountCents: 100 }), amountCents: -100 } }, /txn\.amountCents/],
    ['txn.submit', { txn: { ...refund({ orderId: DEMO.wechat, amountCents: 100 }), type: 'void' } }, /txn\.type/],
    ['txn.submit', { txn: { ...refund({ orderId: DEMO.wechat, amountCents: 100 }), createdAt: 'yesterday' } }, /txn\.createdAt: must be an ISO 8601/],
    ['txn.submit', {}, /txn: /],
    ['txn.query', { id: '' }, /id: /],
    ['settlement.totals', { from: '2026-11-28T00:00:00Z', to: '2026-11-27T00:00:00Z' }, /`from` is after `to`/],
    ['notify.send', { txnId: 'x1', orderId: DEMO.wechat, contact: {}, text: 'hi' }, /contact: needs a phone or an email/],
    ['time.get', 'now', /expected object/],
  ];
  for (const [method, params, message] of cases) {
    const error = errorOf(await host.service.handle(TID, method, params));
    assert.is(error.code, 'BAD_REQUEST', `${method} ${JSON.stringify(params)}`);
    assert.match(error.message, message);
    assert.ok(!error.message.includes('\n'), 'one line');
  }
});

test('unknown fields are ignored', async () => {
  const host = await makeHost();
  const txn = { ...refund({ orderId: DEMO.wechat, amountCents: 100 }), tip: 5, device: { model: 'x' } };
  const answer = await host.service.handle(TID, 'txn.submit', { txn, trace: 'abc' });
  assert.ok(answer.ok);
});

test('a transaction of another terminal than the sender is BAD_REQUEST; an invalid terminal id too', async () => {
  const host = await makeHost();
  const txn = refund({ orderId: DEMO.wechat, amountCents: 100, terminalId: 'T2002' });
  assert.is(errorOf(await host.service.handle(TID, 'txn.submit', { txn })).code, 'BAD_REQUEST');
  assert.is(errorOf(await host.service.handle('bad id!', 'time.get', {})).code, 'BAD_REQUEST');
  assert.is((await getOrder(host, DEMO.wechat)).refundedCents, 0);
});

test('order.get returns the order, or ORDER_NOT_FOUND', async () => {
  const host = await makeHost();
  const order = await getOrder(host, DEMO.wechat);
  assert.is(order.amountCents, 8800);
  assert.is(order.channel, 'wechat');
  assert.not.ok('behaviour' in order, 'demo behaviours stay on the host');
  assert.not.ok('behaviour' in (await getOrder(host, DEMO.processing)));
  const error = errorOf(await host.service.handle(TID, 'order.get', { orderId: '123456' }));
  assert.is(error.code, 'ORDER_NOT_FOUND');
});

test("txn.query returns the stored result; an unknown id or another terminal's is TXN_NOT_FOUND", async () => {
  const host = await makeHost();
  const txn = refund({ orderId: DEMO.wechat, amountCents: 100 });
  const result = await submit(host, txn);
  assert.equal(await query(host, txn.id), result);
  assert.is(errorOf(await host.service.handle(TID, 'txn.query', { id: 'nope' })).code, 'TXN_NOT_FOUND');
  assert.is(errorOf(await host.service.handle('T2002', 'txn.query', { id: txn.id })).code, 'TXN_NOT_FOUND');
});

test("another terminal reusing a transaction's number gets DUPLICATE_MISMATCH, not its result", async () => {
  const host = await makeHost();
  const txn = refund({ orderId: DEMO.wechat, amountCents: 100 });
  await submit(host, txn);
  const error = errorOf(await host.service.handle('T2002', 'txn.submit', { txn: { ...txn, terminalId: 'T2002' } }));
  assert.is(error.code, 'DUPLICATE_MISMATCH');
});

test("settlement.totals: this terminal's approved transactions in [from, to), by network and type", async () => {
  const host = await makeHost();
  const at = (iso: string) => ({ createdAt: iso });
  await submit(host, sale({ orderId: '91001261127000000001', amountCents: 1000, payCode: code('wechat'), ...at('2026-11-27T00:00:00.000Z') }));
  await submit(host, sale({ orderId: '91001261127000000002', amountCents: 2000, payCode: code('wechat'), ...at('2026-11-27T10:00:00.000Z') }));
  await submit(host, sale({ orderId: '91001261127000000003', amountCents: 3000, payCode: code('alipay'), ...at('2026-11-27T12:00:00+08:00') }));
  await submit(host, refund({ orderId: DEMO.wechat, amountCents: 300, ...at('2026-11-27T11:00:00.000Z') }));
  await submit(host, refund({ orderId: DEMO.partial, amountCents: 200, ...at('2026-11-27T23:59:59.999Z') }));
  // Not counted: declined, before `from`, at `to`, another terminal.
  await submit(host, refund({ orderId: DEMO.cancelled, amountCents: 100, ...at('2026-11-27T11:00:00.000Z') }));
  await submit(host, refund({ orderId: DEMO.wechat, amountCents: 100, ...at('2026-11-26T23:59:59.999Z') }));
  await submit(host, refund({ orderId: DEMO.wechat, amountCents: 100, ...at('2026-11-28T00:00:00.000Z') }));
  await submit(host, refund({ orderId: DEMO.wechat, amountCents: 700, terminalId: 'T2002', ...at('2026-11-27T11:00:00.000Z') }), 'T2002');

  const answer = await host.service.handle(TID, 'settlement.totals', { from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z' });
  assert.ok(answer.ok);
  assert.equal(answer.ok && answer.result.totals, [
    { channel: 'wechat', type: 'sale', count: 2, amountCents: 3000 },
    { channel: 'wechat', type: 'refund', count: 2, amountCents: 500 },
    { channel: 'alipay', type: 'sale', count: 1, amountCents: 3000 },
  ]);
  const other = await host.service.handle('T2002', 'settlement.totals', { from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z' });
  assert.equal(other.ok && other.result.totals, [{ channel: 'wechat', type: 'refund', count: 1, amountCents: 700 }]);
  const empty = await host.service.handle(TID, 'settlement.totals', { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' });
  assert.equal(empty.ok && empty.result.totals, []);
});

test('notify.send tells the customer of an approved refund, at the order contact, logged masked', async () => {
  const lines: string[] = [];
  const log: Logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const clock = manualClock();
  const store = await HostStore.open({ seed: () => demoOrders({ now: clock.now() }) });
  const shown: unknown[] = [];
  const service = new HostService({ store, now: clock.now, log, notify: (n) => shown.push(n) });
  const txn = refund({ orderId: DEMO.wechat, amountCents: 1200 });
  const submitted = await service.handle(TID, 'txn.submit', { txn });
  assert.ok(submitted.ok && (submitted.result.result as { status: string }).status === 'approved');
  const params = { txnId: txn.id, orderId: DEMO.wechat, contact: { phone: '+8613800000001' }, text: 'Your refund of 12.00 CNY is on its way.' };
  const answer = await service.handle(TID, 'notify.send', params);
  assert.equal(answer, { ok: true, result: { queued: true } });
  assert.equal(shown, [{ terminalId: TID, txnId: txn.id, orderId: DEMO.wechat, to: ['SMS +86*******0001'], text: params.text }]);
  const logged = lines.join('');
  assert.match(logged, '+86*******0001');
  assert.not.match(logged, '13800000001');
  // Not a relay: only for this terminal's approved refund, only to the order's contact.
  assert.is(errorOf(await service.handle(TID, 'notify.send', { ...params, txnId: 'nope' })).code, 'TXN_NOT_FOUND');
  assert.is(errorOf(await service.handle('T9', 'notify.send', params)).code, 'TXN_NOT_FOUND');
  assert.is(errorOf(await service.handle(TID, 'notify.send', { ...params, contact: { phone: '+8613900000000' } })).code, 'BAD_REQUEST');
  assert.is(shown.length, 1);
});

test('pay codes never reach the logs unmasked', async () => {
  const lines: string[] = [];
  const log: Logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const clock = manualClock();
  const store = await HostStore.open({ seed: () => demoOrders({ now: clock.now() }) });
  const service = new HostService({ store, now: clock.now, log });
  const txn = refund({ orderId: DEMO.wechat, amountCents: 100 });
  await service.handle(TID, 'txn.submit', { txn });
  assert.ok(lines.length > 0);
  assert.not.match(lines.join(''), txn.payCode);
  assert.match(lines.join(''), txn.payCode.slice(-4));
});

test('time.get answers the host clock', async () => {
  const host = await makeHost();
  host.clock.advance(60_000);
  const answer = await host.service.handle(TID, 'time.get', {});
  assert.equal(answer, { ok: true, result: { now: new Date(Date.parse(START) + 60_000).toISOString() } });
});

test.run();
