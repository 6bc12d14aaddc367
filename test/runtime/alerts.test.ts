// Two queued refunds declined on replay: two alerts, dismissed one at a time.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TestTerminal, simConfig, tempDir } from '../support/terminal.ts';
import { freshPayCode } from '../../scripts/host/demo-orders.ts';

const test = suite('alerts');

async function queuedRefund(t: TestTerminal, amountKeys: string): Promise<void> {
  t.keys('2 2026000000000008 [OK]');
  await t.see(/Left: /);
  t.keys('[OK] 246810 [OK]');
  await t.see(/Refund amount/);
  t.keys(`[CLEAR][CLEAR][CLEAR][CLEAR] ${amountKeys} [OK]`);
  await t.see(/Scan the customer/);
  t.scan(freshPayCode({ channel: 'wechat' }));
  await t.see(/Confirm/);
  t.keys('[OK]');
  await t.see(/Refund: QUEUED/);
  t.keys('[OK]');
}

test('each alert is shown until it is dismissed; CLEAR dismisses one', async () => {
  const t = await TestTerminal.start(simConfig(tempDir()));
  try {
    t.keys('2 2026000000000008 [OK]');
    await t.see(/Left: 99\.00/);
    t.keys('[CANCEL][CANCEL]');
    t.devices.link!.drop();
    await t.see(/OFFLINE/);
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
