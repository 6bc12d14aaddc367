// `scanpos ops push-config` and `scanpos ops cmd` against a running terminal
// on real brokers: a new receipt header shows on the next receipt, a push
// signed with another key is refused with its reason, a self-test runs on
// command, and a terminal that is not there is "no answer".
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freshPayCode } from '../../scripts/host/demo-orders.ts';
import { startHost } from '../../scripts/host/start.ts';
import type { SimPrinter } from '../../hal/printer/sim.ts';
import { generateOpsKeyPair } from '../../src/ops/envelope.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { e2eBrokers } from '../support/brokers.ts';
import { tempDir, type TestTerminal } from '../support/terminal.ts';
import { within, withBroker } from '../e2e/stack.ts';
import { mqttTerminal, ops, row } from './support.ts';

const KEY_ID = 'ops-test';

/** A key pair on disk: the private half for --key, the public half for the terminal's config. */
function keyPair(): { file: string; publicKey: string } {
  const pair = generateOpsKeyPair();
  const file = join(tempDir(), `${KEY_ID}.key`);
  writeFileSync(file, pair.privateKey, { mode: 0o600 });
  return { file, publicKey: pair.publicKey };
}

/** Resolves with the text of the first document printed from now on that matches. */
function printedMatching(t: TestTerminal, pattern: RegExp): Promise<string> {
  const printer = t.devices.printer as SimPrinter;
  return within(
    new Promise<string>((resolve) => {
      const off = printer.onPrinted((p) => {
        if (!pattern.test(p.text)) return;
        off();
        resolve(p.text);
      });
    }),
    5000,
    `no receipt matching ${pattern}`,
  );
}

for (const broker of e2eBrokers()) {
  test(`${broker.name}: push-config changes the next receipt's header; a forged push is rejected with its reason; cmd runs a self-test`, async () => {
    const ops1 = keyPair();
    const forged = keyPair(); // same key id, another key: what an intruder on the broker could sign
    await withBroker(broker, async (b, cleanup) => {
      const host = await startHost({ url: b.url, logger: silentLogger(), dataDir: tempDir(), notify: () => {} });
      cleanup.add(() => host.stop(), 'the host stopping');
      const t = await mqttTerminal(b.url, 'OPS1', cleanup, { security: { opsPublicKeys: [{ keyId: KEY_ID, publicKey: ops1.publicKey }] } });

      const push = await ops(['push-config', '--mqtt', b.url, '--to', 'OPS1', '--key', ops1.file, '--set', 'receipt.header=["Shop 2"]']);
      assert.is(push.code, 0, push.out + push.err);
      assert.equal(row(push.out, 'OPS1').slice(0, 3), ['OPS1', 'applied', 'v1']);
      assert.match(push.out, /config v1: 1 applied/);

      // The next receipt carries the new header.
      const receipt = printedMatching(t, /Shop 2/);
      t.keys('1 2500 [OK]');
      await t.see(/Scan the customer/);
      t.scan(freshPayCode({ channel: 'alipay' }));
      await t.see(/Confirm/);
      t.keys('[OK]');
      await t.see(/Sale: APPROVED/);
      assert.match(await receipt, /Shop 2/);
      t.keys('[OK]');

      const bad = await ops(['push-config', '--mqtt', b.url, '--to', 'OPS1', '--key', forged.file, '--set', 'receipt.header=["Free money"]']);
      assert.is(bad.code, 1, bad.out + bad.err);
      const [, result, version, detail] = row(bad.out, 'OPS1');
      assert.is(result, 'rejected');
      assert.is(version, 'v2');
      assert.match(detail!, /bad_signature/);
      assert.match(bad.out, /config v2: 1 rejected/);

      const json = await ops(['push-config', '--mqtt', b.url, '--to', 'OPS1', '--key', forged.file, '--set', 'receipt.header=["Free money"]', '--json']);
      const doc = JSON.parse(json.out) as { version: number; results: Array<{ terminal: string; result: string; report: { reason?: string } }> };
      assert.is(doc.version, 3);
      assert.equal(doc.results.map((r) => [r.terminal, r.result, r.report.reason]), [['OPS1', 'rejected', 'bad_signature']]);

      const selftest = await ops(['cmd', '--mqtt', b.url, '--to', 'OPS1', '--key', ops1.file, 'selftest']);
      assert.match(row(selftest.out, 'OPS1')[1]!, /^(ok|failed)$/, selftest.out);
      assert.match(selftest.out, /pass \d+/);

      // A terminal that is not there: no answer, exit 3, and the one that is there still answers.
      const some = await ops(['cmd', '--mqtt', b.url, '--to', 'OPS1,GHOST', '--key', ops1.file, '--wait', '2s', 'status']);
      assert.is(row(some.out, 'OPS1')[1], 'ok', some.out);
      assert.equal(row(some.out, 'GHOST').slice(1, 2), ['no answer']);
      assert.is(some.code, 3);

      const forgedCmd = await ops(['cmd', '--mqtt', b.url, '--all', '--key', forged.file, 'reboot']);
      assert.is(forgedCmd.code, 1);
      assert.is(row(forgedCmd.out, 'OPS1')[1], 'error');
      assert.match(row(forgedCmd.out, 'OPS1')[2]!, /bad_signature/);
    });
  });
}

test('push-config refuses, before connecting, what it cannot send', async () => {
  const key = keyPair();
  const base = ['push-config', '--mqtt', 'mqtt://127.0.0.1:1', '--to', 'T1', '--key', key.file];
  const cases: Array<[string[], RegExp]> = [
    [[...base], /nothing to push/],
    [[...base, '--set', 'receipt.header=Shop'], /not JSON/],
    [[...base, '--set', 'security.opsPublicKeys=[]'], /provisioned in each terminal/],
    [[...base.slice(0, 3), '--key', key.file, '--set', 'a=1'], /--to T1,T2 or --all/],
    [[...base, '--all', '--set', 'a=1'], /not both/],
    [[...base, '--set', 'a=1', '--version', '0'], /--version 0/],
    [[...base, '--set', 'a=1', '--expires', 'soon'], /--expires soon/],
    [['push-config', '--mqtt', 'mqtt://127.0.0.1:1', '--to', 'T1', '--key', '/nonexistent.key', '--set', 'a=1'], /cannot read/],
  ];
  for (const [args, message] of cases) {
    const r = await ops(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
  }
});

test.run();
