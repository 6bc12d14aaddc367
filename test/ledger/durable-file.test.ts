import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { DamagedFileError, DurableJsonFile, FormatTooNewError, type Recovery } from '../../src/ledger/durable-file.ts';
import { readJson, tempDir } from './helpers.ts';

const test = suite('ledger/durable-file');

interface Box {
  n: number;
  note?: string;
}

function adapter(file: string, extra: { version?: number; recoveries?: Recovery[]; migrations?: Record<number, (d: any) => unknown> } = {}) {
  return new DurableJsonFile<Box>({
    file,
    format: 'test.box',
    version: extra.version ?? 1,
    migrations: extra.migrations,
    onRecover: (r) => extra.recoveries?.push(r),
  });
}

/** A file with two generations on disk: `.prev` holds n=1, the file n=2. */
async function twoGenerations(): Promise<string> {
  const file = join(tempDir(), 'box.json');
  const a = adapter(file);
  await a.write({ n: 1 });
  await a.write({ n: 2 });
  return file;
}

test('a written file reads back, wrapped in an envelope with format and version', async () => {
  const file = join(tempDir(), 'box.json');
  await adapter(file).write({ n: 7, note: '退款' });
  assert.equal(await adapter(file).read(), { n: 7, note: '退款' });
  assert.equal(readJson(file), { format: 'test.box', version: 1, data: { n: 7, note: '退款' } });
  assert.not.ok(existsSync(`${file}.tmp`), 'no temp file is left behind');
});

test('a missing file is a fresh store (null), not an error', async () => {
  assert.is(await adapter(join(tempDir(), 'none.json')).read(), null);
});

test('each write keeps the previous generation as .prev', async () => {
  const file = await twoGenerations();
  assert.is(readJson(file).data.n, 2);
  assert.is(readJson(`${file}.prev`).data.n, 1);
});

for (const [kind, damage] of [
  ['truncated', (text: string) => text.slice(0, Math.floor(text.length / 2))],
  ['empty', () => ''],
  ['garbage', () => '\u0000\u0000\u0000\u0000 not json'],
  ['wrong-envelope', () => JSON.stringify({ n: 2 })],
] as const) {
  test(`a ${kind} file falls back to the previous generation and says so`, async () => {
    const file = await twoGenerations();
    writeFileSync(file, damage(readFileSync(file, 'utf8')));
    const recoveries: Recovery[] = [];
    assert.equal(await adapter(file, { recoveries }).read(), { n: 1 });
    assert.is(recoveries.length, 1);
    assert.is(recoveries[0]!.file, file);
    assert.match(recoveries[0]!.reason, /box\.json\.prev/);
  });
}

test('after a recovery the damaged file is set aside, never rotated over the good generation', async () => {
  const file = await twoGenerations();
  writeFileSync(file, '{"format":"test.box","vers');
  const a = adapter(file, { recoveries: [] });
  assert.equal(await a.read(), { n: 1 });
  await a.write({ n: 3 });
  assert.is(readJson(file).data.n, 3);
  assert.is(readJson(`${file}.prev`).data.n, 1, '.prev still holds the good generation');
  assert.is(readFileSync(`${file}.corrupt`, 'utf8'), '{"format":"test.box","vers');
  const recoveries: Recovery[] = [];
  assert.equal(await adapter(file, { recoveries }).read(), { n: 3 });
  assert.is(recoveries.length, 0, 'the next read is clean');
});

test('a file missing between the two renames of a write is read from .prev', async () => {
  const file = await twoGenerations();
  renameSync(file, `${file}.prev`); // what a crash right after the first rename leaves
  const recoveries: Recovery[] = [];
  assert.equal(await adapter(file, { recoveries }).read(), { n: 2 });
  assert.match(recoveries[0]!.reason, /missing/);
});

test('a damaged file with a damaged previous generation is an error naming the file, never an empty store', async () => {
  const file = await twoGenerations();
  writeFileSync(file, '{');
  writeFileSync(`${file}.prev`, '');
  try {
    await adapter(file).read();
    assert.unreachable('read must fail');
  } catch (error) {
    assert.instance(error, DamagedFileError);
    assert.ok((error as Error).message.includes(file), (error as Error).message);
    assert.match((error as Error).message, /refusing to start from empty/);
  }
  // And nothing was overwritten while failing.
  assert.is(readFileSync(file, 'utf8'), '{');
});

test('a damaged file with no previous generation is an error too', async () => {
  const file = join(tempDir(), 'box.json');
  writeFileSync(file, 'garbage');
  await adapter(file).read().then(
    () => assert.unreachable('read must fail'),
    (error: Error) => assert.match(error.message, /no previous generation/),
  );
});

test('a file from newer software is refused with a message, even when .prev is readable', async () => {
  const file = await twoGenerations();
  writeFileSync(file, JSON.stringify({ format: 'test.box', version: 3, data: { n: 9 } }));
  await adapter(file, { version: 2, migrations: { 1: (d) => d } }).read().then(
    () => assert.unreachable('read must fail'),
    (error: Error) => {
      assert.instance(error, FormatTooNewError);
      assert.match(error.message, /format 3, this software understands up to 2; update scanpos/);
    },
  );
  assert.is(readJson(file).version, 3, 'the newer file is left alone');
});

test('an older file is migrated step by step', async () => {
  const file = join(tempDir(), 'box.json');
  writeFileSync(file, JSON.stringify({ format: 'test.box', version: 1, data: { count: 4 } }));
  const migrations = {
    1: (d: { count: number }) => ({ total: d.count }),
    2: (d: { total: number }) => ({ n: d.total * 10, note: 'v3' }),
  };
  const a = adapter(file, { version: 3, migrations });
  assert.equal(await a.read(), { n: 40, note: 'v3' });
  await a.write({ n: 41 });
  assert.is(readJson(file).version, 3, 'written back in the current version');
});

test('an older file without a migration path is an error, not data loss', async () => {
  const file = join(tempDir(), 'box.json');
  writeFileSync(file, JSON.stringify({ format: 'test.box', version: 1, data: { n: 1 } }));
  await adapter(file, { version: 2 }).read().then(
    () => assert.unreachable('read must fail'),
    (error: Error) => assert.match(error.message, /no migration to 2/),
  );
});

test('concurrent writes all land, in call order, each with the data as it was when called', async () => {
  const file = join(tempDir(), 'box.json');
  const a = adapter(file);
  const box: Box = { n: 0 };
  const writes: Promise<void>[] = [];
  for (let i = 1; i <= 20; i++) {
    box.n = i; // lowdb passes its live object: later changes must not reach earlier writes
    writes.push(a.write(box));
  }
  const read = a.read(); // queued behind the writes
  await Promise.all(writes);
  assert.equal(await read, { n: 20 });
  assert.is(readJson(file).data.n, 20);
  assert.is(readJson(`${file}.prev`).data.n, 19);
});

test('works as a lowdb adapter', async () => {
  const file = join(tempDir(), 'box.json');
  const db = new Low<Box>(adapter(file), { n: 0 });
  await db.read();
  await db.update((data) => void (data.n = 5));
  const again = new Low<Box>(adapter(file), { n: 0 });
  await again.read();
  assert.is(again.data.n, 5);
});

test.run();
