// The two ways a host is unreachable (DESIGN.md "Offline"), over real MQTT on
// every broker: the cable pulled (no broker), and the broker up with the host
// silent. Either way the refund is QUEUED, kept, submitted by the terminal on
// its own once the host is back, and refunded exactly once.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { e2eBrokers } from '../support/brokers.ts';
import { freshPayCode } from '../../scripts/host/demo-orders.ts';
import { NET, TID, refund, withStack } from './stack.ts';

const test = suite('e2e: offline refunds over MQTT');
const ORDER = '2026000000000001'; // WeChat Pay 88.00
const HOME = new RegExp(`${TID} ONLINE`);

/** Looks the order up once online, so the terminal has it for later. */
async function lookUp(t: Parameters<Parameters<typeof withStack>[1]>[0]['terminal'], orderId: string): Promise<void> {
  t.keys(`2 ${orderId} [OK]`);
  await t.see(/Left: 88\.00/);
  t.keys('[CANCEL][CANCEL]');
  await t.see(HOME);
}

for (const broker of e2eBrokers()) {
  test(`${broker.name}: cable pulled: OFFLINE, QUEUED with a pending receipt; cable back: reconnects and submits by itself, refunded once`, () =>
    withStack(broker, async ({ terminal: t, cable, host }) => {
      await lookUp(t, ORDER);
      cable.drop();
      await t.see(new RegExp(`${TID} OFFLINE`));
      await refund(t, ORDER, '3000', freshPayCode({ channel: 'wechat' }));
      await t.see(/Refund: QUEUED .*submitted automatically/);
      await t.running.terminal.settled();
      const pending = t.devices.printer!.lastText()!;
      assert.match(pending, /REFUND PENDING/);
      assert.match(pending, /30\.00/);
      assert.match(pending, /^\s*QUEUED\s*$/m);
      assert.not.match(pending, /Host ref/, 'no host reference: the host has not seen it');
      const [queued] = t.running.ledger.outbox();
      assert.is(queued?.txn.offline, true);
      const id = queued!.txn.id;
      t.keys('[OK]');
      await t.see(/OFFLINE Queued: 1, submitted automatically/);
      assert.is(host!.store.txn(id), undefined, 'nothing reached the host while the cable was out');

      cable.restore();
      await t.see(/ONLINE No refunds queued/, 5000);
      const stored = host!.store.txn(id);
      assert.is(stored?.result.status, 'approved');
      assert.is(stored?.submissions, 1);
      assert.is(host!.store.allTxns().filter((s) => s.txn.orderId === ORDER).length, 1);
      const order = host!.store.order(ORDER)!.order;
      assert.equal({ refundedCents: order.refundedCents, refundCount: order.refundCount }, { refundedCents: 3000, refundCount: 1 });
      assert.is((await t.running.ledger.find(id))?.state, 'approved');
      t.keys('3');
      await t.see(/REFUND 30\.00 APPROVED/);
      t.keys('[CANCEL]');
    }));

  test(`${broker.name}: broker up, host silent: the refund times out to QUEUED; host restarted on its data: submitted by itself, approved once`, () =>
    withStack(broker, async (s) => {
      const t = s.terminal;
      await lookUp(t, ORDER);
      await s.stopHost();
      const started = Date.now();
      await refund(t, ORDER, '2000', freshPayCode({ channel: 'wechat' }));
      await t.see(/Refund: QUEUED/, NET.rpcTimeoutMs + 3000);
      assert.ok(Date.now() - started >= NET.rpcTimeoutMs, 'the terminal waited for the host');
      await t.running.terminal.settled();
      assert.match(t.devices.printer!.lastText()!, /REFUND PENDING/);
      const [queued] = t.running.ledger.outbox();
      const id = queued!.txn.id;
      t.keys('[OK]');
      // The broker is up, but a silent host is offline all the same (DESIGN.md).
      await t.see(/Queued: 1, submitted automatically/);

      const host = await s.startHost();
      await t.see(/ONLINE No refunds queued/, 6000);
      const stored = host.store.txn(id);
      assert.is(stored?.result.status, 'approved');
      assert.is(host.store.allTxns().filter((x) => x.txn.orderId === ORDER).length, 1);
      const order = host.store.order(ORDER)!.order;
      assert.equal({ refundedCents: order.refundedCents, refundCount: order.refundCount }, { refundedCents: 2000, refundCount: 1 });
      assert.is((await t.running.ledger.find(id))?.state, 'approved');
    }));
}

test.run();
