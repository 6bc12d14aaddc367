// `scanpos ops status` against real brokers and real terminals: one running
// in this process, one `scanpos run` child killed with SIGKILL, whose last
// will makes it `lost`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { e2eBrokers } from '../support/brokers.ts';
import { withBroker } from '../e2e/stack.ts';
import { startHost } from '../../scripts/host/start.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { tempDir } from '../support/terminal.ts';
import { childTerminal, mqttTerminal, ops, retainedWhen, row } from './support.ts';

for (const broker of e2eBrokers()) {
  test(`${broker.name}: status shows a running terminal online and a killed one lost, as a table and as JSON`, async () => {
    await withBroker(broker, async (b, cleanup) => {
      // A host too, so that the terminals' self-test at boot finds the network working.
      const host = await startHost({ url: b.url, logger: silentLogger(), dataDir: tempDir(), notify: () => {} });
      cleanup.add(() => host.stop(), 'the host stopping');
      await mqttTerminal(b.url, 'OPS1', cleanup);
      const child = childTerminal(b.url, 'OPS2', cleanup);
      await retainedWhen(b.url, 'pos/OPS2/status', (s) => s.state === 'online');
      child.kill('SIGKILL');
      await retainedWhen(b.url, 'pos/OPS2/status', (s) => s.state === 'lost');

      const table = await ops(['status', '--mqtt', b.url]);
      assert.is(table.err, '');
      const lines = table.out.trimEnd().split('\n');
      assert.ok(lines.every((l) => l.length <= 80), `wider than 80 columns:\n${table.out}`);
      assert.match(lines[0]!, /^TERMINAL\s+STATE\s+UPDATED\s+QUEUE\s+OLDEST\s+CONFIG\s+SELF-TEST$/);
      assert.equal(row(table.out, 'OPS1').slice(1, 2), ['online']);
      assert.equal(row(table.out, 'OPS2').slice(1, 2), ['lost']);
      assert.equal(row(table.out, 'OPS1')[3], '0', 'nothing queued');
      assert.match(table.out, /2 terminals: 1 online, 1 lost/);
      assert.is(table.code, 1, 'a lost terminal is a non-zero exit');

      const json = await ops(['status', '--mqtt', b.url, '--json']);
      const doc = JSON.parse(json.out) as { terminals: Array<{ id: string; state: string; queue: { pending: number } }> };
      assert.equal(
        doc.terminals.map((t) => [t.id, t.state, t.queue.pending]),
        [
          ['OPS1', 'online', 0],
          ['OPS2', 'lost', 0],
        ],
      );

      const one = await ops(['status', '--mqtt', b.url, '--to', 'OPS1']);
      assert.is(one.code, 0, one.out);
      assert.not.match(one.out, /OPS2/);
    });
  });
}

test('status says so when no terminal has reported, and exits 3', async () => {
  await withBroker(e2eBrokers()[0]!, async (b) => {
    const r = await ops(['status', '--mqtt', b.url]);
    assert.match(r.out, /No terminal has reported a status under pos\/\+\/status/);
    assert.is(r.code, 3);
  });
});

test('an unreachable broker is exit 4 with the reason; a bad option is exit 2', async () => {
  const r = await ops(['status', '--mqtt', 'mqtt://127.0.0.1:1']);
  assert.is(r.code, 4);
  assert.match(r.err, /cannot connect to mqtt:\/\/127\.0\.0\.1:1/);
  const bad = await ops(['status', '--mqtt', 'http://x']);
  assert.is(bad.code, 2);
  assert.match(bad.err, /not an mqtt:\/\/.* URL/);
  const unknown = await ops(['status', '--mqtt', 'mqtt://127.0.0.1:1', '--colour']);
  assert.is(unknown.code, 2);
});

test.run();
