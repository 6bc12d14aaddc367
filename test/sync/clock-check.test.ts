import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SimLink } from '../../hal/network/sim.ts';
import { ClockCheck } from '../../src/sync/clock-check.ts';
import { HostClient } from '../../src/sync/host-client.ts';
import { silentLogger } from '../../src/runtime/log.ts';

const test = suite('clock check');

function setup(hostAheadMs: number) {
  let local = Date.parse('2026-11-27T08:00:00Z');
  const link = new SimLink({
    terminalId: 'T1',
    host: async ({ method }) => (method === 'time.get' ? { ok: true, result: { now: new Date(local + hostAheadMs).toISOString() } } : { ok: false, error: { code: 'X', message: '' } }),
  });
  const skews: number[] = [];
  const host = new HostClient({ link, timeoutMs: () => 500, logger: silentLogger() });
  const check = new ClockCheck({ host, localNow: () => local, logger: silentLogger(), onSkew: (s) => skews.push(s) });
  return { link, check, skews, advance: (ms: number) => (local += ms) };
}

test('a board whose clock is 5 minutes behind reports the skew and corrects its time', async () => {
  const { link, check, skews } = setup(5 * 60_000);
  await link.start();
  const reading = await check.check();
  assert.ok(reading);
  assert.is(reading!.offsetMs, 300_000);
  assert.equal(skews, [300_000]);
  assert.is(check.now(), Date.parse('2026-11-27T08:05:00Z'));
});

test('a skew under a minute is not reported', async () => {
  const { link, check, skews } = setup(20_000);
  await link.start();
  await check.check();
  assert.equal(skews, []);
  assert.is(check.last()!.offsetMs, 20_000);
});

test('checked() is false until the host has answered; onChecked is called after each answer, not after a failed check', async () => {
  const { link, check } = setup(3 * 24 * 3600_000);
  let calls = 0;
  check.onChecked(() => calls++);
  await link.start();
  link.drop();
  await check.check();
  assert.is(check.checked(), false);
  assert.is(calls, 0);
  link.restore();
  await check.check();
  assert.is(check.checked(), true);
  assert.is(calls, 1);
  link.drop();
  await check.check();
  assert.is(check.checked(), true, 'a later failure leaves the last reading in use');
  assert.is(calls, 1);
});

test('no answer (offline) leaves the clock as it was', async () => {
  const { link, check, skews } = setup(600_000);
  await link.start();
  link.drop();
  assert.is(await check.check(), undefined);
  assert.equal(skews, []);
  assert.is(check.now(), Date.parse('2026-11-27T08:00:00Z'));
});

test.run();
