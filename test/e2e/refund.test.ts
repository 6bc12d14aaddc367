// Refunds end to end over real MQTT, on every broker: the terminal with
// simulated devices ↔ a network cable ↔ the broker ↔ the reference host. What
// the merchant sees and gets printed, and what the host and the terminal's
// ledger keep afterwards.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { e2eBrokers } from '../support/brokers.ts';
import { freshPayCode } from '../../scripts/host/demo-orders.ts';
import { PROCESSING_DELAY_MS, refund, withStack } from './stack.ts';

const test = suite('e2e: refunds over MQTT');
const wechat = () => freshPayCode({ channel: 'wechat' });
const alipay = () => freshPayCode({ channel: 'alipay' });

for (const broker of e2eBrokers()) {
  test(`${broker.name}: an online refund keyed in: APPROVED, two receipts, order marked at the host and here, customer notified`, () =>
    withStack(broker, async ({ terminal: t, host, notifications }) => {
      const orderId = '2026000000000001';
      await refund(t, orderId, '1200', wechat());
      const shown = await t.see(/Refund: APPROVED/);
      assert.match(shown, /Customer notified: \+86\*+0001/);
      await t.running.terminal.settled();

      const printed = t.devices.printer!.printed();
      assert.is(printed.length, 2, 'merchant and customer copies');
      assert.match(printed[0]!.text, /MERCHANT COPY/);
      assert.match(printed[1]!.text, /CUSTOMER COPY/);
      for (const receipt of printed) {
        assert.match(receipt.text, /APPROVED/);
        assert.match(receipt.text, /12\.00/);
      }

      const [record] = await t.running.ledger.recent(1);
      assert.is(record?.state, 'approved');
      const atHost = host!.store.txn(record!.txn.id);
      assert.is(atHost?.result.status, 'approved');
      assert.is(atHost?.result.hostRef, record!.result?.hostRef, 'the receipt number the host gave is the one kept here');
      const order = host!.store.order(orderId)!.order;
      assert.is(order.status, 'partially_refunded');
      assert.is(order.refundedCents, 1200);
      assert.is(t.running.ledger.order(orderId)?.status, 'partially_refunded');
      assert.is(t.running.ledger.order(orderId)?.refundedCents, 1200);

      // The notification goes out in the background: the merchant does not wait on it.
      for (let i = 0; i < 100 && notifications.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.is(notifications.length, 1);
      assert.is(notifications[0]!.orderId, orderId);
      assert.is(notifications[0]!.txnId, record!.txn.id);
      assert.equal(notifications[0]!.to, ['SMS +86*******0001']);
      assert.match(notifications[0]!.text, /12\.00/);
    }));

  test(`${broker.name}: partial refunds up to what is left, then the terminal refuses without sending anything`, () =>
    withStack(broker, async ({ terminal: t, host }) => {
      const orderId = '2026000000000003'; // 200.00, 50.00 already refunded
      await refund(t, orderId, '10000', wechat());
      await t.see(/Refund: APPROVED/);
      t.keys('[OK]');
      await t.see(/E2E1 ONLINE/);
      // The amount proposed is what is left: 50.00.
      t.keys(`2 ${orderId} [OK]`);
      await t.see(/Refunded: 150\.00 .*Left: 50\.00/);
      t.keys('[OK] 246810 [OK]');
      await t.see(/Refund amount: 50\.00/);
      t.keys('[OK]');
      await t.see(/Scan the customer/);
      t.scan(wechat());
      await t.see(/Confirm/);
      t.keys('[OK]');
      await t.see(/Refund: APPROVED/);
      t.keys('[OK]');
      await t.see(/E2E1 ONLINE/);
      assert.equal(
        { status: host!.store.order(orderId)!.order.status, refundedCents: host!.store.order(orderId)!.order.refundedCents },
        { status: 'refunded', refundedCents: 20000 },
      );

      t.keys(`2 ${orderId} [OK]`);
      await t.see(/Refund: NOT POSSIBLE .*This order is fully refunded/);
      t.keys('[OK]');
      await t.see(/E2E1 ONLINE/);
      await t.running.terminal.settled();
      const submitted = host!.store.allTxns().filter((s) => s.txn.orderId === orderId);
      assert.is(submitted.length, 2, 'the host saw the two refunds and nothing more');
      assert.is(t.running.ledger.outbox().length, 0);
      assert.is((await t.running.ledger.recent(10)).length, 2);
      assert.is(t.devices.printer!.printed().length, 4, 'two receipts per approved refund, none for the refusal');
    }));

  test(`${broker.name}: the host's declines a merchant can meet, each with its guidance; SYSTEM_ERROR retried once under the same number`, () =>
    withStack(broker, async ({ terminal: t, host }) => {
      await refund(t, '2026000000000008', '100', wechat());
      await t.see(/Refund: DECLINED .*balance is too low/);
      t.keys('[OK]');
      await t.see(/E2E1 ONLINE/);
      assert.is(host!.store.order('2026000000000008')!.order.refundedCents, 0);

      // SYSTEM_ERROR, then approved: one refund number, two submissions, refunded once.
      await refund(t, '2026000000000009', '500', alipay());
      await t.see(/Refund: APPROVED/);
      t.keys('[OK]');
      await t.see(/E2E1 ONLINE/);
      const [approved] = await t.running.ledger.recent(1);
      const stored = host!.store.txn(approved!.txn.id)!;
      assert.is(stored.submissions, 2);
      assert.is(stored.result.status, 'approved');
      const order9 = host!.store.order('2026000000000009')!.order;
      assert.equal({ refundedCents: order9.refundedCents, refundCount: order9.refundCount }, { refundedCents: 500, refundCount: 1 });
      assert.is(host!.store.allTxns().filter((s) => s.txn.orderId === '2026000000000009').length, 1);

      // One code, two refunds: the second is declined and goes back to the scan.
      const code = wechat();
      await refund(t, '2026000000000001', '100', code);
      await t.see(/Refund: APPROVED/);
      t.keys('[OK]');
      await t.see(/E2E1 ONLINE/);
      await refund(t, '2026000000000001', '100', code);
      await t.see(/Refund: DECLINED .*already used/);
      t.keys('[OK]');
      await t.see(/Scan the customer/);
      assert.is(host!.store.order('2026000000000001')!.order.refundedCents, 100, 'refunded once');
      t.keys('[CANCEL]');
    }));

  test(`${broker.name}: "processing": RESULT TO FOLLOW, then APPROVED in the transaction list once the terminal has followed it up by itself`, () =>
    withStack(broker, async ({ terminal: t, host }) => {
      const orderId = '2026000000000010';
      await refund(t, orderId, '2500', wechat());
      await t.see(/Refund: RESULT TO FOLLOW/);
      await t.running.terminal.settled();
      // The customer leaves with a "result to follow" slip, never one that says APPROVED.
      const slips = t.devices.printer!.printed();
      assert.is(slips.length, 1);
      assert.match(slips[0]!.text, /RESULT TO FOLLOW/);
      assert.not.match(slips[0]!.text, /APPROVED/);
      t.keys('[OK]');
      await t.see(/E2E1 ONLINE Queued: 1/);
      // Settled by txn.query after the host's processing delay, with no key pressed.
      await t.see(/E2E1 ONLINE No refunds queued/, PROCESSING_DELAY_MS + 4000);
      // The answer gets its receipts when it comes.
      await t.running.terminal.settled();
      const approved = t.devices.printer!.printed().slice(1);
      assert.ok(approved.length >= 1 && approved.every((p) => /APPROVED/.test(p.text)));
      t.keys('3');
      await t.see(/REFUND 25\.00 APPROVED/);
      const [record] = await t.running.ledger.recent(1);
      assert.is(record?.state, 'approved');
      assert.is(host!.store.txn(record!.txn.id)?.result.status, 'approved');
      assert.is(host!.store.order(orderId)!.order.refundedCents, 2500);
      t.keys('[CANCEL]');
    }));
}

test.run();
