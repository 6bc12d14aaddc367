import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { crc32Hex } from '../../src/ledger/crc32.ts';
import { PowerFs, seeded } from './power-fs.ts';
import { readJson, tempDir } from './helpers.ts';
import { ids, items, journal, names, reopen, type Box } from './journal-helpers.ts';

const test = suite('ledger/journal-file');

test('CRC-32 is the IEEE one', () => {
  assert.is(crc32Hex(Buffer.from('123456789')), 'cbf43926');
  assert.is(crc32Hex(Buffer.alloc(0)), '00000000');
});

test('writes read back; a fresh store is only a journal, and a write appends only what changed', async () => {
  const dir = tempDir();
  const file = join(dir, 'box.json');
  const j = journal(file);
  assert.is(await j.read(), null, 'a fresh store');
  const many = items(...Array.from({ length: 500 }, (_, i) => `K${i}`));
  await j.write(many);
  assert.equal(names(dir), ['box.0.journal']);
  const before = statSync(join(dir, 'box.0.journal')).size;
  await j.write({ items: many.items.map((item) => (item.id === 'K250' ? { id: 'K250', n: 7 } : item)) });
  const grown = statSync(join(dir, 'box.0.journal')).size - before;
  assert.ok(grown < 60, `one changed entry of 500 appended ${grown} bytes`);
  await j.close();
  assert.is((await reopen(file))?.items.find((i) => i.id === 'K250')?.n, 7);
  assert.is((await reopen(file))?.items.length, 500);
});

test('the order survives replay: replace in place, delete, add at the end, move to the end', async () => {
  const rng = seeded(7);
  const file = join(tempDir(), 'box.json');
  let j = journal(file, { compaction: { minBytes: 400 } });
  await j.read();
  let box: Box = { items: [] };
  for (let step = 0; step < 400; step++) {
    const list = [...box.items];
    const at = rng.int(0, Math.max(0, list.length - 1));
    const pick = rng.next();
    if (pick < 0.35 || list.length === 0) list.push({ id: `K${step}`, n: step });
    else if (pick < 0.55) list.splice(at, 1);
    else if (pick < 0.8) list[at] = { id: list[at]!.id, n: step };
    else list.push(...list.splice(at, 1)); // seen again: moves last
    if (rng.chance(0.05)) list.splice(rng.int(0, list.length), 0, { id: `M${step}`, n: step }); // even a new key in the middle
    box = { items: list };
    await j.write(box);
    if (rng.chance(0.1)) {
      await j.close();
      j = journal(file, { compaction: { minBytes: 400 } });
      assert.is(ids(await j.read()), ids(box), `after step ${step}`);
    }
  }
  await j.close();
  assert.is(ids(await reopen(file)), ids(box));
});

test('one fdatasync per write; the folder too only when the write created the journal; nothing for no change', async () => {
  const fs = new PowerFs();
  await fs.mkdir('/d');
  const j = journal('/d/box.json', { fs });
  await j.read();
  await j.write(items('a'));
  assert.equal([fs.counts.syncs, fs.counts.dirSyncs], [1, 1], 'first write creates the journal');
  await j.write(items('a', 'b'));
  await j.write(items('a', ['b', 1]));
  assert.equal([fs.counts.syncs, fs.counts.dirSyncs], [3, 1]);
  const same = items('a', ['b', 1]);
  await j.write({ items: [...(await j.read())!.items] });
  assert.equal([fs.counts.syncs, fs.counts.dirSyncs], [3, 1], 'the same values: nothing written');
  await j.compact();
  assert.equal([fs.counts.syncs, fs.counts.dirSyncs], [4, 2], 'a compaction: the snapshot, then the folder');
  await j.write(same);
  assert.equal([fs.counts.syncs, fs.counts.dirSyncs], [5, 2], 'the new journal already has its entry');
});

test('values are frozen once written: a change in place fails instead of never reaching the disk', async () => {
  const j = journal(join(tempDir(), 'box.json'));
  await j.read();
  const box = items('a');
  await j.write(box);
  assert.throws(() => (box.items[0]!.n = 5), TypeError);
  await j.close();
});

test('compaction, once due and quiet, folds the journal into a new snapshot and keeps one generation back', async () => {
  const dir = tempDir();
  const file = join(dir, 'box.json');
  const j = journal(file, { compaction: { minBytes: 2000, factor: 2, quietMs: 0 } });
  await j.read();
  for (let i = 0; i < 300; i++) await j.write(items(['a', i], ['b', i % 7]));
  await new Promise((resolve) => setTimeout(resolve, 20)); // a compaction due starts on the next turn
  await j.idle();
  const { generation } = j.sizes();
  assert.ok(generation >= 3, `generation ${generation}`);
  // .prev follows the journal before its own: three journals are kept.
  const kept = [generation - 2, generation - 1, generation].map((g) => `box.${g}.journal`);
  assert.equal(names(dir), [...kept, 'box.json', 'box.json.prev'].sort());
  assert.is(readJson(file).generation, generation);
  assert.is(readJson(`${file}.prev`).generation, generation - 1);
  await j.close();
  assert.is(ids(await reopen(file)), 'a=299 b=5');
});

test('works as a lowdb adapter', async () => {
  const file = join(tempDir(), 'box.json');
  const adapter = journal(file);
  const db = new Low<Box>(adapter, { items: [] });
  await db.read();
  db.data.items.push({ id: 'a', n: 1 });
  await db.write();
  await db.update((data) => void data.items.push({ id: 'b', n: 2 }));
  await adapter.close();
  assert.is(ids(await reopen(file)), 'a=1 b=2');
});

test.run();
