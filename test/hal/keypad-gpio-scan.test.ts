// The pure scan rules: debounce in time, one report per press, ghosting.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MatrixScan } from '../../hal/keypad/gpio-scan.ts';

const test = suite('keypad/gpio scan rules');

/** Readings of a 3 × 3 matrix from the keys held: 'r,c'. */
const read = (...held: string[]) => [0, 1, 2].map((r) => [0, 1, 2].map((c) => held.includes(`${r},${c}`)));

test('a reading counts once it has held for the debounce time, measured from its change', () => {
  const scan = new MatrixScan({ rows: 3, cols: 3, debounceMs: 20 });
  assert.equal(scan.update(read('1,1'), 0), []);
  assert.equal(scan.update(read('1,1'), 19), []);
  assert.equal(scan.update(read('1,1'), 20), [[1, 1]]);
  assert.equal(scan.update(read('1,1'), 500), [], 'held: not again');
  assert.not.ok(scan.quiet);
  assert.equal(scan.update(read(), 510), []);
  assert.equal(scan.update(read('1,1'), 515), [], 'a bounce of the release');
  assert.equal(scan.update(read(), 520), []);
  assert.equal(scan.update(read(), 539), []);
  assert.not.ok(scan.quiet, 'still settling');
  assert.equal(scan.update(read(), 540), []);
  assert.ok(scan.quiet);
  assert.equal(scan.update(read('1,1'), 600), []);
  assert.equal(scan.update(read('1,1'), 620), [[1, 1]], 'a new press');
});

test('keys settling in the same scan come in row-major order', () => {
  const scan = new MatrixScan({ rows: 3, cols: 3, debounceMs: 10 });
  scan.update(read('2,0', '0,2', '1,1'), 0);
  assert.equal(scan.update(read('2,0', '0,2', '1,1'), 10), [
    [0, 2],
    [1, 1],
    [2, 0],
  ]);
});

test('a key at the corner of a rectangle of held keys is never reported for that press', () => {
  const scan = new MatrixScan({ rows: 3, cols: 3, debounceMs: 10 });
  scan.update(read('0,0', '0,1'), 0);
  assert.equal(scan.update(read('0,0', '0,1'), 10), [
    [0, 0],
    [0, 1],
  ]);
  // (1,0) pressed: (1,1) reads pressed too (phantom). Both are corners: neither is reported.
  scan.update(read('0,0', '0,1', '1,0', '1,1'), 20);
  assert.equal(scan.update(read('0,0', '0,1', '1,0', '1,1'), 30), []);
  // (0,1) released: the phantom goes, (1,0) stays held but is not reported late.
  scan.update(read('0,0', '1,0'), 40);
  assert.equal(scan.update(read('0,0', '1,0'), 50), []);
  // A key outside any rectangle is reported meanwhile.
  scan.update(read('0,0', '1,0', '2,2'), 60);
  assert.equal(scan.update(read('0,0', '1,0', '2,2'), 70), [[2, 2]]);
  // (1,0) released and pressed again: now it counts.
  scan.update(read('0,0', '2,2'), 80);
  scan.update(read('0,0', '2,2'), 90);
  scan.update(read('0,0', '1,0', '2,2'), 100);
  assert.equal(scan.update(read('0,0', '1,0', '2,2'), 110), [[1, 0]]);
});

test('two keys never make a rectangle: diagonal, same row, same column are all reported', () => {
  for (const pair of [['0,0', '1,1'], ['2,0', '2,2'], ['0,1', '2,1']]) {
    const scan = new MatrixScan({ rows: 3, cols: 3, debounceMs: 10 });
    scan.update(read(...pair), 0);
    assert.is(scan.update(read(...pair), 10).length, 2, pair.join(' + '));
  }
});

test('keys held at reset count as down: reported only after a release and a new press', () => {
  const scan = new MatrixScan({ rows: 3, cols: 3, debounceMs: 10 });
  scan.reset(read('1,2'));
  assert.equal(scan.update(read('1,2'), 100), []);
  scan.update(read(), 110);
  scan.update(read(), 120);
  scan.update(read('1,2'), 130);
  assert.equal(scan.update(read('1,2'), 140), [[1, 2]]);
});

test.run();
