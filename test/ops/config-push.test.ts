// Config pushed by ops, on a whole terminal with simulated devices: what is
// applied and when, what is refused and why, and what survives a restart.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { freshPayCode } from '../../scripts/host/demo-orders.ts';
import { generateOpsKeyPair } from '../../src/ops/envelope.ts';
import type { SimHost } from '../../hal/network/sim.ts';
import { isBusy } from '../../screens/machine.ts';
import { systemClock } from '../../src/runtime/clock.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { inProcessHost } from '../../src/runtime/sim-host.ts';
import { TestTerminal, refundByKeys, tempDir } from '../support/terminal.ts';
import { configPush, configVersion, envelopeBytes, events, opsConfig, push, pushRaw, reports, security, waitFor } from './support.ts';

const test = suite('ops: config push (simulated link)');
const TID = 'TT01';
const ORDER = '2026000000000001';
const wechat = () => freshPayCode({ channel: 'wechat' });

async function withTerminal(body: (t: TestTerminal, dir: string) => Promise<void>, brokerTrialMs?: number): Promise<void> {
  const dir = tempDir();
  const t = await TestTerminal.start(opsConfig(dir), undefined, { onRestart: () => undefined, ...(brokerTrialMs ? { ops: { brokerTrialMs } } : {}) });
  try {
    await t.see(/TT01 ONLINE/);
    await body(t, dir);
  } finally {
    await t.stop();
  }
}

/** A refund approved with the keys, back on the home screen; its customer copy. */
async function refundReceipt(t: TestTerminal): Promise<string> {
  const before = t.devices.printer!.printed().length;
  await refundByKeys(t, ORDER, '100', wechat());
  await t.see(/Refund: APPROVED/);
  await t.running.terminal.settled();
  t.keys('[OK]');
  await t.see(/TT01 ONLINE/);
  const printed = t.devices.printer!.printed().slice(before);
  return printed.map((p) => p.text).join('\n');
}

test('a valid push is stored, applied at once on an idle terminal, reported applied; the next receipt has its header; status carries the version', () =>
  withTerminal(async (t) => {
    assert.is(configVersion(t), null);
    const report = await push(t, configPush(TID, 7, { receipt: { header: ['CORNER SHOP 42'] }, ui: { idleTimeoutMs: 30_000 } }));
    assert.is(report.status, 'applied');
    assert.is(report.version, 7);
    assert.is(report.v, 1);
    assert.is(configVersion(t), 7);
    assert.is(t.running.terminal.machine.ctx.idleTimeoutMs, 30_000);
    // The retained status (ops' fleet view) carries the new version at once.
    const status = await waitFor(() => t.devices.link!.published().filter((m) => m.topic === 'status').at(-1), 'a status');
    assert.is((status.payload as { configVersion: number }).configVersion, 7);
    const receipt = await refundReceipt(t);
    assert.match(receipt, /CORNER SHOP 42/);
  }));

test('a live locale change redraws the screens in the new language', () =>
  withTerminal(async (t) => {
    const report = await push(t, configPush(TID, 1, { terminal: { locale: 'zh-CN' } }));
    assert.is(report.status, 'applied');
    await t.see(/在线/);
  }));

test('a PIN hash pushed live: a terminal without a supervisor PIN takes refunds with the new one', async () => {
  const dir = tempDir();
  const t = await TestTerminal.start(opsConfig(dir, { security: { opsPublicKeys: security().opsPublicKeys } }), undefined, { onRestart: () => undefined });
  try {
    await t.see(/TT01 ONLINE/);
    t.keys('2');
    await t.see(/no supervisor PIN is provisioned/);
    t.keys('[CANCEL]');
    await t.see(/TT01 ONLINE/);
    const report = await push(t, configPush(TID, 1, { security: { supervisorPinHash: security().supervisorPinHash, pinMaxTries: 5 } }));
    assert.is(report.status, 'applied');
    await refundByKeys(t, ORDER, '100', wechat());
    await t.see(/Refund: APPROVED/);
  } finally {
    await t.stop();
  }
});

test('each refusal is reported with its reason (and as a config_rejected event); nothing of it is applied', () =>
  withTerminal(async (t, dir) => {
    assert.is((await push(t, configPush(TID, 5, { receipt: { header: ['V5'] } }))).status, 'applied');
    const header = () => t.running.terminal.machine.ctx.receipt.header;
    const other = generateOpsKeyPair();
    const cases: Array<[string, () => Promise<{ status: string; reason?: string; version: number | null }>, string, number | null]> = [
      ['bad signature', () => push(t, configPush(TID, 6, { receipt: { header: ['BAD'] } }), { keyId: 'ops-test', privateKey: other.privateKey }), 'bad_signature', 6],
      ['unknown key', () => push(t, configPush(TID, 6, { receipt: { header: ['BAD'] } }), { keyId: 'ops-stolen', privateKey: other.privateKey }), 'unknown_key', 6],
      ['another target', () => push(t, configPush('TT99', 6, { receipt: { header: ['BAD'] } })), 'other_target', 6],
      ['expired', () => push(t, configPush(TID, 6, { receipt: { header: ['BAD'] } }, { expiresAt: new Date(Date.now() - 1000).toISOString() })), 'expired', 6],
      ['version below the applied one', () => push(t, configPush(TID, 4, { receipt: { header: ['BAD'] } })), 'version_too_low', 4],
      ['the applied version with other contents', () => push(t, configPush(TID, 5, { receipt: { header: ['BAD'] } })), 'version_too_low', 5],
      ['schema error', () => push(t, configPush(TID, 6, { receipt: { header: ['BAD'] }, ui: { idleTimeoutMs: -1 } })), 'schema_error', 6],
      ['misspelt key', () => push(t, configPush(TID, 6, { receipt: { haeder: ['BAD'] } })), 'schema_error', 6],
      ['ops keys changed over MQTT', () => push(t, configPush(TID, 6, { security: { opsPublicKeys: [{ keyId: 'x', publicKey: other.publicKey }] } })), 'local_only', 6],
      ['terminal id changed over MQTT', () => push(t, configPush(TID, 6, { terminal: { id: 'TT02' } })), 'local_only', 6],
      ['not a config push', () => push(t, { target: TID, version: 6 }), 'malformed', 6],
      ['a display path outside /dev/ (it would be opened for writing)', () => push(t, configPush(TID, 6, { display: { driver: 'tty', path: `${dir}/ops-config.json` } })), 'schema_error', 6],
      ['a printer path climbing out of /dev/', () => push(t, configPush(TID, 6, { printer: { path: '/dev/../etc/passwd' } })), 'schema_error', 6],
      ['a scanner path relative to the storage folder', () => push(t, configPush(TID, 6, { scanner: { driver: 'serial', path: 'state.0.journal' } })), 'schema_error', 6],
      ['a __proto__ key', () => push(t, configPush(TID, 6, JSON.parse('{"receipt": {"header": ["BAD"]}, "__proto__": {"receipt": {"footer": ["X"]}}}') as Record<string, unknown>)), 'schema_error', 6],
      ['a constructor key deep inside', () => push(t, configPush(TID, 6, { receipt: { header: ['BAD'] }, limits: { constructor: { prototype: { x: 1 } } } })), 'schema_error', 6],
      ['oversize', () => pushRaw(t, envelopeBytes(configPush(TID, 6, { receipt: { header: ['x'.repeat(70 * 1024)] } }))), 'oversize', null],
      ['malformed JSON', () => pushRaw(t, Buffer.from('{"v":1,"keyId":')), 'malformed', null],
    ];
    for (const [what, send, reason, version] of cases) {
      const before = events(t).length;
      const report = await send();
      assert.is(report.status, 'rejected', what);
      assert.is(report.reason, reason, what);
      assert.is(report.version, version, what);
      const event = await waitFor(() => events(t).slice(before).find((e) => e.type === 'config_rejected'), `${what}: config_rejected event`);
      assert.is(event.reason, reason, what);
      assert.is(configVersion(t), 5, what);
      assert.equal(header(), ['V5'], what);
    }
  }));

test('the applied envelope delivered again (as the broker does at reconnect) is re-reported applied, not applied again', () =>
  withTerminal(async (t) => {
    const bytes = envelopeBytes(configPush(TID, 3, { receipt: { header: ['AGAIN'] } }));
    assert.is((await pushRaw(t, bytes)).status, 'applied');
    const again = await pushRaw(t, bytes);
    assert.is(again.status, 'applied');
    assert.is(again.version, 3);
    assert.is(configVersion(t), 3);
  }));

test('pushes add up: a later patch keeps what an earlier one set', () =>
  withTerminal(async (t) => {
    await push(t, configPush(TID, 1, { receipt: { header: ['FIRST'] } }));
    await push(t, configPush(TID, 2, { offline: { maxCount: 3 } }));
    assert.equal(t.running.terminal.machine.ctx.receipt.header, ['FIRST']);
    assert.is(configVersion(t), 2);
  }));

test('a push during a refund is deferred, the refund finishes under the old config, then it is applied', () =>
  withTerminal(async (t) => {
    t.keys(`2 ${ORDER} [OK]`);
    await t.see(/Left: /);
    const deferred = await push(t, configPush(TID, 9, { receipt: { header: ['AFTER REFUND'] } }));
    assert.is(deferred.status, 'deferred');
    assert.is(deferred.version, 9);
    assert.is(configVersion(t), null);
    // Carry the refund through: its receipts are printed with the config it started with.
    t.keys('[OK] 246810 [OK]');
    await t.see(/Refund amount: /);
    t.keys('100 [OK]');
    await t.see(/Scan the customer/);
    t.scan(wechat());
    await t.see(/Confirm/);
    t.keys('[OK]');
    await t.see(/Refund: APPROVED/);
    await t.running.terminal.settled();
    assert.not.match(t.devices.printer!.printed().map((p) => p.text).join('\n'), /AFTER REFUND/);
    assert.is(configVersion(t), null, 'not applied while the result is on screen');
    t.keys('[OK]');
    await t.see(/TT01 ONLINE/);
    const applied = await waitFor(() => reports(t).find((r) => r.status === 'applied'), 'applied after the refund');
    assert.is(applied.version, 9);
    assert.match(await refundReceipt(t), /AFTER REFUND/);
  }));

test("a second push while the first waits: the newer is applied, with the older one's settings", () =>
  withTerminal(async (t) => {
    t.keys(`2 ${ORDER} [OK]`);
    await t.see(/Left: /);
    assert.is((await push(t, configPush(TID, 20, { receipt: { header: ['OLDER'] } }))).status, 'deferred');
    assert.is((await push(t, configPush(TID, 21, { ui: { scanTimeoutMs: 45_000 } }))).status, 'deferred');
    assert.is((await push(t, configPush(TID, 20, { receipt: { header: ['STALE'] } }))).reason, 'version_too_low');
    t.keys('[CANCEL][CANCEL]');
    const applied = await waitFor(() => reports(t).find((r) => r.status === 'applied'), 'applied once idle');
    assert.is(applied.version, 21);
    assert.equal(t.running.terminal.machine.ctx.receipt.header, ['OLDER']);
    assert.is(t.running.terminal.machine.ctx.scanTimeoutMs, 45_000);
  }));

test('restarted between receipt and apply: the pending push is applied once at the next start, its version kept', async () => {
  const dir = tempDir();
  let t = await TestTerminal.start(opsConfig(dir), undefined, { onRestart: () => undefined });
  try {
    await t.see(/TT01 ONLINE/);
    t.keys(`2 ${ORDER} [OK]`);
    await t.see(/Left: /);
    assert.is((await push(t, configPush(TID, 11, { receipt: { header: ['KEPT'] } }))).status, 'deferred');
    await t.stop(); // the power goes in the middle of the refund

    t = await TestTerminal.start(opsConfig(dir), undefined, { onRestart: () => undefined });
    await t.see(/TT01 ONLINE/);
    const applied = await waitFor(() => reports(t).find((r) => r.status === 'applied'), 'applied at start');
    assert.is(applied.version, 11);
    assert.is(configVersion(t), 11);
    assert.equal(t.running.terminal.machine.ctx.receipt.header, ['KEPT']);
    await t.stop();

    t = await TestTerminal.start(opsConfig(dir), undefined, { onRestart: () => undefined });
    await t.see(/TT01 ONLINE/);
    await t.running.ops.config.idle();
    assert.is(configVersion(t), 11, 'the version is kept');
    assert.equal(t.running.terminal.machine.ctx.receipt.header, ['KEPT'], 'layered over the local file at start');
    assert.equal(reports(t), [], 'nothing applied again');
  } finally {
    await t.stop();
  }
});

test('a device setting is tried by a restart: deferred (restart), then applied once the terminal has started with it', async () => {
  const dir = tempDir();
  const restarts: string[] = [];
  let t = await TestTerminal.start(opsConfig(dir), undefined, { onRestart: (reason) => restarts.push(reason) });
  try {
    await t.see(/TT01 ONLINE/);
    const bytes = envelopeBytes(configPush(TID, 2, { printer: { columns: 42 } }));
    const report = await pushRaw(t, bytes);
    assert.equal([report.status, report.reason, report.version], ['deferred', 'restart', 2]);
    await waitFor(() => restarts[0], 'a restart asked for');
    assert.match(restarts[0]!, /printer\.columns/);
    assert.is(configVersion(t), null, 'not applied before the terminal has started with it');
    await t.stop();
    t = await TestTerminal.start(opsConfig(dir), undefined, { onRestart: (reason) => restarts.push(reason) });
    await t.see(/TT01 ONLINE/);
    const applied = await waitFor(() => reports(t).find((r) => r.status === 'applied'), 'applied once started');
    assert.is(applied.version, 2);
    assert.is(configVersion(t), 2);
    assert.is((await pushRaw(t, bytes)).status, 'applied', 'its envelope delivered again');
    await t.stop();
    t = await TestTerminal.start(opsConfig(dir), undefined, { onRestart: (reason) => restarts.push(reason) });
    await t.see(/TT01 ONLINE/);
    await t.running.ops.config.idle();
    assert.is(configVersion(t), 2, 'kept');
    assert.is(restarts.length, 1, 'applied once: no second restart');
  } finally {
    await t.stop();
  }
});

test('a device path with a typo: the start that tries it fails; the next one is back on the previous config and reports rolled_back (start_failed)', async () => {
  const dir = tempDir();
  const restarts: string[] = [];
  const start = () => TestTerminal.start(opsConfig(dir), undefined, { onRestart: (reason) => restarts.push(reason) });
  let t = await start();
  try {
    await t.see(/TT01 ONLINE/);
    assert.is((await push(t, configPush(TID, 2, { receipt: { header: ['KEPT'] } }))).status, 'applied');
    const bytes = envelopeBytes(configPush(TID, 3, { display: { driver: 'tty', path: '/dev/no-such-dir/tty1' }, receipt: { header: ['WITH THE TYPO'] } }));
    assert.equal((await pushRaw(t, bytes)).status, 'deferred');
    await waitFor(() => restarts[0], 'a restart asked for');
    await t.stop();
    // The service manager starts it: the display cannot be opened.
    try {
      await start();
      assert.unreachable('the trial start should fail');
    } catch (err) {
      assert.match((err as Error).message, /cannot open display \/dev\/no-such-dir\/tty1/);
    }
    // And starts it again: back on version 2.
    t = await start();
    await t.see(/TT01 ONLINE/);
    const rolled = await waitFor(() => reports(t).find((r) => r.status === 'rolled_back'), 'rolled back');
    assert.equal([rolled.version, rolled.reason], [3, 'start_failed']);
    assert.match(rolled.detail ?? '', /cannot open display/);
    assert.is(configVersion(t), 2);
    assert.equal(t.running.terminal.machine.ctx.receipt.header, ['KEPT']);
    // Delivered again at a reconnect: the same answer, no second trial.
    const again = await pushRaw(t, bytes);
    assert.equal([again.status, again.reason], ['rolled_back', 'start_failed']);
    assert.is(restarts.length, 1);
    await t.stop();
    t = await start();
    await t.see(/TT01 ONLINE/);
    assert.is(configVersion(t), 2, 'still on the previous config');
  } finally {
    await t.stop();
  }
});

test('broker settings naming a TLS file that cannot be read: rolled back at once, the terminal never leaves its broker', () =>
  withTerminal(async (t, dir) => {
    const link = t.devices.link!;
    const before = link.reconfigurations().length;
    const bytes = envelopeBytes(configPush(TID, 4, { mqtt: { ca: `${dir}/our-ca.pme` }, receipt: { header: ['NOT WITHOUT ITS BROKER'] } }));
    const report = await pushRaw(t, bytes);
    assert.equal([report.status, report.reason, report.version], ['rolled_back', 'broker_unreachable', 4]);
    assert.match(report.detail ?? '', /our-ca\.pme/);
    assert.is(link.status().connected, true);
    assert.is(link.reconfigurations().length, before, 'the link was never moved');
    assert.is(configVersion(t), null);
    assert.equal(t.running.terminal.machine.ctx.receipt.header, []);
    assert.is((await pushRaw(t, bytes)).status, 'rolled_back', 'delivered again: the same answer');
  }));

test('a transaction started while new broker settings are on trial: the push waits for its end before anything is applied', async () => {
  const dir = tempDir();
  const restarts: Array<[string, boolean]> = [];
  const t: TestTerminal = await TestTerminal.start(opsConfig(dir), undefined, { onRestart: (reason) => restarts.push([reason, isBusy(t.running.terminal.machine)]), ops: { brokerTrialMs: 5000 } });
  try {
    await t.see(/TT01 ONLINE/);
    t.keys(`2 ${ORDER} [OK]`);
    await t.see(/Left: /);
    t.keys('[CANCEL][CANCEL]');
    await t.see(/TT01 ONLINE/);
    const link = t.devices.link!;
    const NEW = 'mqtt://new-broker:1883';
    link.unreachable(NEW); // slow to come up
    link.deliver('config/desired', envelopeBytes(configPush(TID, 3, { mqtt: { url: NEW }, receipt: { header: ['MID-TXN'] }, printer: { columns: 42 } })));
    await waitFor(() => (link.status().connected ? undefined : true), 'the link on trial');
    t.keys(`2 ${ORDER} [OK]`); // the merchant starts a refund meanwhile (the order is cached)
    await t.see(/Left: /);
    link.restore(); // the new broker is up
    const deferred = await waitFor(() => reports(t).find((r) => r.status === 'deferred'), 'deferred until the refund ends', 8000);
    assert.equal([deferred.version, deferred.reason], [3, 'busy']);
    assert.ok(isBusy(t.running.terminal.machine));
    assert.equal(t.running.terminal.machine.ctx.receipt.header, [], 'nothing applied under the refund');
    assert.equal(restarts, []);
    t.keys('[CANCEL][CANCEL]');
    await t.see(/TT01 ONLINE/);
    const next = await waitFor(() => reports(t).find((r) => r.status === 'deferred' && r.reason === 'restart'), 'tried by a restart once idle');
    assert.is(next.version, 3);
    const [reason, busy] = await waitFor(() => restarts[0], 'a restart');
    assert.match(reason, /printer\.columns/);
    assert.is(busy, false, 'never in the middle of a transaction');
  } finally {
    await t.stop();
  }
});

test("a retained push is judged on the host's clock, not on a board clock days behind: held until the clock is checked, then rejected as expired", async () => {
  const BEHIND = 3 * 24 * 3600_000;
  const DAY = 24 * 3600_000;
  let timeAnswered = false;
  const inner = await inProcessHost({ logger: silentLogger(), now: () => new Date() });
  const host: SimHost = (request) =>
    request.method === 'time.get' && !timeAnswered ? Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'no time yet' } }) : inner(request);
  const clock = { now: () => Date.now() - BEHIND, every: systemClock.every };
  const t = await TestTerminal.start(opsConfig(tempDir()), host, { clock, onRestart: () => undefined });
  try {
    await t.see(/TT01 ONLINE/);
    const link = t.devices.link!;
    const expired = configPush(TID, 5, { receipt: { header: ['EXPIRED PUSH'] } }, { issuedAt: new Date(Date.now() - 2 * DAY).toISOString(), expiresAt: new Date(Date.now() - DAY).toISOString() });
    link.deliver('config/desired', envelopeBytes(expired));
    await t.running.ops.config.idle();
    assert.equal(reports(t), [], 'held: nothing said, nothing applied');
    assert.is(configVersion(t), null);
    timeAnswered = true;
    link.drop(); // the next connect checks the clock
    link.restore();
    const report = await waitFor(() => reports(t)[0], 'judged once the clock is checked');
    assert.equal([report.status, report.reason, report.version], ['rejected', 'expired', 5]);
    assert.is(configVersion(t), null);
    assert.equal(t.running.terminal.machine.ctx.receipt.header, []);
  } finally {
    await t.stop();
  }
});

test('new broker settings that never connect are rolled back; the terminal is connected again on the old ones', () =>
  withTerminal(async (t) => {
    const link = t.devices.link!;
    const before = link.reconfigurations().length;
    link.unreachable('mqtt://10.255.255.1:1883');
    const bytes = envelopeBytes(configPush(TID, 4, { mqtt: { url: 'mqtt://10.255.255.1:1883' }, receipt: { header: ['NOT WITHOUT ITS BROKER'] } }));
    const report = await pushRaw(t, bytes);
    assert.is(report.status, 'rolled_back');
    assert.is(report.reason, 'broker_unreachable');
    assert.is(report.version, 4);
    await waitFor(() => (link.status().connected ? true : undefined), 'connected again');
    assert.equal(link.reconfigurations().slice(before).map((s) => s.url), ['mqtt://10.255.255.1:1883', t.config.mqtt.url]);
    assert.is(configVersion(t), null);
    assert.equal(t.running.terminal.machine.ctx.receipt.header, [], 'nothing of the push applied');
    // Delivered again at the next reconnect: the same answer, no second trial.
    assert.is((await pushRaw(t, bytes)).status, 'rolled_back');
    assert.is(link.reconfigurations().length, before + 2);
  }, 300));

test.run();
