import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DamagedFileError, DurableJsonFile, FormatTooNewError, type Recovery } from '../../src/ledger/durable-file.ts';
import { encodeLine } from '../../src/ledger/journal-format.ts';
import type { FileSystem } from '../../src/ledger/fs.ts';
import { PowerFs } from './power-fs.ts';
import { readJson, tempDir } from './helpers.ts';
import { ids, items, journal, names, reopen, type Item } from './journal-helpers.ts';

const test = suite('ledger/journal recovery');

test('a torn tail is cut off and reported; the next write starts a clean generation', async () => {
  const file = join(tempDir(), 'box.json');
  const j = journal(file);
  await j.read();
  await j.write(items('a'));
  await j.write(items('a', 'b'));
  await j.close();
  const log = join(file, '..', 'box.0.journal');
  for (const tail of [encodeLine('{"put":[["c",{"id":"c","n":0}]]}').subarray(0, 20), Buffer.alloc(37)]) {
    const clean = readFileSync(log);
    appendFileSync(log, tail);
    const recoveries: Recovery[] = [];
    const again = journal(file, { recoveries });
    assert.is(ids(await again.read()), 'a=0 b=0');
    assert.is(recoveries.length, 1);
    assert.match(recoveries[0]!.reason, new RegExp(`torn tail: ${tail.length} bytes`));
    await again.close();
    writeFileSync(log, clean);
  }
  const recoveries: Recovery[] = [];
  const last = journal(file, { recoveries });
  appendFileSync(log, 'garbage');
  await last.read();
  await last.write(items('a', 'b', 'c'));
  await last.close();
  assert.ok(existsSync(file), 'a snapshot was written');
  assert.is(ids(await reopen(file, { recoveries })), 'a=0 b=0 c=0');
  assert.is(recoveries.length, 1, 'the next boot is clean');
});

test('a damaged record followed by good ones is skipped and reported as damage', async () => {
  const file = join(tempDir(), 'box.json');
  const j = journal(file);
  await j.read();
  const [a, b, c] = items('a', 'b', 'c').items;
  for (const box of [[a], [a, b], [a, b, c]]) await j.write({ items: box as Item[] });
  await j.close();
  const log = join(file, '..', 'box.0.journal');
  const lines = readFileSync(log, 'latin1').split('\n');
  lines[2] = lines[2]!.replace('"b"', '"x"'); // a bit flipped on the card
  writeFileSync(log, lines.join('\n'), 'latin1');
  const recoveries: Recovery[] = [];
  assert.is(ids(await reopen(file, { recoveries })), 'a=0 c=0');
  assert.match(recoveries[0]!.reason, /1 damaged record\(s\) skipped/);
});

/** A store with two snapshots: .prev (generation 2) and the file (3), the journals 1 to 3, and no journal 0. */
async function twoGenerations(): Promise<{ dir: string; file: string }> {
  const dir = tempDir();
  const file = join(dir, 'box.json');
  const j = journal(file);
  await j.read();
  await j.write(items('a'));
  await j.compact();
  await j.write(items('a', 'b'));
  await j.compact();
  await j.compact();
  await j.write(items('a', 'b', 'c'));
  await j.close();
  assert.equal(names(dir), ['box.1.journal', 'box.2.journal', 'box.3.journal', 'box.json', 'box.json.prev']);
  return { dir, file };
}

test('a damaged snapshot: its previous generation and the journals after it give everything back', async () => {
  const { dir, file } = await twoGenerations();
  writeFileSync(file, readFileSync(file, 'utf8').slice(0, 30));
  const recoveries: Recovery[] = [];
  const j = journal(file, { recoveries });
  assert.is(ids(await j.read()), 'a=0 b=0 c=0');
  assert.match(recoveries[0]!.reason, /not valid JSON.*used box\.json\.prev and the journals after it/);
  await j.write(items('a', 'b', 'c', 'd'));
  await j.close();
  assert.ok(names(dir).includes('box.json.corrupt'), 'the damaged file is set aside');
  assert.is(readJson(`${file}.prev`).generation, 2, '.prev still holds the good generation');
  const later: Recovery[] = [];
  assert.is(ids(await reopen(file, { recoveries: later })), 'a=0 b=0 c=0 d=0');
  assert.equal(later, []);
});

test('a snapshot missing between the two renames of a compaction is read from .prev and the journals', async () => {
  const { file } = await twoGenerations();
  renameSync(file, `${file}.prev`);
  const recoveries: Recovery[] = [];
  assert.is(ids(await reopen(file, { recoveries })), 'a=0 b=0 c=0');
  assert.match(recoveries[0]!.reason, /file missing \(a write was interrupted\)/);
});

test('both snapshots unusable: rebuilt from the journals when they all remain, refused otherwise', async () => {
  const dir = tempDir();
  const file = join(dir, 'box.json');
  const j = journal(file);
  await j.read();
  await j.write(items('a'));
  await j.compact(); // generation 1, no .prev yet: journal 0 is still there
  await j.write(items('a', 'b'));
  await j.close();
  writeFileSync(file, '');
  const recoveries: Recovery[] = [];
  assert.is(ids(await reopen(file, { recoveries })), 'a=0 b=0');
  assert.match(recoveries[0]!.reason, /rebuilt from journals 0 to 1/);

  const { file: other } = await twoGenerations();
  writeFileSync(other, '{');
  writeFileSync(`${other}.prev`, '');
  await reopen(other).then(
    () => assert.unreachable('opened over damaged data'),
    (error: Error) => {
      assert.instance(error, DamagedFileError);
      assert.ok(error.message.includes(other), error.message);
      assert.match(error.message, /refusing to start from empty/);
    },
  );
  assert.is(readFileSync(other, 'utf8'), '{', 'nothing was overwritten while failing');
});

test('journals without the snapshot they follow are refused, never read as a fresh store', async () => {
  const { dir, file } = await twoGenerations();
  for (const name of ['box.json', 'box.json.prev']) renameSync(join(dir, name), join(dir, `${name}.away`));
  await reopen(file).then(
    () => assert.unreachable('opened'),
    (error: Error) => assert.match(error.message, /journals 1, 2, 3 do not start from an empty store/),
  );
});

test('a snapshot or a journal from newer software is refused with a message', async () => {
  const { file } = await twoGenerations();
  const snapshot = readJson(file);
  writeFileSync(file, JSON.stringify({ ...snapshot, version: 3 }));
  await reopen(file).then(
    () => assert.unreachable('opened a newer snapshot'),
    (error: Error) => {
      assert.instance(error, FormatTooNewError);
      assert.match(error.message, /format 3, this software understands up to 2; update scanpos/);
    },
  );
  writeFileSync(file, JSON.stringify(snapshot));
  const log = join(file, '..', `box.${snapshot.generation}.journal`);
  writeFileSync(log, encodeLine(JSON.stringify({ format: 'test.box', version: 9, generation: snapshot.generation })));
  await reopen(file).then(
    () => assert.unreachable('opened a newer journal'),
    (error: Error) => assert.match(error.message, /box\.3\.journal is test\.box format 9, this software understands up to 2/),
  );
});

test('a whole-file store of version 1 is migrated; the first write makes it a version 2 snapshot', async () => {
  const dir = tempDir();
  const file = join(dir, 'box.json');
  const old = new DurableJsonFile<{ things: string[] }>({ file, format: 'test.box', version: 1 });
  await old.write({ things: ['a'] });
  await old.write({ things: ['a', 'b'] });
  const migrations = { 1: (d: { things: string[] }) => items(...d.things) };
  const j = journal(file, { migrations });
  assert.is(ids(await j.read()), 'a=0 b=0');
  await j.write(items('a', 'b', 'c'));
  await j.close();
  assert.is(readJson(file).version, 2);
  assert.is(readJson(`${file}.prev`).version, 1, 'the old file is the previous generation');
  assert.is(ids(await reopen(file, { migrations })), 'a=0 b=0 c=0');
});

test('after a failed write the next one starts a new generation instead of appending after a partial record', async () => {
  const fs = new PowerFs();
  await fs.mkdir('/d');
  let failNext = false;
  const flaky: FileSystem = {
    open: async (path, mode) => {
      const handle = await fs.open(path, mode);
      return {
        ...handle,
        write: async (data) => {
          if (!failNext) return handle.write(data);
          failNext = false;
          await handle.write(data.subarray(0, 10)); // part of it reached the file
          throw Object.assign(new Error('EIO: write failed'), { code: 'EIO' });
        },
      };
    },
    readFile: (p) => fs.readFile(p),
    rename: (a, b) => fs.rename(a, b),
    unlink: (p) => fs.unlink(p),
    readdir: (p) => fs.readdir(p),
    syncDir: (p) => fs.syncDir(p),
    mkdir: (p) => fs.mkdir(p),
    freeBytes: (p) => fs.freeBytes(p),
  };
  const j = journal('/d/box.json', { fs: flaky });
  await j.read();
  await j.write(items('a'));
  failNext = true;
  await j.write(items('a', 'b')).then(
    () => assert.unreachable('the write failed'),
    (error: Error) => assert.match(error.message, /EIO/),
  );
  await j.write(items('a', 'c'));
  const recoveries: Recovery[] = [];
  const again = journal('/d/box.json', { fs, recoveries });
  assert.is(ids(await again.read()), 'a=0 c=0');
  assert.equal(recoveries, [], 'the partial record was left behind in the old generation');
});

test.run();
