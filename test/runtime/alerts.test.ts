// Two queued refunds declined on replay: two alerts, dismissed one at a time.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TestTerminal, lookUpThenDrop, refundByKeys, simConfig, tempDir } from '../support/terminal.ts';
import { freshPayCode } from '../../scripts/host/demo-orders.ts';

const test = suite('alerts');

async function queuedRefund(t: TestTerminal, amountKeys: string): Promise<void> {
  await refundByKeys(t, '2026000000000008', `[CLEAR][CLEAR][CLEAR][CLEAR] ${amountKeys}`, freshPayCode({ channel: 'wechat' }));
  await t.see(/Refund: QUEUED/);
  t.keys('[OK]');
}

/** Two refunds queued offline, declined on replay: the home screen shows the first alert of two. */
async function twoAlerts(t: TestTerminal): Promise<void> {
  await lookUpThenDrop(t, '2026000000000008', /Left: 99\.00/);
  await queuedRefund(t, '500');
  await queuedRefund(t, '600');
  t.devices.link!.restore();
  await t.see(/Queued refund 5\.00 .*DECLINED.*1 more/, 5000);
}

test('each alert is shown until it is dismissed; CLEAR dismisses one', async () => {
  const t = await TestTerminal.start(simConfig(tempDir()));
  try {
    await twoAlerts(t);
    t.keys('[CLEAR]');
    const second = await t.see(/Queued refund 6\.00 .*DECLINED/);
    assert.not.match(second, /1 more/);
    t.keys('[CLEAR]');
    const none = await t.see(/ONLINE No refunds queued 1 Sale/);
    assert.not.match(none, /DECLINED/);
  } finally {
    await t.stop();
  }
});

test('CLEAR pressed twice on one alert dismisses that alert only, never the next one unseen', async () => {
  const t = await TestTerminal.start(simConfig(tempDir()));
  try {
    await twoAlerts(t);
    // The second press comes before the first one's durable write is done: the screen still shows 5.00.
    t.keys('[CLEAR][CLEAR]');
    await t.running.terminal.settled();
    const next = await t.see(/Queued refund 6\.00 .*DECLINED/);
    assert.not.match(next, /1 more/);
    assert.equal(t.running.terminal.machine.ctx.notices.length, 1, 'the 6.00 alert is still there, seen at last');
  } finally {
    await t.stop();
  }
});

test.run();
