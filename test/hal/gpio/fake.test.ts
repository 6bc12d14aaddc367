// The fake GPIO chip behaves like wires: pulls, drivers, switches, shorts,
// active-low and edges. The drivers' tests are only as good as this.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeGpioChip } from '../../../hal/gpio/fake.ts';
import { FakeKeypadMatrix } from '../../../hal/gpio/fake-matrix.ts';
import type { Level } from '../../../hal/gpio/types.ts';
import { SimClock } from '../../../src/runtime/clock.ts';

const test = suite('gpio/fake chip');

test('an input reads its pull, or the floating level without one', () => {
  const chip = new FakeGpioChip({ floating: 1 });
  const a = chip.open(2, { direction: 'in' });
  assert.is(a.read(), 1);
  chip.setPull(2, 'down');
  assert.is(a.read(), 0);
  chip.setPull(2, 'up');
  assert.is(a.read(), 1);
});

test('a closed switch joins two lines: an output drives the input on the other side', () => {
  const chip = new FakeGpioChip();
  chip.setPull(5, 'up');
  const out = chip.open(4, { direction: 'high' });
  const input = chip.open(5, { direction: 'in' });
  const sw = chip.switch(4, 5);
  out.write(0);
  assert.is(input.read(), 1, 'open switch: the pull-up wins');
  sw.set(true);
  assert.is(input.read(), 0);
  out.write(1);
  assert.is(input.read(), 1);
  sw.set(false);
  out.write(0);
  assert.is(input.read(), 1);
});

test('two outputs fighting over a net are a short circuit, recorded', () => {
  const chip = new FakeGpioChip();
  chip.open(1, { direction: 'high' });
  chip.open(2, { direction: 'low' });
  chip.switch(1, 2).set(true);
  assert.is(chip.faults.length, 1);
  assert.match(chip.faults[0]!, /short circuit between lines 1 \(high\) and 2 \(low\)/);
});

test('direction high/low is physical; active_low inverts value, writes and edges only', () => {
  const chip = new FakeGpioChip();
  const led = chip.open(7, { direction: 'high', activeLow: true });
  assert.is(chip.level(7), 1);
  assert.is(led.read(), 0, 'physical high reads 0 when active-low');
  led.write(1);
  assert.is(chip.level(7), 0);
  const input = chip.open(8, { direction: 'in', activeLow: true, edge: 'rising' });
  chip.setPull(8, 'up');
  const seen: Level[] = [];
  input.watch((value) => seen.push(value));
  chip.setPull(8, 'down'); // physical fall = logical rise
  chip.setPull(8, 'up');
  assert.equal(seen, [1]);
});

test('edges: a line without an edge never calls its watchers; unwatch stops them', () => {
  const chip = new FakeGpioChip();
  const line = chip.open(3, { direction: 'in' });
  const seen: Level[] = [];
  const off = line.watch((value) => seen.push(value));
  chip.setPull(3, 'up');
  assert.equal(seen, []);
  line.setEdge('both');
  chip.setPull(3, 'down');
  off();
  chip.setPull(3, 'up');
  assert.equal(seen, [0]);
});

test('a line is claimed once; release frees it, goes back to input, and is idempotent', () => {
  const chip = new FakeGpioChip();
  chip.setPull(9, 'down');
  const line = chip.open(9, { direction: 'high' });
  assert.throws(() => chip.open(9, { direction: 'in' }), /already in use/);
  line.release();
  line.release();
  assert.is(chip.level(9), 0);
  assert.not.ok(chip.isClaimed(9));
  assert.throws(() => line.read(), /released/);
  const again = chip.open(9, { direction: 'in' });
  line.release(); // the old handle must not free the new claim
  assert.ok(chip.isClaimed(9));
  again.release();
});

test('writing an input or setting an edge on an output fails as on a Raspberry Pi', () => {
  const chip = new FakeGpioChip();
  assert.throws(() => chip.open(1, { direction: 'in' }).write(1), /EPERM/);
  assert.throws(() => chip.open(2, { direction: 'low' }).setEdge('both'), /EIO/);
  assert.throws(() => chip.open(99, { direction: 'in' }), /not on/);
});

test('history records each physical change with the time', () => {
  const clock = new SimClock(0);
  const chip = new FakeGpioChip({ clock });
  const line = chip.open(4, { direction: 'low' });
  clock.advance(10);
  line.write(1);
  clock.advance(5);
  line.write(1);
  line.write(0);
  assert.equal(chip.history(4), [
    { at: 10, level: 1 },
    { at: 15, level: 0 },
  ]);
});

const matrix = suite('gpio/fake keypad matrix');

matrix('pressing key (r, c) joins row r to column c', () => {
  const clock = new SimClock(0);
  const chip = new FakeGpioChip({ clock });
  const keys = new FakeKeypadMatrix({ chip, rows: [1, 2], cols: [3, 4], clock, bounce: [] });
  const row2 = chip.open(2, { direction: 'low' });
  const col3 = chip.open(3, { direction: 'in' });
  const col4 = chip.open(4, { direction: 'in' });
  assert.equal([col3.read(), col4.read()], [1, 1]);
  keys.press(1, 1);
  assert.equal([col3.read(), col4.read()], [1, 0]);
  keys.press(0, 1); // row 1 is an input pulled up: joined to the low net, no short
  assert.equal(chip.faults, []);
  keys.release(1, 1);
  keys.release(0, 1);
  assert.equal([col3.read(), col4.read()], [1, 1]);
  row2.release();
});

matrix('a bouncing contact toggles before it settles, and a new action cancels the old bounce', () => {
  const clock = new SimClock(0);
  const chip = new FakeGpioChip({ clock });
  const keys = new FakeKeypadMatrix({ chip, rows: [1], cols: [3], clock });
  chip.open(1, { direction: 'low' });
  const from = chip.history(3).length; // the pull-up came first
  keys.press(0, 0, { bounce: [1, 2, 1, 3] });
  clock.advance(20);
  assert.equal(chip.history(3).slice(from), [
    { at: 0, level: 0 },
    { at: 1, level: 1 },
    { at: 3, level: 0 },
    { at: 4, level: 1 },
    { at: 7, level: 0 },
  ]);
  keys.release(0, 0, { bounce: [5, 5] });
  keys.press(0, 0, { bounce: [] });
  clock.advance(20);
  assert.is(chip.level(3), 0, 'the release bounce was cancelled by the press');
  assert.ok(keys.isDown(0, 0));
  assert.throws(() => keys.press(0, 0, { bounce: [1] }), /even number/);
});

test.run();
matrix.run();
