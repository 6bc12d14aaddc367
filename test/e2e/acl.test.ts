// The broker ACL of config/examples (mosquitto.conf + mosquitto.acl) on a
// real mosquitto: a terminal's credentials reach its own topics only; only the
// host answers requests; only ops push config and commands, and a terminal
// never reads another's config (it may carry PIN hashes).
//
// "Refused" on MQTT 3.1.1 is silence: mosquitto acknowledges a refused
// publish and drops it. So every check sends the forbidden message first and
// then an allowed one (a sentinel) that the same watcher must get: once the
// sentinel is in, the forbidden message would have been too.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { connectAsync, type MqttClient } from 'mqtt';
import { skipBecause } from '../support/skip.ts';
import { rmSync } from 'node:fs';
import { HostStore } from '../../scripts/host/store.ts';
import { HostService } from '../../scripts/host/service.ts';
import { MqttHost } from '../../scripts/host/mqtt-host.ts';
import { demoOrders, freshPayCode } from '../../scripts/host/demo-orders.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { TestTerminal, refundByKeys, simConfig, tempDir } from '../support/terminal.ts';
import { exampleBrokerMissing, startExampleBroker, type ExampleBroker } from './mosquitto-example.ts';

const test = suite('e2e: the example broker ACL');

const USERS = { T1: 'pw-T1', T2: 'pw-T2', 'host.acquirer': 'pw-host', 'ops.fleet': 'pw-ops' };
type User = keyof typeof USERS;

interface Watcher {
  client: MqttClient;
  got: { topic: string; payload: string; retain: boolean }[];
  /** Resolves when a message with this payload (or one `payload` accepts) has arrived. */
  waitFor(payload: string | ((m: Watcher['got'][number]) => boolean)): Promise<void>;
}

const missing = exampleBrokerMissing();
if (missing) skipBecause(`the broker ACL tests did not run: ${missing}`);

let broker: ExampleBroker;
const clients: MqttClient[] = [];
let serial = 0;

async function login(user: User, options: { clientId?: string } = {}): Promise<Watcher> {
  const terminal = user.startsWith('T');
  const client = await connectAsync(terminal ? broker.terminalUrl : broker.serviceUrl, {
    username: user,
    password: USERS[user],
    clientId: options.clientId ?? (terminal ? user : `${user}-${++serial}`),
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  clients.push(client);
  const got: Watcher['got'] = [];
  const waiters = new Set<() => void>();
  client.on('message', (topic, payload, packet) => {
    got.push({ topic, payload: payload.toString(), retain: packet.retain });
    for (const w of [...waiters]) w();
  });
  return {
    client,
    got,
    waitFor(payload) {
      const wanted = typeof payload === 'string' ? (m: Watcher['got'][number]) => m.payload === payload : payload;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${user} never got ${typeof payload === 'string' ? `"${payload}"` : 'what it waited for'} (got ${JSON.stringify(got)})`)), 5000);
        const check = () => {
          if (!got.some(wanted)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

const publish = (w: Watcher, topic: string, payload: string, retain = false) => w.client.publishAsync(topic, payload, { qos: 1, retain });
const payloads = (w: Watcher) => w.got.map((m) => m.payload);

test.before.each(async () => {
  if (missing) return;
  broker = await startExampleBroker(USERS);
});

test.after.each(async () => {
  if (missing) return;
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
  await broker.stop();
});

test('terminal T1 cannot publish on T2\'s topics: ops and the host see only T2\'s own messages', async () => {
  if (missing) return;
  const ops = await login('ops.fleet');
  const host = await login('host.acquirer');
  await ops.client.subscribeAsync(['pos/+/status', 'pos/+/events', 'pos/+/config/reported'], { qos: 1 });
  await host.client.subscribeAsync('pos/+/rpc/req', { qos: 1 });
  const t1 = await login('T1');
  const t2 = await login('T2');
  await publish(t1, 'pos/T2/status', 'forged status', true);
  await publish(t1, 'pos/T2/events', 'forged event');
  await publish(t1, 'pos/T2/config/reported', 'forged report', true);
  await publish(t1, 'pos/T2/rpc/req', 'forged request');
  await publish(t2, 'pos/T2/events', 'T2 event');
  await publish(t2, 'pos/T2/rpc/req', 'T2 request');
  await ops.waitFor('T2 event');
  await host.waitFor('T2 request');
  assert.equal(payloads(ops), ['T2 event']);
  assert.equal(payloads(host), ['T2 request']);
  // Nor did a forged retained status stay for whoever looks later.
  const later = await login('ops.fleet');
  await publish(t2, 'pos/T2/status', 'T2 online', true);
  await later.client.subscribeAsync('pos/T2/status', { qos: 1 });
  await later.waitFor('T2 online');
  assert.equal(payloads(later), ['T2 online']);
});

test('a terminal can publish its own topics, and the host and ops get them', async () => {
  if (missing) return;
  const ops = await login('ops.fleet');
  const host = await login('host.acquirer');
  await ops.client.subscribeAsync(['pos/+/status', 'pos/+/selftest', 'pos/+/cmd/res'], { qos: 1 });
  // Several host processes share the requests (PROTOCOL.md).
  await host.client.subscribeAsync('$share/host/pos/+/rpc/req', { qos: 1 });
  const t1 = await login('T1');
  await publish(t1, 'pos/T1/status', 'online', true);
  await publish(t1, 'pos/T1/selftest', 'selftest');
  await publish(t1, 'pos/T1/cmd/res', 'cmd res');
  await publish(t1, 'pos/T1/rpc/req', 'request');
  await host.waitFor('request');
  await ops.waitFor('cmd res');
  assert.equal(payloads(ops), ['online', 'selftest', 'cmd res']);
});

test('terminal T1 cannot publish config/desired, cmd or rpc/res, not even its own', async () => {
  if (missing) return;
  const ops = await login('ops.fleet');
  const t1 = await login('T1');
  await ops.client.subscribeAsync('pos/+/config/desired', { qos: 1 });
  await t1.client.subscribeAsync(['pos/T1/rpc/res', 'pos/T1/cmd', 'pos/T1/config/desired'], { qos: 1 });
  await publish(t1, 'pos/T1/config/desired', 'self-signed config', true);
  await publish(t1, 'pos/T1/cmd', 'self-made command');
  await publish(t1, 'pos/T1/rpc/res', 'self-made answer');
  await publish(t1, 'pos/T2/rpc/res', 'answer for T2');
  await publish(ops, 'pos/T1/config/desired', 'ops config', true);
  await ops.waitFor('ops config');
  await t1.waitFor('ops config');
  assert.equal(payloads(ops), ['ops config']);
  assert.equal(payloads(t1), ['ops config']);
});

test('terminal T1 cannot read T2\'s config/desired, retained or new', async () => {
  if (missing) return;
  const ops = await login('ops.fleet');
  await publish(ops, 'pos/T2/config/desired', 'T2 config with PIN hashes', true);
  await publish(ops, 'pos/T1/config/desired', 'T1 config', true);
  const t1 = await login('T1');
  await t1.client.subscribeAsync(['pos/T2/config/desired', 'pos/+/config/desired', 'pos/#', '#'], { qos: 1 });
  await t1.client.subscribeAsync('pos/T1/config/desired', { qos: 1 });
  await t1.waitFor('T1 config');
  await publish(ops, 'pos/T2/config/desired', 'T2 config v2', true);
  await publish(ops, 'pos/T1/config/desired', 'T1 config v2', true);
  await t1.waitFor('T1 config v2');
  assert.ok(t1.got.every((m) => m.topic === 'pos/T1/config/desired'), JSON.stringify(t1.got));
  // …and T2 itself does read it.
  const t2 = await login('T2');
  await t2.client.subscribeAsync('pos/T2/config/desired', { qos: 1 });
  await t2.waitFor('T2 config v2');
});

test('the host can publish rpc/res and ops config/desired and cmd; not the other way round', async () => {
  if (missing) return;
  const host = await login('host.acquirer');
  const ops = await login('ops.fleet');
  const t1 = await login('T1');
  await t1.client.subscribeAsync(['pos/T1/rpc/res', 'pos/T1/cmd', 'pos/T1/config/desired'], { qos: 1 });
  await publish(ops, 'pos/T1/rpc/res', 'answer from ops');
  await publish(host, 'pos/T1/cmd', 'command from the host');
  await publish(host, 'pos/T1/config/desired', 'config from the host', true);
  await publish(host, 'pos/T1/rpc/res', 'answer');
  await publish(ops, 'pos/T1/cmd', 'command');
  await publish(ops, 'pos/T1/config/desired', 'config', true);
  await t1.waitFor('config');
  assert.equal(payloads(t1), ['answer', 'command', 'config']);
});

test('credentials: a wrong password is refused, and T1 cannot take over T2\'s client id', async () => {
  if (missing) return;
  let refused = '';
  try {
    clients.push(await connectAsync(broker.terminalUrl, { username: 'T1', password: 'wrong', clientId: 'T1', protocolVersion: 4, reconnectPeriod: 0 }));
  } catch (err) {
    refused = (err as Error).message;
  }
  assert.match(refused, /Not authorized/i);
  const t2 = await login('T2');
  let t2Closed = false;
  t2.client.on('close', () => (t2Closed = true));
  // The broker forces the client id to the username: this connects as "T1", not as "T2".
  const impostor = await login('T1', { clientId: 'T2' });
  await t2.client.subscribeAsync('pos/T2/cmd', { qos: 1 });
  const ops = await login('ops.fleet');
  await publish(ops, 'pos/T2/cmd', 'still connected');
  await t2.waitFor('still connected');
  assert.not.ok(t2Closed);
  assert.ok(impostor.client.connected);
});

test('the real terminal and host work under the ACL: online, a refund approved, status seen by ops', async () => {
  if (missing) return;
  const ops = await login('ops.fleet');
  await ops.client.subscribeAsync('pos/+/status', { qos: 1 });
  const store = await HostStore.open({ seed: () => demoOrders({ now: new Date() }) });
  const service = new HostService({ store, now: () => new Date(), log: silentLogger() });
  const host = new MqttHost({ url: broker.serviceUrl, service, logger: silentLogger(), shared: true, username: 'host.acquirer', password: USERS['host.acquirer'] });
  await host.start();
  const dir = tempDir();
  let terminal: TestTerminal | undefined;
  try {
    // As board.json has it: username = terminal id, its own password.
    terminal = await TestTerminal.start(
      simConfig(dir, {
        terminal: { id: 'T1', number: '0001' },
        network: { driver: 'mqtt', rpcTimeoutMs: 2000, reconnectMinMs: 100, reconnectMaxMs: 500, bootJitterMs: 0 },
        mqtt: { url: broker.terminalUrl, username: 'T1', password: USERS.T1 },
      }),
    );
    await terminal.see(/T1 ONLINE/);
    await refundByKeys(terminal, '2026000000000001', '100', freshPayCode({ channel: 'wechat' }));
    await terminal.see(/Refund: APPROVED/, 5000);
    await ops.waitFor((m) => m.topic === 'pos/T1/status' && (JSON.parse(m.payload) as { state: string }).state === 'online');
  } finally {
    await terminal?.stop();
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
