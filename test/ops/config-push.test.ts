// Config pushed by ops, on a whole terminal with simulated devices: what is
// applied and when, what is refused and why, and what survives a restart.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { freshPayCode } from '../../scripts/host/demo-orders.ts';
import { generateOpsKeyPair } from '../../src/ops/envelope.ts';
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
  withTerminal(async (t) => {
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

test('a device setting is applied, then the terminal restarts itself with it', async () => {
  const dir = tempDir();
  const restarts: string[] = [];
  let t = await TestTerminal.start(opsConfig(dir), undefined, { onRestart: (reason) => restarts.push(reason) });
  try {
    await t.see(/TT01 ONLINE/);
    const report = await push(t, configPush(TID, 2, { printer: { columns: 42 } }));
    assert.is(report.status, 'applied');
    await waitFor(() => restarts[0], 'a restart asked for');
    assert.match(restarts[0]!, /printer\.columns/);
    await t.stop();
    t = await TestTerminal.start(opsConfig(dir), undefined, { onRestart: (reason) => restarts.push(reason) });
    await t.see(/TT01 ONLINE/);
    assert.is(t.running.ops.config.version(), 2);
    assert.is(restarts.length, 1, 'applied once: no second restart');
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
