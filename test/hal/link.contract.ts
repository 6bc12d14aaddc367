// Contract suite of the network link (hal/network/types.ts), run against any
// driver. The factory gives the link and its far end: the host handler, a way
// to take the broker away and back, and (where it can) what reached the broker
// and a way to send the terminal a message. For the simulator these are its
// back door; for the MQTT driver, a broker on loopback and a host stub.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InTopic, Link, LinkStatus } from '../../hal/network/types.ts';
import type { PublishedMessage, SimHost } from '../../hal/network/sim.ts';

export interface LinkUnderTest {
  link: Link;
  setHost: (host: SimHost | undefined) => void;
  /** The broker connection goes down; resolves once the link can know it. */
  drop: () => void | Promise<void>;
  /** The broker connection comes back; resolves once the link is connected again. */
  restore: () => void | Promise<void>;
  published?: () => readonly PublishedMessage[];
  deliver?: (topic: InTopic, payload: Buffer) => void | Promise<void>;
}

export type LinkFactory = () => LinkUnderTest | Promise<LinkUnderTest>;

const echo: SimHost = async ({ method, params }) => ({ ok: true, result: { method, params } });

export function linkContract(name: string, make: LinkFactory) {
  const test = suite(`link contract: ${name}`);

  /** `null`: no host attached (the broker is up, nobody answers). */
  async function started(host: SimHost | null = echo) {
    const under = await make();
    under.setHost(host ?? undefined);
    await under.link.start();
    return under;
  }

  test('once started the link is connected and the host answers requests', async () => {
    const { link } = await started();
    assert.equal(link.status(), { connected: true });
    const outcome = await link.request('order.get', { orderId: '2026112600000001' }, 1000);
    assert.equal(outcome, { kind: 'ok', result: { method: 'order.get', params: { orderId: '2026112600000001' } } });
    await link.stop();
  });

  test("a host's error answer is an `error` outcome with its code and message", async () => {
    const { link } = await started(async () => ({ ok: false, error: { code: 'ORDER_NOT_FOUND', message: 'no such order' } }));
    const outcome = await link.request('order.get', { orderId: '999999' }, 1000);
    assert.equal(outcome, { kind: 'error', error: { code: 'ORDER_NOT_FOUND', message: 'no such order' } });
    await link.stop();
  });

  test('concurrent requests each get their own answer', async () => {
    const { link } = await started(async ({ params }) => {
      await sleep(Number(params.wait));
      return { ok: true, result: { n: params.n } };
    });
    const outcomes = await Promise.all(
      [1, 2, 3].map((n) => link.request('txn.query', { n, wait: (4 - n) * 10 }, 2000)),
    );
    assert.equal(
      outcomes.map((o) => (o.kind === 'ok' ? o.result.n : o.kind)),
      [1, 2, 3],
    );
    await link.stop();
  });

  test('a host that does not answer in time gives `timeout` after the time-out, not before', async () => {
    const { link, setHost } = await started(null);
    const began = Date.now();
    assert.equal(await link.request('time.get', {}, 60), { kind: 'unreachable', reason: 'timeout' });
    assert.ok(Date.now() - began >= 55, 'waited the time-out');
    setHost(async () => {
      await sleep(80);
      return { ok: true, result: { late: true } };
    });
    assert.equal(await link.request('time.get', {}, 30), { kind: 'unreachable', reason: 'timeout' });
    await sleep(70); // the late answer arrives now and must change nothing
    setHost(echo);
    const next = await link.request('time.get', { again: 1 }, 1000);
    assert.equal(next, { kind: 'ok', result: { method: 'time.get', params: { again: 1 } } });
    await link.stop();
  });

  test('while the broker is down requests are `offline` at once, publishing fails, and status says so', async () => {
    const { link, drop, restore } = await started();
    const statuses: LinkStatus[] = [];
    link.onStatus((s) => statuses.push(s));
    await drop();
    assert.equal(link.status(), { connected: false });
    const began = Date.now();
    assert.equal(await link.request('txn.submit', { txn: { id: 'r1' } }, 5000), { kind: 'unreachable', reason: 'offline' });
    assert.ok(Date.now() - began < 1000, 'without waiting for the time-out');
    assert.is(await link.publish('events', { v: 1, type: 'paper_out' }), false);
    await restore();
    assert.equal(link.status(), { connected: true });
    assert.equal(statuses, [{ connected: false }, { connected: true }]);
    assert.is((await link.request('time.get', {}, 1000)).kind, 'ok');
    await link.stop();
  });

  test('a request in flight when the broker goes down ends unreachable, never rejects', async () => {
    const { link, drop } = await started(async () => {
      await sleep(100);
      return { ok: true, result: {} };
    });
    const pending = link.request('txn.submit', { txn: { id: 'r2' } }, 3000);
    await sleep(10);
    await drop();
    const outcome = await pending;
    assert.is(outcome.kind, 'unreachable');
    await link.stop();
  });

  test('published messages reach the broker with their retain flag', async () => {
    const { link, published } = await started();
    assert.is(await link.publish('events', { v: 1, type: 'clock_skew', at: '2026-11-27T08:00:00Z' }), true);
    assert.is(await link.publish('selftest', { v: 1, ok: true }, { retain: true }), true);
    if (published) {
      const [event, selftest] = published();
      assert.equal(event, { topic: 'events', payload: { v: 1, type: 'clock_skew', at: '2026-11-27T08:00:00Z' }, retain: false });
      assert.equal(selftest, { topic: 'selftest', payload: { v: 1, ok: true }, retain: true });
    }
    await link.stop();
  });

  test('inbound messages reach every listener as raw bytes', async () => {
    const { link, deliver } = await started();
    if (!deliver) return link.stop();
    const got: Array<[InTopic, string]> = [];
    link.onMessage((topic, payload) => got.push([topic, payload.toString('utf8')]));
    await deliver('cmd', Buffer.from('{"v":1}'));
    assert.equal(got, [['cmd', '{"v":1}']]);
    await link.stop();
  });

  test('stop publishes a retained `offline` status and leaves the link down; it is idempotent', async () => {
    const { link, published } = await started();
    await link.stop();
    await link.stop();
    assert.equal(link.status(), { connected: false });
    if (published) {
      const statuses = published().filter((m) => m.topic === 'status');
      assert.is(statuses.length, 1);
      assert.is(statuses[0]!.retain, true);
      assert.is(statuses[0]!.payload.state, 'offline');
      assert.is(statuses[0]!.payload.v, 1);
    }
    assert.equal(await link.request('time.get', {}, 1000), { kind: 'unreachable', reason: 'offline' });
  });

  return test;
}
