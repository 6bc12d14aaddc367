// The terminal as a systemd Type=notify service: what reaches a real notify
// socket (a fake systemd's, test/support/fake-systemd.ts) through the real
// systemd-notify — READY=1, watchdog pings, STOPPING=1 — and nothing at all
// when systemd did not ask.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../src/runtime/log.ts';
import { serviceNotifier, underSystemd, watchdogMs } from '../../src/runtime/service-notify.ts';
import { skipBecause } from '../support/skip.ts';
import { fakeSystemdMissing, startFakeSystemd } from '../support/fake-systemd.ts';

const test = suite('runtime: systemd notifications');

const missing = fakeSystemdMissing();
if (missing) skipBecause(`service notifications were not tried on a notify socket: ${missing}`);

test('the watchdog period comes from WATCHDOG_USEC, for this process only', () => {
  assert.is(watchdogMs({ WATCHDOG_USEC: '30000000' }), 30_000);
  assert.is(watchdogMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: String(process.pid) }), 30_000);
  // Inherited by a child of the service: not for it.
  assert.is(watchdogMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: String(process.pid + 1) }), undefined);
  assert.is(watchdogMs({}), undefined);
  assert.is(watchdogMs({ WATCHDOG_USEC: 'soon' }), undefined);
});

test('without NOTIFY_SOCKET nothing is sent and the terminal is left as it was', () => {
  assert.is(serviceNotifier({ env: { WATCHDOG_USEC: '1000000' } }), undefined);
  const running = { logger: silentLogger(), stop: async () => undefined };
  assert.is(underSystemd(running, { env: {} }), running);
});

test('on a notify socket: READY=1 with a status, watchdog pings, then STOPPING=1 before the terminal stops', async () => {
  if (missing) return;
  const systemd = await startFakeSystemd();
  try {
    let stopped = false;
    let stoppingSeenFirst = false;
    const running = {
      logger: silentLogger(),
      stop: async () => {
        // The terminal finishes its step; systemd already knows the exit is wanted.
        stoppingSeenFirst = !!(await systemd.waitFor('STOPPING=1'));
        stopped = true;
      },
    };
    // A 400 ms watchdog: a ping every 200 ms.
    const env = { PATH: process.env.PATH, NOTIFY_SOCKET: systemd.socket, WATCHDOG_USEC: '400000' };
    const service = underSystemd(running, { env, status: 'terminal T1 running' });
    assert.is.not(service, running);

    const ready = await systemd.waitFor('READY=1');
    assert.ok(ready.fields.includes('STATUS=terminal T1 running'), JSON.stringify(ready.fields));
    const first = await systemd.waitFor('WATCHDOG=1');
    await systemd.waitFor('WATCHDOG=1', systemd.messages.indexOf(first) + 1);

    await service.stop();
    assert.ok(stopped && stoppingSeenFirst);
    const fields = systemd.messages.map((m) => m.fields[0]);
    assert.is(fields[0], 'READY=1');
    assert.is(fields.at(-1), 'STOPPING=1');
    assert.ok(fields.slice(1, -1).every((f) => f === 'WATCHDOG=1'), fields.join(' '));
    // A second stop (SIGTERM after Ctrl-C) is the same stop.
    await service.stop();
    assert.is(systemd.messages.filter((m) => m.fields.includes('STOPPING=1')).length, 1);
  } finally {
    await systemd.stop();
  }
});

test('a missing systemd-notify is logged, never thrown', async () => {
  const errors: string[] = [];
  const logger = Object.assign(silentLogger(), { error: (_o: unknown, msg: string) => errors.push(msg) });
  const notifier = serviceNotifier({ env: { NOTIFY_SOCKET: '/nonexistent/notify', PATH: process.env.PATH }, command: 'scanpos-no-such-systemd-notify', logger });
  assert.ok(notifier);
  await notifier!.ready('running');
  await notifier!.stopping();
  await notifier!.close();
  assert.is(errors.length, 1);
  assert.match(errors[0]!, /systemd-notify/);
});

test.run();
