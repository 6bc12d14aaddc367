// The durable record of command ids: a burst of commands never makes room
// for an id that could still be accepted, only for ids past the window.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CommandIds } from '../../src/ops/command-ids.ts';
import { FUTURE_ALLOWANCE_MS, MAX_COMMAND_AGE_MS } from '../../src/ops/commands.ts';
import { tempDir } from '../support/terminal.ts';

const test = suite('ops: command ids');
const T0 = Date.parse('2026-11-27T08:00:00Z');

test('over the limit, only ids past the acceptance window are let go, oldest first; the file keeps them across a restart', async () => {
  const dir = tempDir();
  let ids = await CommandIds.open({ dir, maxIds: 3 });
  for (const id of ['a', 'b', 'c', 'd', 'e']) await ids.add(id, T0);
  for (const id of ['a', 'b', 'c', 'd', 'e']) assert.ok(ids.has(id), `${id} could still be replayed: kept`);
  const later = T0 + MAX_COMMAND_AGE_MS + FUTURE_ALLOWANCE_MS;
  await ids.add('f', later);
  assert.equal(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ids.has(id)), [false, false, false, true, true, true]);
  ids = await CommandIds.open({ dir, maxIds: 3 });
  assert.ok(ids.has('f') && ids.has('d'));
});

test.run();
