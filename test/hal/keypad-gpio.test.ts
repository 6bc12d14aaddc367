// The GPIO matrix keypad over a fake matrix that behaves electrically:
// the keypad contract, then bounce, held keys, keys together, ghosting,
// idling without polling, wiring faults and the chip base.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openOnoffChip } from '../../hal/gpio/onoff.ts';
import { GpioKeypad } from '../../hal/keypad/gpio.ts';
import type { Key } from '../../hal/keypad/types.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { PI5, fakeSysfs, recordingGpio } from './gpio/sysfs.ts';
import { keypadContract } from './keypad.contract.ts';
import { COLS, KEYMAP, ROWS, rig } from './gpio/keypad-rig.ts';

const contract = keypadContract('gpio matrix (fake wires, bouncing contacts)', () => {
  const { keypad, press } = rig();
  return { keypad, press: (key) => press(key) };
});

const test = suite('keypad/gpio');

test('a bouncing press and a bouncing release make one key, after the contact settles', async () => {
  // Closed / open stretches of 3, 2, 3, 2, 4, 2 ms, then closed: each shorter than the debounce.
  const bounce = [3, 2, 3, 2, 4, 2];
  const { keypad, keys, times, down, up, clock } = rig({ scanIntervalMs: 1, debounceMs: 10 });
  await keypad.start();
  clock.advance(7);
  down('5', bounce); // at 7, settled at 7 + 16 = 23
  clock.advance(200);
  up('5', bounce);
  clock.advance(200);
  assert.equal(keys, ['5']);
  assert.ok(times[0]! >= 23 + 10 && times[0]! <= 23 + 10 + 1, `reported at ${times[0]}`);
  await keypad.stop();
});

test('a contact that closes for less than the debounce time is not a key', async () => {
  const { keypad, keys, down, up, clock } = rig();
  await keypad.start();
  down('1', []);
  clock.advance(12);
  up('1', []);
  clock.advance(100);
  assert.equal(keys, []);
  await keypad.stop();
});

test('a key held for seconds is reported once (no auto-repeat); pressed again, once more', async () => {
  const { keypad, keys, press } = rig();
  await keypad.start();
  press('OK', 5000);
  press('OK');
  assert.equal(keys, ['OK', 'OK']);
  await keypad.stop();
});

test('two keys pressed together are both reported once; those settling in one scan in keymap order', async () => {
  for (const idleWait of [true, false]) {
    const { keypad, keys, down, up, clock } = rig({ idleWait });
    await keypad.start();
    clock.advance(3);
    down('9');
    down('1');
    clock.advance(100);
    up('9');
    up('1');
    clock.advance(100);
    // At rest the first press wakes the scanner at once and is seen one scan before the other.
    assert.equal(keys, idleWait ? ['9', '1'] : ['1', '9'], `idleWait ${idleWait}`);
    await keypad.stop();
  }
});

test('a second key while the first is held: reported when pressed, the first not again', async () => {
  for (const [first, second] of [['4', '6'], ['2', '8'], ['3', 'CLEAR']] as Array<[Key, Key]>) {
    const { keypad, keys, down, up, clock, chip } = rig();
    await keypad.start();
    down(first);
    clock.advance(100);
    down(second);
    clock.advance(100);
    assert.equal(keys, [first, second], `${first} then ${second}`);
    up(second);
    clock.advance(100);
    up(first);
    clock.advance(100);
    assert.equal(keys, [first, second]);
    // Same column ('2', '8'): the rows not scanned are high impedance, so no row drives another.
    assert.equal(chip.faults, []);
    await keypad.stop();
  }
});

test('ghosting: three keys at the corners of a rectangle never report the phantom fourth', async () => {
  const { keypad, keys, down, up, clock } = rig();
  await keypad.start();
  down('1');
  clock.advance(100);
  down('2');
  clock.advance(100);
  // With 1, 2 and 4 held, row 1 reaches column 1 through 4-1-2: '5' reads pressed.
  down('4');
  clock.advance(100);
  for (const key of ['1', '2', '4'] as Key[]) up(key);
  clock.advance(100);
  assert.equal(keys, ['1', '2'], 'the third key is ambiguous and the phantom 5 never appears');
  // Everything released: the keypad is sane again.
  down('5');
  clock.advance(100);
  up('5');
  clock.advance(100);
  assert.equal(keys, ['1', '2', '5']);
  await keypad.stop();
});

test('three keys at once in an L: none of the rectangle is reported; a key elsewhere still is', async () => {
  const { keypad, keys, down, up, clock } = rig();
  await keypad.start();
  for (const key of ['1', '2', '4'] as Key[]) down(key);
  clock.advance(100);
  down('OK');
  clock.advance(100);
  for (const key of ['1', '2', '4', 'OK'] as Key[]) up(key);
  clock.advance(100);
  assert.equal(keys, ['OK']);
  await keypad.stop();
});

test('with no key held the keypad waits for an edge instead of polling', async () => {
  const { keypad, keys, press, clock, chip } = rig();
  await keypad.start();
  const reads = chip.reads;
  clock.advance(10_000);
  assert.is(chip.reads, reads, 'no read while idle');
  press('7');
  const afterPress = chip.reads;
  assert.ok(afterPress > reads);
  clock.advance(10_000);
  assert.is(chip.reads, afterPress, 'back to rest once released');
  assert.equal(keys, ['7']);
  // At rest every row is driven low, so that any key pulls its column down.
  assert.ok(ROWS.every((row) => chip.isOutput(row) && chip.level(row) === 0));
  await keypad.stop();
});

test('idleWait false polls all the time, and still reports each press once', async () => {
  const { keypad, keys, press, clock, chip } = rig({ idleWait: false });
  await keypad.start();
  const reads = chip.reads;
  clock.advance(1000);
  assert.is(chip.reads - reads, (1000 / 5) * ROWS.length * COLS.length);
  press('3');
  press('3');
  assert.equal(keys, ['3', '3']);
  await keypad.stop();
});

test('a key held while the keypad starts is not reported until pressed again', async () => {
  const { keypad, keys, down, up, press, clock } = rig();
  down('8');
  clock.advance(100);
  await keypad.start();
  clock.advance(500);
  up('8');
  clock.advance(100);
  press('8');
  assert.equal(keys, ['8']);
  await keypad.stop();
});

test('a column without its pull-up is a clear error at start, and every line is given back', async () => {
  const { keypad, chip } = rig();
  chip.setPull(20, 'down'); // a BCM line 9–27 keeps its default pull-down without config.txt
  const error = await keypad.start().catch((e: unknown) => e);
  assert.match(String(error), /column line\(s\) 20 read low with no row driven: .*pull-up .*config\.txt: gpio=5,6,13,19,26,12,16,20,21=ip,pu/);
  assert.ok([...ROWS, ...COLS].every((line) => !chip.isClaimed(line)));
  await keypad.stop();
});

test('stop releases every line (back to inputs), and a listener that throws does not stop the others', async () => {
  const { keypad, keys, press, chip } = rig();
  keypad.onKey(() => {
    throw new Error('listener bug');
  });
  const second: Key[] = [];
  keypad.onKey((key) => second.push(key));
  await keypad.start();
  press('0');
  assert.equal(keys, ['0']);
  assert.equal(second, ['0']);
  await keypad.stop();
  assert.ok([...ROWS, ...COLS].every((line) => !chip.isClaimed(line) && !chip.isOutput(line)));
});

test('a listener may stop the keypad: no key is reported after that', async () => {
  const { keypad, down, clock } = rig();
  const heard: Key[] = [];
  keypad.onKey((key) => {
    heard.push(key);
    void keypad.stop();
  });
  keypad.onKey((key) => heard.push(key));
  await keypad.start();
  down('1');
  down('3');
  clock.advance(100);
  assert.equal(heard, ['1']);
});

test('bad wiring in config is refused before anything is opened', () => {
  const make = (over: object) => () => new GpioKeypad({ rows: ROWS, cols: COLS, keymap: KEYMAP, chip: { description: '', lines: 0, open: () => { throw new Error('opened'); } }, ...over });
  assert.throws(make({ cols: [12, 16, 20, 5] }), /line\(s\) 5 used more than once/);
  assert.throws(make({ keymap: KEYMAP.slice(1) }), /4 rows in the keymap for 5 row lines/);
  assert.throws(make({ keymap: [...KEYMAP.slice(0, 4), ['*', 'F4', null, '#']] }), /keymap\[4\]\[0\]: unknown key "\*".*keymap\[4\]\[3\]: unknown key "#"/);
  assert.throws(make({ rows: [], keymap: [] }), /at least one row/);
  assert.throws(make({ scanIntervalMs: 0 }), /scanIntervalMs must be > 0/);
});

test('the issue\'s 4 × 4 keymap works as given', async () => {
  const keymap = [
    ['1', '2', '3', 'F1'],
    ['4', '5', '6', 'F2'],
    ['7', '8', '9', 'F3'],
    ['CLEAR', '0', 'OK', 'CANCEL'],
  ];
  const { keypad, keys, press } = rig({ rows: ROWS.slice(0, 4), keymap });
  await keypad.start();
  for (const key of ['F1', '0', 'OK', 'CANCEL'] as Key[]) press(key);
  assert.equal(keys, ['F1', '0', 'OK', 'CANCEL']);
  await keypad.stop();
});

test('on a Pi 5 (header chip at 571) the keypad opens 571 + each BCM line, and unexports them at stop', async () => {
  const sysfs = fakeSysfs(PI5);
  try {
    const onoff = recordingGpio();
    const keypad = new GpioKeypad({
      rows: ROWS,
      cols: COLS,
      keymap: KEYMAP,
      chip: () => openOnoffChip({ sysfsRoot: sysfs.root, loadGpio: onoff.loadGpio }),
      logger: silentLogger(),
    });
    await keypad.start();
    assert.equal(
      onoff.made.map((g) => g.number),
      [...ROWS, ...COLS].map((line) => 571 + line),
    );
    // Idle: rows driven low, columns watched on both edges.
    assert.ok(onoff.made.slice(0, ROWS.length).every((g) => g.direction === 'low'));
    assert.ok(onoff.made.slice(ROWS.length).every((g) => g.edge === 'both' && g.watchers.length === 1));
    await keypad.stop();
    assert.ok(onoff.made.every((g) => g.unexported));
  } finally {
    sysfs.remove();
  }
});

test('no header chip on this board: start fails with the chips found, and can be retried', async () => {
  const sysfs = fakeSysfs([{ label: 'gpio-mockup-A', base: 512, ngpio: 8 }]);
  try {
    const keypad = new GpioKeypad({ rows: ROWS, cols: COLS, keymap: KEYMAP, chip: () => openOnoffChip({ sysfsRoot: sysfs.root, loadGpio: recordingGpio().loadGpio }) });
    const error = await keypad.start().catch((e: unknown) => e);
    assert.match(String(error), /no GPIO chip labelled .*found gpiochip512 "gpio-mockup-A"/);
    await keypad.stop();
    assert.match(String(await keypad.start().catch((e: unknown) => e)), /no GPIO chip/);
  } finally {
    sysfs.remove();
  }
});

contract.run();
test.run();
