// Ops over a real broker, on every broker: a config pushed as a retained
// signed envelope, delivered again at each reconnect; broker settings that
// work and that do not; a push kept across a restart; a command answered.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { e2eBrokers, type Broker } from '../support/brokers.ts';
import { TestTerminal, tempDir } from '../support/terminal.ts';
import { startCable, type Cable } from '../../scripts/simulator/cable.ts';
import { startHost } from '../../scripts/host/start.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { signEnvelope } from '../../src/ops/envelope.ts';
import type { CommandResult, ConfigReport } from '../../src/ops/payloads.ts';
import { Cleanup, TID, plainClient, terminalConfig, withBroker, within } from './stack.ts';
import { KEY, command, configPush, security } from '../ops/support.ts';
import { rmSync } from 'node:fs';

const test = suite('e2e: ops config and commands over MQTT');
const BASE = `pos/${TID}`;
const TRIAL_MS = 1500;

interface OpsStack {
  url: string;
  cable: Cable;
  cleanup: Cleanup;
  ops: MqttClient;
  /** Messages on config/reported, cmd/res and status, in order. */
  seen: Array<{ topic: string; body: Record<string, unknown> }>;
  start(): Promise<TestTerminal>;
}

async function withOps(broker: Broker, body: (s: OpsStack) => Promise<void>): Promise<void> {
  await withBroker(broker, async (running, cleanup) => {
    const dir = tempDir();
    const hostDir = tempDir();
    cleanup.add(async () => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(hostDir, { recursive: true, force: true });
    }, 'removing the data folders');
    const host = await startHost({ url: running.url, logger: silentLogger(), dataDir: hostDir });
    cleanup.add(() => host.stop(), 'the host stopping');
    const cable = await startCable({ host: '127.0.0.1', port: running.port });
    cleanup.add(() => cable.stop(), 'the cable stopping');
    const ops = await plainClient(running.url, cleanup);
    const seen: OpsStack['seen'] = [];
    ops.on('message', (topic, payload) => seen.push({ topic: topic.slice(BASE.length + 1), body: JSON.parse(payload.toString()) as Record<string, unknown> }));
    await ops.subscribeAsync([`${BASE}/config/reported`, `${BASE}/cmd/res`, `${BASE}/status`], { qos: 1 });
    const config = { ...terminalConfig(dir, cable.url) };
    config.security = { ...config.security, ...security() };
    let current: TestTerminal | undefined;
    cleanup.add(async () => current?.stop(), 'the terminal stopping');
    await body({
      url: running.url,
      cable,
      cleanup,
      ops,
      seen,
      async start() {
        await current?.stop();
        current = await TestTerminal.start(config, undefined, { onRestart: () => undefined, ops: { brokerTrialMs: TRIAL_MS } });
        await current.see(new RegExp(`${TID} ONLINE`));
        // Commands are refused until the clock has been checked with the host.
        const started = current;
        await within(
          (async () => {
            while (!started.running.terminal.clockCheck.checked()) await new Promise((r) => setTimeout(r, 10));
          })(),
          5000,
          'the clock checked with the host',
        );
        return current;
      },
    });
  });
}

const reportsIn = (s: OpsStack) => s.seen.filter((m) => m.topic === 'config/reported').map((m) => m.body as unknown as ConfigReport);

async function nextReport(s: OpsStack, from: number, what: string, ms = 5000): Promise<ConfigReport> {
  return within(
    (async () => {
      for (;;) {
        const found = reportsIn(s)[from];
        if (found) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
    })(),
    ms,
    () => `${what}: no config report (saw ${JSON.stringify(reportsIn(s))})`,
  );
}

/** What ops do: the signed envelope, retained on config/desired. */
async function pushRetained(s: OpsStack, payload: Record<string, unknown>): Promise<void> {
  await s.ops.publishAsync(`${BASE}/config/desired`, JSON.stringify(signEnvelope(payload, KEY)), { qos: 1, retain: true });
}

for (const broker of e2eBrokers()) {
  test(`${broker.name}: a retained push is applied, re-reported applied at every reconnect, and the status carries its version`, () =>
    withOps(broker, async (s) => {
      const t = await s.start();
      await pushRetained(s, configPush(TID, 7, { receipt: { header: ['E2E SHOP'] } }));
      const applied = await nextReport(s, 0, 'applied');
      assert.equal([applied.status, applied.version], ['applied', 7]);
      s.cable.drop();
      await t.see(/OFFLINE/);
      s.cable.restore();
      await t.see(new RegExp(`${TID} ONLINE`), 5000);
      const again = await nextReport(s, 1, 're-reported after the reconnect');
      assert.equal([again.status, again.version], ['applied', 7]);
      assert.is(t.running.ops.config.version(), 7);
      const statuses = s.seen.filter((m) => m.topic === 'status' && m.body.state === 'online');
      assert.is(statuses.at(-1)?.body.configVersion, 7);
    }));

  test(`${broker.name}: a push kept across a restart between receipt and apply is applied once, its version kept`, () =>
    withOps(broker, async (s) => {
      let t = await s.start();
      t.keys('2 2026000000000001 [OK]');
      await t.see(/Left: /);
      await pushRetained(s, configPush(TID, 12, { receipt: { header: ['AFTER RESTART'] } }));
      const deferred = await nextReport(s, 0, 'deferred');
      assert.equal([deferred.status, deferred.version], ['deferred', 12]);
      t = await s.start(); // stopped in the middle of the refund, started again
      const applied = await nextReport(s, 1, 'applied after the restart');
      assert.equal([applied.status, applied.version], ['applied', 12]);
      assert.equal(t.running.terminal.machine.ctx.receipt.header, ['AFTER RESTART']);
      t = await s.start();
      await t.running.ops.config.idle();
      assert.is(t.running.ops.config.version(), 12);
      for (const r of reportsIn(s).slice(1)) assert.equal([r.status, r.version], ['applied', 12], 'never anything but applied 12');
    }));

  test(`${broker.name}: new broker settings that work are kept; settings that cannot connect are rolled back and the terminal stays connected`, () =>
    withOps(broker, async (s) => {
      const t = await s.start();
      const second = await startCable({ host: '127.0.0.1', port: Number(new URL(s.url).port) });
      s.cleanup.add(() => second.stop(), 'the second cable stopping');
      await pushRetained(s, configPush(TID, 2, { mqtt: { url: second.url } }));
      const moved = await nextReport(s, 0, 'applied on the new broker settings');
      assert.equal([moved.status, moved.version], ['applied', 2]);
      s.cable.drop(); // the old way in is gone: the terminal is on the new one
      assert.is(t.running.devices.link.status().connected, true);
      await t.see(new RegExp(`${TID} ONLINE`));

      const dead = await startCable({ host: '127.0.0.1', port: 1 });
      dead.drop();
      s.cleanup.add(() => dead.stop(), 'the dead cable stopping');
      const from = reportsIn(s).length;
      await pushRetained(s, configPush(TID, 3, { mqtt: { url: dead.url }, receipt: { header: ['NEVER'] } }));
      const rolled = await within(
        (async () => {
          for (;;) {
            const r = reportsIn(s).slice(from).find((x) => x.status !== 'applied');
            if (r) return r;
            await new Promise((res) => setTimeout(res, 20));
          }
        })(),
        TRIAL_MS + 5000,
        'rolled back',
      );
      assert.equal([rolled.status, rolled.version, rolled.reason], ['rolled_back', 3, 'broker_unreachable']);
      await t.see(new RegExp(`${TID} ONLINE`), 5000);
      assert.is(t.running.devices.link.status().connected, true);
      assert.is(t.running.ops.config.version(), 2);
      assert.equal(t.running.terminal.machine.ctx.receipt.header, []);
    }));

  test(`${broker.name}: broker settings naming a CA file that cannot be read are rolled back at once; the terminal stays connected and reachable`, () =>
    withOps(broker, async (s) => {
      const t = await s.start();
      const from = s.seen.length;
      await pushRetained(s, configPush(TID, 2, { mqtt: { ca: '/etc/ssl/certs/our-ca.pme' }, receipt: { header: ['NEVER'] } }));
      const rolled = await nextReport(s, 0, 'rolled back');
      const left = s.seen.slice(from).filter((m) => m.topic === 'status' && m.body.state !== 'online');
      assert.equal(left, [], 'the terminal never left its broker');
      assert.equal([rolled.status, rolled.version, rolled.reason], ['rolled_back', 2, 'broker_unreachable']);
      assert.match(rolled.detail ?? '', /our-ca\.pme/);
      assert.is(t.running.devices.link.status().connected, true);
      assert.equal(t.running.terminal.machine.ctx.receipt.header, []);
      // Still reachable by ops: a command is answered.
      const { cmd, answer } = await statusCommand(s);
      assert.equal([answer.id, answer.ok], [cmd.id, true]);
    }));

  test(`${broker.name}: a command is answered on cmd/res`, () =>
    withOps(broker, async (s) => {
      await s.start();
      const { cmd, answer } = await statusCommand(s);
      assert.equal([answer.id, answer.ok], [cmd.id, true]);
      assert.is((answer.result as { state: string }).state, 'online');
    }));
}

/** Ops send a signed `status` command; resolves with it and the terminal's answer on cmd/res. */
async function statusCommand(s: OpsStack): Promise<{ cmd: ReturnType<typeof command>; answer: CommandResult }> {
  const cmd = command(TID, 'status');
  await s.ops.publishAsync(`${BASE}/cmd`, JSON.stringify(signEnvelope(cmd, KEY)), { qos: 1 });
  const answer = await within(
    (async () => {
      for (;;) {
        const m = s.seen.find((x) => x.topic === 'cmd/res');
        if (m) return m.body as unknown as CommandResult;
        await new Promise((r) => setTimeout(r, 10));
      }
    })(),
    3000,
    'a command answer',
  );
  return { cmd, answer };
}

test.run();
