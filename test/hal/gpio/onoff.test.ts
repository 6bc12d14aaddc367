// The onoff adapter, with a recording stand-in for onoff's Gpio: global
// numbers from the chip base, raw initial levels for active-low outputs,
// edges only on inputs, watch and release.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { GpioChipNotFoundError } from '../../../hal/gpio/chip.ts';
import { openOnoffChip } from '../../../hal/gpio/onoff.ts';
import type { Level } from '../../../hal/gpio/types.ts';
import { silentLogger } from '../../../src/runtime/log.ts';
import { PI3, PI5, fakeSysfs, recordingGpio } from './sysfs.ts';

const test = suite('gpio/onoff adapter');

test('lines are opened at base + offset: 571 + 17 on a Pi 5, 512 + 17 on a Pi 3', async () => {
  for (const [board, number] of [[PI5, 588], [PI3, 529]] as const) {
    const sysfs = fakeSysfs(board);
    try {
      const onoff = recordingGpio();
      const chip = await openOnoffChip({ sysfsRoot: sysfs.root, loadGpio: onoff.loadGpio });
      chip.open(17, { direction: 'in' });
      assert.is(onoff.made[0]?.number, number);
      assert.is(chip.lines, 54);
    } finally {
      sysfs.remove();
    }
  }
});

test('an active-low output starts at its physical off level; edges are given to inputs only', async () => {
  const sysfs = fakeSysfs(PI3);
  try {
    const onoff = recordingGpio();
    const chip = await openOnoffChip({ sysfsRoot: sysfs.root, loadGpio: onoff.loadGpio });
    chip.open(5, { direction: 'high', activeLow: true, edge: 'both' });
    chip.open(6, { direction: 'in', edge: 'falling' });
    chip.open(7, { direction: 'in' });
    assert.equal(
      onoff.made.map(({ number, direction, edge, activeLow }) => ({ number, direction, edge, activeLow })),
      [
        { number: 517, direction: 'high', edge: undefined, activeLow: true },
        { number: 518, direction: 'in', edge: 'falling', activeLow: false },
        // onoff only calls back on an edge it was given: 'none' says so.
        { number: 519, direction: 'in', edge: 'none', activeLow: false },
      ],
    );
  } finally {
    sysfs.remove();
  }
});

test('a line is claimed once until released; release unexports it', async () => {
  const sysfs = fakeSysfs(PI3);
  try {
    const onoff = recordingGpio();
    const chip = await openOnoffChip({ sysfsRoot: sysfs.root, loadGpio: onoff.loadGpio });
    const line = chip.open(4, { direction: 'low' });
    assert.throws(() => chip.open(4, { direction: 'in' }), /already in use/);
    line.write(1);
    line.release();
    line.release();
    assert.ok(onoff.made[0]?.unexported);
    assert.equal(onoff.made[0]?.writes, [1]);
    chip.open(4, { direction: 'in' });
    assert.is(onoff.made.length, 2);
  } finally {
    sysfs.remove();
  }
});

test('watch hands values to the listener, errors to the log, and stops its own callback only', async () => {
  const sysfs = fakeSysfs(PI3);
  try {
    const onoff = recordingGpio();
    const chip = await openOnoffChip({ sysfsRoot: sysfs.root, loadGpio: onoff.loadGpio, logger: silentLogger() });
    const line = chip.open(4, { direction: 'in', edge: 'both' });
    const seen: Level[] = [];
    const off = line.watch((value) => seen.push(value));
    line.watch(() => {});
    const [callback] = onoff.made[0]!.watchers;
    callback!(null, 0);
    callback!(new Error('epoll'), 1);
    off();
    assert.equal(seen, [0]);
    assert.is(onoff.made[0]!.watchers.length, 1);
  } finally {
    sysfs.remove();
  }
});

test('a line that cannot be exported: the error names the line, its sysfs number and the chip', async () => {
  const sysfs = fakeSysfs(PI5);
  try {
    const fail = Object.assign(new Error("EACCES: permission denied, open '/sys/class/gpio/export'"), { code: 'EACCES' });
    const onoff = recordingGpio({ fail });
    const chip = await openOnoffChip({ sysfsRoot: sysfs.root, loadGpio: onoff.loadGpio });
    assert.throws(
      () => chip.open(17, { direction: 'in' }),
      /cannot open GPIO line 17 \(sysfs 588\) of gpiochip571 "pinctrl-rp1".*gpio group.*EACCES/,
    );
    // A failed open claims nothing: trying again fails the same way, not as "in use".
    assert.throws(() => chip.open(17, { direction: 'in' }), /EACCES/);
  } finally {
    sysfs.remove();
  }
});

test('no chip: onoff is never loaded and the error is the chip error', async () => {
  const sysfs = fakeSysfs([]);
  let loaded = false;
  try {
    const error = await openOnoffChip({
      sysfsRoot: sysfs.root,
      loadGpio: async () => {
        loaded = true;
        return recordingGpio().Gpio;
      },
    }).catch((e: unknown) => e);
    assert.instance(error, GpioChipNotFoundError);
    assert.not.ok(loaded);
  } finally {
    sysfs.remove();
  }
});

test.run();
