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

test('each alert is shown until it is dismissed; CLEAR dismisses one', async () => {
  const t = await TestTerminal.start(simConfig(tempDir()));
  try {
    await lookUpThenDrop(t, '2026000000000008', /Left: 99\.00/);
    await queuedRefund(t, '500');
    await queuedRefund(t, '600');
    t.devices.link!.restore();
    await t.see(/Queued refund 5\.00 .*DECLINED.*1 more/, 5000);
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

test.run();
