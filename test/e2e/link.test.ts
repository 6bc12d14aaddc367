// The terminal's MQTT connection as ops and the broker see it, on every
// broker: the retained status (`online`, the last will `lost`, `offline`
// after a clean stop), and junk on `rpc/res` that must not disturb it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { e2eBrokers } from '../support/brokers.ts';
import { freshPayCode } from '../../scripts/host/demo-orders.ts';
import { Cleanup, TID, plainClient, refund, withStack, within } from './stack.ts';

const test = suite('e2e: the terminal on the broker');
const STATUS = `pos/${TID}/status`;

interface Status {
  state: string;
  queue?: { pending: number };
  app?: string;
}

/** Everything published on the terminal's status topic while the watcher is subscribed. */
async function watchStatus(url: string, cleanup: Cleanup) {
  const client = await plainClient(url, cleanup);
  const seen: Status[] = [];
  const waiters = new Set<() => void>();
  client.on('message', (_topic, payload) => {
    seen.push(JSON.parse(payload.toString()) as Status);
    for (const w of waiters) w();
  });
  await client.subscribeAsync(STATUS, { qos: 1 });
  return {
    seen,
    /** Resolves when a message with `state` arrives after `from` messages were seen. */
    next(state: string, from: number, ms = 3000): Promise<Status> {
      return within(
        new Promise<Status>((resolve) => {
          const check = () => {
            const found = seen.slice(from).find((s) => s.state === state);
            if (found) {
              waiters.delete(check);
              resolve(found);
            }
          };
          waiters.add(check);
          check();
        }),
        ms,
        () => `status never became ${state} (saw ${seen.map((s) => s.state).join(', ') || 'nothing'})`,
      );
    },
  };
}

/** What a client subscribing now gets as the retained status (ops' fleet view after the fact). */
async function retainedStatus(url: string): Promise<Status> {
  const cleanup = new Cleanup();
  try {
    const client: MqttClient = await plainClient(url, cleanup);
    const got = new Promise<Status>((resolve) => {
      client.on('message', (_topic, payload, packet) => {
        if (packet.retain) resolve(JSON.parse(payload.toString()) as Status);
      });
    });
    await client.subscribeAsync(STATUS, { qos: 1 });
    return await within(got, 2000, 'no retained status');
  } finally {
    await cleanup.run();
  }
}

for (const broker of e2eBrokers()) {
  test(`${broker.name}: retained status: online while connected, lost when the connection dies, online again, offline after a clean stop`, () =>
    withStack(broker, async ({ broker: { url }, cable, terminal: t }) => {
      const cleanup = new Cleanup();
      try {
        const status = await watchStatus(url, cleanup);
        const online = await status.next('online', 0);
        assert.is(online.app, 'scanpos/0.1.0');
        assert.equal(online.queue?.pending, 0);
        assert.is((await retainedStatus(url)).state, 'online');

        // Pulled cable: the broker publishes the last will, and keeps it.
        let from = status.seen.length;
        cable.drop();
        await status.next('lost', from);
        await t.see(new RegExp(`${TID} OFFLINE`));
        assert.is((await retainedStatus(url)).state, 'lost');

        from = status.seen.length;
        cable.restore();
        await status.next('online', from);
        await t.see(new RegExp(`${TID} ONLINE`));
        assert.is((await retainedStatus(url)).state, 'online');

        // Clean stop (stopping it again at the end of the test does nothing).
        from = status.seen.length;
        await t.stop();
        await status.next('offline', from);
        assert.is((await retainedStatus(url)).state, 'offline');
        assert.not.ok(status.seen.slice(from).some((s) => s.state === 'lost'), 'a clean stop does not fire the last will');
      } finally {
        await cleanup.run();
      }
    }));

  test(`${broker.name}: a request cut off by a pulled cable does not keep the terminal from stopping once it is back`, () =>
    withStack(broker, async ({ cable, terminal: t }) => {
      // The lookup's request leaves, and the cable is pulled before the broker can acknowledge it.
      t.keys('2 2026000000000002 [OK]');
      cable.drop();
      await t.see(/Needs the network to look up this order/);
      t.keys('[CANCEL][CANCEL]');
      await t.see(new RegExp(`${TID} OFFLINE`));
      cable.restore();
      await t.see(new RegExp(`${TID} ONLINE`));
      // A shutdown (SIGTERM, a reboot command) must finish, not hang until the watchdog kills it.
      await within(t.stop(), 2000, 'the terminal did not stop');
    }));

  test(`${broker.name}: junk on rpc/res (not JSON, wrong shape, unknown id) does not disturb the terminal`, () =>
    withStack(broker, async ({ broker: running, terminal: t, host }) => {
      const cleanup = new Cleanup();
      try {
        const status = await watchStatus(running.url, cleanup);
        await status.next('online', 0);
        const from = status.seen.length;
        const junk = await plainClient(running.url, cleanup);
        const res = `pos/${TID}/rpc/res`;
        for (const payload of [
          'not json {',
          '[1,2,3]',
          JSON.stringify({ v: 2, id: 'x', ok: true, result: {} }),
          JSON.stringify({ v: 1, ok: true, result: {} }),
          JSON.stringify({ v: 1, id: 'x', ok: true, result: 'approved' }),
          JSON.stringify({ v: 1, id: 'x', ok: false, error: 'nope' }),
          JSON.stringify({ v: 1, id: '0193e0c2-7f1a-7b4e-9a51-3c2d9b1e0a11', ok: true, result: { result: { status: 'approved' } } }),
          Buffer.alloc(70 * 1024, 0x7b),
        ]) {
          await junk.publishAsync(res, payload, { qos: 1 });
        }

        await refund(t, '2026000000000001', '800', freshPayCode({ channel: 'wechat' }));
        await t.see(/Refund: APPROVED/);
        const [record] = await t.running.ledger.recent(1);
        assert.is(host!.store.txn(record!.txn.id)?.result.status, 'approved');
        assert.is(t.running.ledger.outbox().length, 0);
        assert.not.ok(status.seen.slice(from).some((s) => s.state !== 'online'), 'the connection never dropped');
      } finally {
        await cleanup.run();
      }
    }));
}

test.run();
