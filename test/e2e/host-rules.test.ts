// The host's side of the wire contract over real MQTT, through a raw client
// (HostClient over its own MqttLink): the declines a terminal's own checks
// never let through, idempotency of refund numbers, and DUPLICATE_MISMATCH.
// A terminal cannot produce these, but a host written by someone else must
// answer them as PROTOCOL.md says — and so must ours.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { e2eBrokers, type Broker } from '../support/brokers.ts';
import { tempDir } from '../support/terminal.ts';
import { freshPayCode } from '../../scripts/host/demo-orders.ts';
import { startHost, type RunningHost } from '../../scripts/host/start.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import type { Channel, Txn, TxnResult } from '../../src/domain/types.ts';
import type { HostAnswer, HostClient } from '../../src/sync/host-client.ts';
import { rawHostClient, withBroker } from './stack.ts';

const test = suite('e2e: host rules over MQTT (raw client)');
const RAW = 'RAW1';

function refundTxn(orderId: string, amountCents: number, channel: Channel, payCode = freshPayCode({ channel })): Txn {
  return {
    id: randomUUID(),
    type: 'refund',
    orderId,
    amountCents,
    currency: 'CNY',
    channel,
    payCode,
    createdAt: new Date().toISOString(),
    offline: false,
    terminalId: RAW,
    operator: 'supervisor',
  };
}

function result(answer: HostAnswer<TxnResult>): TxnResult {
  if (answer.kind !== 'ok') throw new Error(`expected a result, got ${JSON.stringify(answer)}`);
  return answer.value;
}

async function declined(client: HostClient, host: RunningHost, txn: Txn, code: string): Promise<void> {
  const before = host.store.order(txn.orderId)?.order;
  const r = result(await client.submit(txn));
  assert.is(r.status, 'declined', `${code}: ${r.message}`);
  assert.is(r.code, code);
  assert.is(r.id, txn.id);
  assert.is(r.hostRef, undefined, 'no host reference for a decline');
  assert.equal(host.store.order(txn.orderId)?.order, before, `${code}: the order is unchanged`);
}

async function withHost(broker: Broker, body: (client: HostClient, host: RunningHost) => Promise<void>): Promise<void> {
  await withBroker(broker, async (running, cleanup) => {
    const dataDir = tempDir();
    cleanup.add(async () => rmSync(dataDir, { recursive: true, force: true }), 'removing the host data');
    const host = await startHost({ url: running.url, logger: silentLogger(), dataDir });
    cleanup.add(() => host.stop(), 'the host stopping');
    const client = await rawHostClient(running.url, RAW, cleanup);
    await body(client, host);
  });
}

for (const broker of e2eBrokers()) {
  test(`${broker.name}: every decline the terminal's own checks keep away, each leaving the order as it was`, () =>
    withHost(broker, async (client, host) => {
      await declined(client, host, refundTxn('2026000000000001', 100, 'alipay'), 'CHANNEL_MISMATCH');
      await declined(client, host, refundTxn('2026000000000005', 100, 'wechat'), 'ORDER_CANCELLED');
      await declined(client, host, refundTxn('2026000000000006', 100, 'wechat'), 'ORDER_TOO_OLD');
      await declined(client, host, refundTxn('2026000000000002', 12801, 'alipay'), 'REFUND_EXCEEDS_ORDER');
      await declined(client, host, refundTxn('2026000000000007', 100, 'alipay'), 'REFUND_EXCEEDS_ORDER');
      await declined(client, host, refundTxn('2026000000000001', 100, 'wechat', '990000000000000000'), 'AUTH_CODE_INVALID');

      // ORDER_NOT_FOUND: a decline for a submission, an error for a lookup.
      const unknown = refundTxn('2026999999999999', 100, 'wechat');
      const r = result(await client.submit(unknown));
      assert.equal([r.status, r.code], ['declined', 'ORDER_NOT_FOUND']);
      const lookup = await client.getOrder('2026999999999999');
      assert.is(lookup.kind, 'error');
      assert.is(lookup.kind === 'error' && lookup.code, 'ORDER_NOT_FOUND');

      // 49 refunds already: the 50th is approved, the 51st declined.
      const fiftieth = result(await client.submit(refundTxn('2026000000000011', 100, 'alipay')));
      assert.is(fiftieth.status, 'approved');
      assert.is(fiftieth.order?.refundCount, 50);
      await declined(client, host, refundTxn('2026000000000011', 100, 'alipay'), 'REFUND_COUNT_EXCEEDED');
    }));

  test(`${broker.name}: a refund number repeated gets the same answer and refunds once; changed, it is DUPLICATE_MISMATCH`, () =>
    withHost(broker, async (client, host) => {
      const txn = refundTxn('2026000000000002', 1000, 'alipay');
      const first = result(await client.submit(txn));
      assert.is(first.status, 'approved');
      assert.ok(first.hostRef);
      // A retry may carry another createdAt / offline flag (queued, then replayed).
      const again = result(await client.submit({ ...txn, offline: true, createdAt: new Date(Date.now() + 5000).toISOString() }));
      assert.is(again.status, 'approved');
      assert.is(again.hostRef, first.hostRef);
      const order = host.store.order(txn.orderId)!.order;
      assert.equal({ refundedCents: order.refundedCents, refundCount: order.refundCount }, { refundedCents: 1000, refundCount: 1 });

      const changed = await client.submit({ ...txn, amountCents: 2000 });
      assert.is(changed.kind, 'error');
      assert.is(changed.kind === 'error' && changed.code, 'DUPLICATE_MISMATCH');
      assert.is(host.store.order(txn.orderId)!.order.refundedCents, 1000, 'still refunded once');

      // Another terminal's id in the payload is not taken from this one's topic.
      const forged = await client.submit({ ...refundTxn('2026000000000002', 100, 'alipay'), terminalId: 'T9999' });
      assert.is(forged.kind, 'error');
      assert.is(host.store.order(txn.orderId)!.order.refundedCents, 1000);
    }));
}

test.run();
