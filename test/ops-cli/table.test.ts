// What the ops tables show and that they fit 80 columns, from fleet entries
// made here (queued refunds, rejections, failed self-tests, long ids and
// reasons in Chinese); the broker side is in status.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cellWidth } from '../../hal/display/width.ts';
import { buildPatch } from '../../scripts/ops/patch.ts';
import { statusTable } from '../../scripts/ops/status.ts';
import { age, renderTable } from '../../scripts/ops/table.ts';
import type { FleetEntry } from '../../scripts/ops/fleet.ts';
import { demoOpsKey } from '../../scripts/simulator/ops-key.ts';
import { opsCommands } from '../../scripts/simulator/panel.ts';
import { row } from './support.ts';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

test('status table: queue and its oldest refund, config version and report, self-test, all within 80 columns', () => {
  const entries: FleetEntry[] = [
    {
      id: 'T1001',
      status: { state: 'online', at: ago(5 * 60_000), configVersion: 7, pending: 3, oldestAt: ago(3 * 3_600_000 + 5 * 60_000) },
      reported: { version: 7, status: 'applied' },
      selftest: { ok: true, at: ago(2 * 86_400_000), failed: [] },
    },
    {
      id: 'T1002',
      status: { state: 'lost', at: ago(90_000), configVersion: 7, pending: 0, oldestAt: null },
      reported: { version: 8, status: 'rejected', reason: 'schema_error', detail: 'receipt.header: 太长了，最多六行，每行六十四个字符' },
      selftest: { ok: false, at: ago(30_000), failed: ['printer', 'scanner'] },
    },
    { id: 'A-terminal-id-of-thirty-two-char', desiredVersion: 9 },
  ];
  // The longest id there can be still leaves a table of 80 columns.
  const crowded = statusTable(entries, NOW, 80);
  for (const line of crowded.split('\n')) assert.ok(cellWidth(line) <= 80, `wider than 80: ${line}`);
  assert.match(row(crowded, 'A-terminal-id-of-thirty-two-char').join(' '), /unknown .* v9 p/);
  const table = statusTable(entries.slice(0, 2), NOW, 80);
  for (const line of table.split('\n')) assert.ok(cellWidth(line) <= 80, `wider than 80: ${line}`);
  assert.equal(row(table, 'T1001'), ['T1001', 'online', '5m', '3', '3h05m', 'v7', 'pass 2d00h ago']);
  const lost = row(table, 'T1002');
  assert.equal(lost.slice(0, 5), ['T1002', 'lost', '1m*', '0*', '-'], 'a lost row shows its will’s time and queue, marked');
  assert.match(table, /^\* lost: as it stood at its last connect/m);
  assert.match(lost[5]!, /^v7, v8 rejected/);
  assert.match(lost[6]!, /^FAIL printer,/);
  assert.match(statusTable([{ id: 'T1003', desiredVersion: 9 }], NOW, 80), /T1003 +unknown .* v9 pushed/);
});

test('a table wider than the screen cuts the columns that may shrink, and says so with …', () => {
  const long = 'x'.repeat(120);
  const table = renderTable([{ title: 'ID' }, { title: 'WHY', shrink: true }, { title: 'MORE', shrink: true }], [['T1', long, long]], 60);
  const line = table.split('\n')[1]!;
  assert.ok(cellWidth(line) <= 60, line);
  assert.match(line, /^T1 {2}x+… {2}x+…$/);
  assert.is(age(59_000), '59s');
  assert.is(age(61 * 60_000), '1h01m');
});

test('a patch is a file with --set values laid over it; strings are JSON too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanpos-patch-'));
  const file = join(dir, 'patch.json');
  writeFileSync(file, JSON.stringify({ receipt: { header: ['Old'], footer: ['Bye'] }, ui: { idleTimeoutMs: 30000 } }));
  const patch = buildPatch(file, ['receipt.header=["Shop 2","Road 1"]', 'terminal.merchantName="Tea"']);
  assert.equal(patch, { receipt: { header: ['Shop 2', 'Road 1'], footer: ['Bye'] }, ui: { idleTimeoutMs: 30000 }, terminal: { merchantName: 'Tea' } });
});

test('the simulator makes its demo ops key once and names it in the commands it suggests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanpos-simkey-'));
  const first = demoOpsKey(dir);
  const again = demoOpsKey(dir);
  assert.is(again.publicKey, first.publicKey, 'the same key at the next start');
  assert.is(first.keyId, 'ops-demo');
  const lines = opsCommands({ brokerUrl: 'mqtt://127.0.0.1:40001', terminalId: 'SIM01', keyFile: first.privateKeyFile, commandsFile: 'try.txt' });
  assert.ok(lines.some((l) => l.includes('ops status --mqtt mqtt://127.0.0.1:40001')));
  assert.ok(lines.some((l) => l.includes(`push-config --mqtt mqtt://127.0.0.1:40001 --key ${first.privateKeyFile} --to SIM01 --set 'receipt.header=["Shop 2"]'`)));
  assert.ok(lines.some((l) => l.includes('cmd') && l.includes('selftest')));
});

test.run();
