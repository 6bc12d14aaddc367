// X and Z reports on a whole terminal, reconciled with the reference host's logic.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TestTerminal, lookUpThenDrop, refundByKeys, simConfig, tempDir } from '../support/terminal.ts';
import { freshPayCode, demoOrders } from '../../scripts/host/demo-orders.ts';
import { HostService } from '../../scripts/host/service.ts';
import { HostStore } from '../../scripts/host/store.ts';
import type { SimHost } from '../../hal/network/sim.ts';

const test = suite('settlement (terminal)');

async function hostService(): Promise<{ service: HostService; simHost: SimHost }> {
  const store = await HostStore.open({ seed: () => demoOrders({ now: new Date() }) });
  const service = new HostService({ store, now: () => new Date() });
  return { service, simHost: (r) => service.handle(r.terminalId, r.method, r.params) };
}

/** A refund approved online, then back home. */
async function refund(t: TestTerminal, orderId: string, amountKeys: string): Promise<void> {
  await refundByKeys(t, orderId, amountKeys, freshPayCode({ channel: 'wechat' }));
  await t.see(/Refund: APPROVED/);
  t.keys('[OK]');
  await t.see(/No refunds queued/);
}

test('X report: totals so far, printed; Z report: TOTALS AGREED, stored, batch closed, event published', async () => {
  const { simHost } = await hostService();
  const t = await TestTerminal.start(simConfig(tempDir()), simHost);
  try {
    await refund(t, '2026000000000001', '1200');
    await refund(t, '2026000000000003', '800');
    t.keys('4 1');
    await t.see(/X REPORT 000001/);
    await t.see(/WeChat Pay REFUND ×2 20\.00/);
    await t.running.terminal.settled();
    assert.match(t.devices.printer!.lastText()!, /X REPORT/);
    assert.is(t.running.ledger.batch().number, 1, 'an X report closes nothing');
    t.keys('[OK] 4 2');
    await t.see(/TOTALS AGREED/);
    await t.see(/Batch 000001 closed/);
    await t.running.terminal.settled();
    assert.match(t.devices.printer!.lastText()!, /Z REPORT[\s\S]*TOTALS AGREED/);
    assert.is(t.running.ledger.batch().number, 2);
    const stored = await t.running.ledger.report(1);
    assert.ok(stored, 'the Z report is stored under its batch number');
    const events = t.devices.link!.published().filter((p) => p.topic === 'events' && p.payload.type === 'settlement');
    assert.is(events.length, 1);
    assert.is(events[0]!.payload.batch, 1);
    // The next batch starts empty.
    t.keys('[OK] 4 1');
    await t.see(/X REPORT 000002/);
    await t.see(/No approved transactions/);
  } finally {
    await t.stop();
  }
});

test('Z report: TOTALS NOT AGREED with the line that differs when the host knows a refund this terminal does not', async () => {
  const { service, simHost } = await hostService();
  const t = await TestTerminal.start(simConfig(tempDir()), simHost);
  try {
    await refund(t, '2026000000000001', '1200');
    // A refund under this terminal's id that its ledger never recorded (the
    // kind of thing reconciliation exists to catch).
    await service.handle('TT01', 'txn.submit', {
      txn: {
        id: 'foreign-1',
        type: 'refund',
        orderId: '2026000000000003',
        amountCents: 500,
        currency: 'CNY',
        channel: 'wechat',
        payCode: freshPayCode({ channel: 'wechat' }),
        // When this terminal's own refund was made: inside the batch for sure.
        createdAt: (await t.running.ledger.recent(1))[0]!.txn.createdAt,
        offline: false,
        terminalId: 'TT01',
        operator: 'x',
      },
    });
    t.keys('4 2');
    await t.see(/TOTALS NOT AGREED/);
    await t.see(/WeChat Pay REFUND: here 1\/12\.00 host 2\/17\.00/);
    await t.running.terminal.settled();
    assert.match(t.devices.printer!.lastText()!, /TOTALS NOT AGREED/);
  } finally {
    await t.stop();
  }
});

test('Z report while a refund is queued: warned; offline it is refused and nothing is closed', async () => {
  const { simHost } = await hostService();
  const t = await TestTerminal.start(simConfig(tempDir()), simHost);
  try {
    await lookUpThenDrop(t, '2026000000000001');
    await refundByKeys(t, '2026000000000001', '100', freshPayCode({ channel: 'wechat' }));
    await t.see(/Refund: QUEUED/);
    t.keys('[OK] 4 2');
    await t.see(/1 transaction\(s\) still queued/);
    t.keys('2');
    await t.see(/needs the network/);
    assert.is(t.running.ledger.batch().number, 1);
    // Back online: submit them first, then the Z report goes on by itself.
    t.devices.link!.restore();
    await t.see(/Settlement/);
    t.keys('[OK]');
    t.keys('2 1');
    await t.see(/TOTALS AGREED/, 5000);
    assert.is(t.running.ledger.outbox().length, 0);
  } finally {
    await t.stop();
  }
});

test.run();
