import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { SimLink, type SimHost, type SimLinkOptions } from '../../hal/network/sim.ts';
import { linkContract } from './link.contract.ts';

const contract = linkContract('sim', () => {
  const link = new SimLink({ terminalId: 'T1001' });
  return {
    link,
    setHost: (host) => link.setHost(host),
    drop: () => link.drop(),
    restore: () => link.restore(),
    published: () => link.published(),
    deliver: (topic, payload) => void link.deliver(topic, payload),
  };
});

const test = suite('network/sim back door');

const approve: SimHost = async ({ params }) => ({ ok: true, result: { status: 'approved', id: (params.txn as { id: string }).id } });

async function started(options: Partial<SimLinkOptions> = {}) {
  const link = new SimLink({ terminalId: 'T1001', host: approve, ...options });
  await link.start();
  return link;
}

/** A logger whose lines a test can read. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

test('requests() lists what the host actually received, with the terminal id', async () => {
  const link = await started();
  await link.request('txn.submit', { txn: { id: 'R1' } }, 500);
  link.drop();
  await link.request('txn.submit', { txn: { id: 'R1' } }, 500);
  link.restore();
  link.silence(true);
  await link.request('txn.submit', { txn: { id: 'R1' } }, 20);
  link.silence(false);
  await link.request('txn.submit', { txn: { id: 'R1' } }, 500);
  assert.equal(link.requests(), [
    { terminalId: 'T1001', method: 'txn.submit', params: { txn: { id: 'R1' } } },
    { terminalId: 'T1001', method: 'txn.submit', params: { txn: { id: 'R1' } } },
  ]);
  await link.stop();
});

test('silence(true) keeps the broker up but the host quiet: `timeout`, still connected', async () => {
  const link = await started();
  link.silence(true);
  assert.equal(link.status(), { connected: true });
  assert.equal(await link.request('time.get', {}, 20), { kind: 'unreachable', reason: 'timeout' });
  assert.is(await link.publish('events', { v: 1 }), true);
  await link.stop();
});

test('a request the host received before the drop is lost with its answer', async () => {
  const link = await started({
    host: async () => {
      await sleep(30);
      return { ok: true, result: { status: 'approved' } };
    },
  });
  const pending = link.request('txn.submit', { txn: { id: 'R9' } }, 1000);
  await sleep(5);
  link.drop();
  assert.equal(await pending, { kind: 'unreachable', reason: 'offline' });
  assert.is(link.requests().length, 1, 'the host did act on it: replay must reuse the same id');
  await link.stop();
});

test('latencyMs delays delivery to the host; a time-out shorter than it never reaches the host', async () => {
  const link = await started({ latencyMs: 40 });
  const began = Date.now();
  assert.is((await link.request('txn.submit', { txn: { id: 'A' } }, 500)).kind, 'ok');
  assert.ok(Date.now() - began >= 35);
  assert.equal(await link.request('txn.submit', { txn: { id: 'B' } }, 10), { kind: 'unreachable', reason: 'timeout' });
  await sleep(50);
  assert.equal(
    link.requests().map((r) => (r.params.txn as { id: string }).id),
    ['A'],
  );
  await link.stop();
});

test('a host that throws counts as a timeout and is logged', async () => {
  const { logger, lines } = capturedLogger();
  const link = await started({
    logger,
    host: async () => {
      throw new Error('database locked');
    },
  });
  assert.equal(await link.request('txn.submit', { txn: { id: 'X' } }, 20), { kind: 'unreachable', reason: 'timeout' });
  assert.ok(lines.some((l) => String(l.msg).includes('sim host failed') && JSON.stringify(l.err).includes('database locked')));
  await link.stop();
});

test('a malformed host answer is dropped, as the real link drops an invalid payload', async () => {
  const link = await started({ host: (async () => ({ ok: 'yes' })) as unknown as SimHost });
  assert.equal(await link.request('time.get', {}, 20), { kind: 'unreachable', reason: 'timeout' });
  await link.stop();
});

test('requests and answers go through JSON: no object is shared with the host', async () => {
  const answer = { status: 'approved', order: { refundedCents: 100 } };
  const link = await started({ host: async () => ({ ok: true, result: answer }) });
  const params = { txn: { id: 'J', when: new Date('2026-11-27T08:00:00Z'), skip: undefined } };
  const outcome = await link.request('txn.submit', params, 500);
  assert.equal(link.requests()[0]!.params, { txn: { id: 'J', when: '2026-11-27T08:00:00.000Z' } });
  if (outcome.kind !== 'ok') throw new Error('expected ok');
  (outcome.result.order as { refundedCents: number }).refundedCents = 0;
  assert.is(answer.order.refundedCents, 100);
  await link.stop();
});

test('params that are not JSON give an error outcome, never a rejection', async () => {
  const link = await started();
  const outcome = await link.request('txn.submit', { n: 10n } as unknown as Record<string, unknown>, 500);
  assert.equal(outcome, { kind: 'error', error: { code: 'BAD_REQUEST', message: 'params are not JSON' } });
  assert.equal(link.requests(), []);
  await link.stop();
});

test('connected: false starts with the broker down; restore() brings it up', async () => {
  const link = await started({ connected: false });
  const seen: boolean[] = [];
  link.onStatus((s) => seen.push(s.connected));
  assert.equal(link.status(), { connected: false });
  link.drop();
  link.restore();
  link.restore();
  assert.equal(seen, [true], 'listeners hear changes only');
  await link.stop();
  assert.equal(seen, [true, false]);
});

test('before start the link is down and nothing is sent', async () => {
  const link = new SimLink({ terminalId: 'T1', host: approve });
  assert.equal(link.status(), { connected: false });
  assert.equal(await link.request('time.get', {}, 500), { kind: 'unreachable', reason: 'offline' });
  assert.is(await link.publish('events', { v: 1 }), false);
  assert.is(link.deliver('cmd', Buffer.from('{}')), false);
  assert.equal(link.requests(), []);
});

test('deliver() returns false and delivers nothing while dropped', async () => {
  const link = await started();
  let got = 0;
  link.onMessage(() => got++);
  link.drop();
  assert.is(link.deliver('config/desired', Buffer.from('{}')), false);
  link.restore();
  assert.is(link.deliver('config/desired', Buffer.from('{}')), true);
  assert.is(got, 1);
  await link.stop();
});

test('stop while dropped publishes nothing', async () => {
  const link = await started();
  link.drop();
  await link.stop();
  assert.equal(link.published(), []);
});

contract.run();
test.run();
