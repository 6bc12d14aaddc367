// A whole terminal with simulated devices and the reference host's logic at
// the far end of the simulated link: what a merchant does, and what stays on
// disk across a restart.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestTerminal, lookUpThenDrop, refundByKeys, simConfig, tempDir } from '../support/terminal.ts';
import { freshPayCode } from '../../scripts/host/demo-orders.ts';

const test = suite('terminal (simulated devices)');
const WECHAT_ORDER = '2026000000000001';
const wechat = () => freshPayCode({ channel: 'wechat' });

const refund = refundByKeys;

test('online refund: APPROVED, two receipts, order marked, customer notified, on disk', async () => {
  const dir = tempDir();
  const t = await TestTerminal.start(simConfig(dir));
  try {
    await t.see(/TT01 ONLINE/);
    const code = wechat();
    await refund(t, WECHAT_ORDER, '1200', code);
    const result = await t.see(/Refund: APPROVED/);
    assert.match(result, /Customer notified: \+86\*+0001/);
    await t.running.terminal.settled();
    const printed = t.devices.printer!.printed();
    assert.is(printed.length, 2);
    assert.match(printed[0]!.text, /MERCHANT COPY/);
    assert.match(printed[1]!.text, /CUSTOMER COPY/);
    assert.match(printed[1]!.text, /APPROVED/);
    assert.match(printed[1]!.text, /12\.00/);
    assert.is(t.running.ledger.order(WECHAT_ORDER)?.status, 'partially_refunded');
    assert.is(t.running.ledger.order(WECHAT_ORDER)?.refundedCents, 1200);
    const [last] = await t.running.ledger.recent(1);
    assert.is(last?.state, 'approved');
    // Nothing card-like kept once final.
    const days = readdirSync(join(dir, 'days'));
    const segment = readFileSync(join(dir, 'days', days[0]!), 'utf8');
    assert.ok(segment.includes(code.slice(-4)), 'the record is in the day segment');
    assert.not.ok(segment.includes(code), 'the full pay code is not kept');
  } finally {
    await t.stop();
  }
});

test('offline: QUEUED with a pending receipt, kept across a restart, approved once when the link is back', async () => {
  const dir = tempDir();
  let t = await TestTerminal.start(simConfig(dir));
  const code = wechat();
  try {
    // Look the order up online first: the terminal caches orders it has seen.
    t.keys(`2 ${WECHAT_ORDER} [OK]`);
    await t.see(/Left: 88\.00/);
    t.keys('[CANCEL][CANCEL]');
    await t.see(/TT01 ONLINE/);
    t.devices.link!.drop();
    await t.see(/OFFLINE/);
    await refund(t, WECHAT_ORDER, '3000', code);
    await t.see(/Refund: QUEUED/);
    await t.see(/submitted automatically/);
    await t.running.terminal.settled();
    assert.match(t.devices.printer!.lastText()!, /REFUND PENDING/);
    assert.is(t.running.ledger.outbox().length, 1);
    t.keys('[OK]');
    await t.see(/Queued: 1/);
    // A second offline refund sees the first one: only 58.00 left.
    t.keys(`2 ${WECHAT_ORDER} [OK]`);
    await t.see(/Left: 58\.00/);
    t.keys('[CANCEL][CANCEL]');
  } finally {
    await t.stop();
  }
  // Restart: the queue is still there, the host has not seen the refund.
  t = await TestTerminal.start(simConfig(dir));
  try {
    const link = t.devices.link!;
    assert.is(t.running.ledger.outbox().length, 1);
    const id = t.running.ledger.outbox()[0]!.txn.id;
    // The new link starts connected: the replayer drains the outbox.
    await t.see(/No refunds queued/, 5000);
    const submits = link.requests().filter((r) => r.method === 'txn.submit');
    assert.is(submits.length, 1, 'reached the host exactly once');
    assert.is((submits[0]!.params.txn as { id: string }).id, id);
    const record = await t.running.ledger.find(id);
    assert.is(record?.state, 'approved');
  } finally {
    await t.stop();
  }
});

test('offline limits are checked before an offline refund is taken', async () => {
  const t = await TestTerminal.start(simConfig(tempDir(), { offline: { maxRefundCents: 5000, maxTotalCents: 8000, maxCount: 5, alertAfterMs: 86_400_000 } }));
  try {
    await lookUpThenDrop(t, '2026000000000003', /Left: 150\.00/);
    await refund(t, '2026000000000003', '6000', wechat());
    await t.see(/Offline refunds are limited to 50\.00 each/);
    t.keys('[OK]');
    await t.see(/Refund amount/);
    assert.is(t.running.ledger.outbox().length, 0, 'nothing recorded');
    t.keys('[CLEAR][CLEAR][CLEAR][CLEAR] 5000 [OK]');
    await t.see(/Scan the customer/);
    t.scan(wechat());
    await t.see(/Confirm/);
    t.keys('[OK]');
    await t.see(/Refund: QUEUED/);
    t.keys('[OK]');
    await refund(t, '2026000000000003', '4000', wechat());
    await t.see(/total limit reached \(80\.00\)/);
  } finally {
    await t.stop();
  }
});

test('a queued refund declined on replay: alert on home until dismissed, across restarts; a slip; ops told', async () => {
  const dir = tempDir();
  let t = await TestTerminal.start(simConfig(dir));
  try {
    await lookUpThenDrop(t, '2026000000000008', /Left: 99\.00/);
    await refund(t, '2026000000000008', '500', wechat());
    await t.see(/Refund: QUEUED/);
    t.keys('[OK]');
    t.devices.link!.restore();
    await t.see(/DECLINED \(INSUFFICIENT_BALANCE\)/, 5000);
    // The alert is stored (and shown) before the decline is settled; the slip follows the settle.
    for (let i = 0; i < 100 && !/DECLINED/.test(t.devices.printer!.lastText() ?? ''); i++) await new Promise((r) => setTimeout(r, 20));
    await t.running.terminal.settled();
    assert.match(t.devices.printer!.lastText()!, /DECLINED/);
    const events = t.devices.link!.published().filter((p) => p.topic === 'events' && p.payload.type === 'replay_declined');
    assert.is(events.length, 1);
  } finally {
    await t.stop();
  }
  t = await TestTerminal.start(simConfig(dir));
  try {
    await t.see(/DECLINED \(INSUFFICIENT_BALANCE\).*CLEAR: dismiss/);
    t.keys('[CLEAR]');
    await t.see(/TT01 ONLINE No refunds queued 1 Sale/);
  } finally {
    await t.stop();
  }
  t = await TestTerminal.start(simConfig(dir));
  try {
    const shown = await t.see(/TT01 ONLINE/);
    assert.not.match(shown, /DECLINED/, 'a dismissed alert stays dismissed');
  } finally {
    await t.stop();
  }
});

test('the home screen says when the scanner is unplugged, and stops saying it when it is back', async () => {
  const t = await TestTerminal.start(simConfig(tempDir()));
  try {
    t.devices.scanner!.unplug();
    await t.see(/Scanner not connected/);
    t.devices.scanner!.plug();
    const shown = await t.see(/No refunds queued 1 Sale/);
    assert.not.match(shown, /Scanner/);
  } finally {
    await t.stop();
  }
});

test('an order never seen cannot be refunded offline', async () => {
  const t = await TestTerminal.start(simConfig(tempDir()));
  try {
    t.devices.link!.drop();
    await t.see(/OFFLINE/);
    t.keys('2 2026000000000002 [OK]');
    await t.see(/Needs the network to look up this order/);
  } finally {
    await t.stop();
  }
});

test('three wrong PINs lock refunds, and the lock survives a restart', async () => {
  const dir = tempDir();
  let t = await TestTerminal.start(simConfig(dir));
  try {
    t.keys(`2 ${WECHAT_ORDER} [OK]`);
    await t.see(/Left: /);
    t.keys('[OK] 1111 [OK]');
    await t.see(/2 tries left/);
    t.keys('2222 [OK]');
    await t.see(/1 try left/);
    t.keys('3333 [OK]');
    await t.see(/Refunds locked/);
  } finally {
    await t.stop();
  }
  t = await TestTerminal.start(simConfig(dir));
  try {
    await t.see(/TT01/);
    t.keys('2');
    await t.see(/Refunds locked/);
  } finally {
    await t.stop();
  }
});

test('declines from the host each show their guidance', async () => {
  const t = await TestTerminal.start(simConfig(tempDir()));
  try {
    // Insufficient balance (demo order 8).
    await refund(t, '2026000000000008', '100', wechat());
    await t.see(/DECLINED.*balance/);
    t.keys('[OK]');
    await t.see(/TT01/);
    // SYSTEM_ERROR once, then approved with the same number (demo order 9, Alipay).
    await refund(t, '2026000000000009', '100', freshPayCode({ channel: 'alipay' }));
    await t.see(/Refund: APPROVED/);
    t.keys('[OK]');
    // A code used twice: the second refund is declined AUTH_CODE_USED and goes back to the scan.
    const code = wechat();
    await refund(t, WECHAT_ORDER, '100', code);
    await t.see(/Refund: APPROVED/);
    t.keys('[OK]');
    await refund(t, WECHAT_ORDER, '100', code);
    await t.see(/DECLINED.*already used/);
    t.keys('[OK]');
    await t.see(/Scan the customer/);
  } finally {
    await t.stop();
  }
});

test('a sale online is APPROVED with a 20-digit order number made here', async () => {
  const t = await TestTerminal.start(simConfig(tempDir()));
  try {
    t.keys('1 2500 [OK]');
    await t.see(/Scan the customer/);
    t.scan(freshPayCode({ channel: 'alipay' }));
    await t.see(/Confirm/);
    t.keys('[OK]');
    const text = await t.see(/Sale: APPROVED/);
    assert.match(text, /Order: 90042\d{15}/);
  } finally {
    await t.stop();
  }
});

test.run();
