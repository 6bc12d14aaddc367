// Finding the header's GPIO chip and its base at run time (sysfs ABI:
// gpiochipN/base, label, ngpio), on kernels that number from 0, 512 or 571.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { GpioChipNotFoundError, findChip, lineNumber, listChips } from '../../../hal/gpio/chip.ts';
import { PI3, PI5, fakeSysfs } from './sysfs.ts';

const test = suite('gpio/chip base');

test('a Raspberry Pi 3 on a new kernel: the header chip starts at 512, BCM 17 is 529', async () => {
  const sysfs = fakeSysfs(PI3);
  try {
    const chip = await findChip({ sysfsRoot: sysfs.root });
    assert.equal(chip, { name: 'gpiochip512', label: 'pinctrl-bcm2835', base: 512, ngpio: 54 });
    assert.is(lineNumber(chip, 17), 529);
  } finally {
    sysfs.remove();
  }
});

test('a Raspberry Pi 5: the header is RP1 at 571 (BCM 17 is 588), not the SoC chip at 512', async () => {
  const sysfs = fakeSysfs(PI5);
  try {
    const chip = await findChip({ sysfsRoot: sysfs.root });
    assert.is(chip.name, 'gpiochip571');
    assert.is(lineNumber(chip, 17), 588);
    assert.equal((await listChips(sysfs.root)).map((c) => c.base), [512, 544, 548, 565, 571]);
  } finally {
    sysfs.remove();
  }
});

test('an old kernel numbering from 0, and a Pi 4 with its expander chip', async () => {
  const old = fakeSysfs([{ label: 'pinctrl-bcm2835', base: 0, ngpio: 54 }]);
  const pi4 = fakeSysfs([
    { label: 'pinctrl-bcm2711', base: 512, ngpio: 58 },
    { label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 },
  ]);
  try {
    assert.is(lineNumber(await findChip({ sysfsRoot: old.root }), 17), 17);
    assert.is(lineNumber(await findChip({ sysfsRoot: pi4.root }), 17), 529);
  } finally {
    old.remove();
    pi4.remove();
  }
});

test('another board: the chip is chosen by the label given', async () => {
  const sysfs = fakeSysfs([
    { label: '1f02c00.pinctrl', base: 352, ngpio: 32 },
    { label: '1c20800.pinctrl', base: 0, ngpio: 224 },
  ]);
  try {
    const chip = await findChip({ sysfsRoot: sysfs.root, label: '1f02c00.pinctrl' });
    assert.is(lineNumber(chip, 3), 355);
  } finally {
    sysfs.remove();
  }
});

test('no matching chip: the error names the labels wanted and every chip found', async () => {
  const sysfs = fakeSysfs([{ label: 'gpio-brcmstb@107d508500', base: 512, ngpio: 32 }]);
  try {
    const error = await findChip({ sysfsRoot: sysfs.root }).catch((e: unknown) => e);
    assert.instance(error, GpioChipNotFoundError);
    const message = (error as Error).message;
    assert.match(message, /"pinctrl-bcm2835" or "pinctrl-bcm2711" or "pinctrl-rp1"/);
    assert.match(message, /found gpiochip512 "gpio-brcmstb@107d508500" \(32 lines, 512–543\)/);
    assert.match(message, /set the chip's label in config/);
  } finally {
    sysfs.remove();
  }
});

test('no sysfs GPIO at all (this machine, a container): a clear error, not ENOENT', async () => {
  const sysfs = fakeSysfs([]);
  sysfs.remove();
  const error = await findChip({ sysfsRoot: sysfs.root }).catch((e: unknown) => e);
  assert.instance(error, GpioChipNotFoundError);
  assert.match((error as Error).message, /found no GPIO chip there/);
});

test('a line beyond the chip is refused with the chip named', async () => {
  const sysfs = fakeSysfs(PI3);
  try {
    const chip = await findChip({ sysfsRoot: sysfs.root });
    assert.throws(() => lineNumber(chip, 54), /GPIO line 54 is not on gpiochip512 "pinctrl-bcm2835" \(54 lines, 512–565\)/);
    assert.throws(() => lineNumber(chip, -1), /not on/);
  } finally {
    sysfs.remove();
  }
});

test.run();
