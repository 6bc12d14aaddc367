// Where the board's GPIO lines are in the kernel's global numbering.
//
// sysfs GPIO numbers are global: line `offset` of a chip is number
// `base + offset`. Older kernels put a Raspberry Pi's header chip at base 0,
// so "GPIO 17" was 17; since Linux 6.2 dynamically numbered chips start at
// 512 (GPIO_DYNAMIC_BASE in drivers/gpio/gpiolib.c), and with Raspberry Pi
// OS's 6.6 kernels a Pi 3 / 4 shows gpiochip512 and a Pi 5 gpiochip571 (its
// RP1 chip, after the SoC's own chips). So the base is read
// at run time from the chip's sysfs attributes `base`, `label`, `ngpio`:
// https://www.kernel.org/doc/Documentation/ABI/obsolete/sysfs-gpio
// The chip is chosen by label, never by "the first one": a Pi 5 also has a
// gpiochip512 ("gpio-brcmstb@107d508500") that is not the header.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SYSFS_GPIO_ROOT = '/sys/class/gpio';

/** Labels of the chip behind the 40-pin header: Pi 1–3 / Zero (2), Pi 4, Pi 5. */
export const RASPBERRY_PI_HEADER_CHIPS: readonly string[] = ['pinctrl-bcm2835', 'pinctrl-bcm2711', 'pinctrl-rp1'];

export interface ChipInfo {
  /** `gpiochip512` */
  name: string;
  label: string;
  /** Global number of line 0. */
  base: number;
  /** Number of lines. */
  ngpio: number;
}

export interface FindChipOptions {
  /** Default /sys/class/gpio; tests give a folder of their own. */
  sysfsRoot?: string;
  /** The chip's label, or labels to try in order; default RASPBERRY_PI_HEADER_CHIPS. */
  label?: string | readonly string[];
}

/** No chip with the wanted label; the message says what was found. */
export class GpioChipNotFoundError extends Error {
  override name = 'GpioChipNotFoundError';
}

/** Every chip under the sysfs root, by base. Chips whose attributes cannot be read are left out. */
export async function listChips(sysfsRoot: string = SYSFS_GPIO_ROOT): Promise<ChipInfo[]> {
  let names: string[];
  try {
    names = (await readdir(sysfsRoot)).filter((name) => /^gpiochip\d+$/.test(name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const chips: ChipInfo[] = [];
  for (const name of names) {
    const read = (attr: string) => readFile(join(sysfsRoot, name, attr), 'utf8').then((text) => text.trim());
    try {
      const [label, base, ngpio] = await Promise.all([read('label'), read('base'), read('ngpio')]);
      const chip = { name, label, base: Number(base), ngpio: Number(ngpio) };
      if (Number.isInteger(chip.base) && Number.isInteger(chip.ngpio)) chips.push(chip);
    } catch {
      // a chip going away while we look, or an unreadable one: not ours
    }
  }
  return chips.sort((a, b) => a.base - b.base);
}

/** The chip with the first of the wanted labels that is present. */
export async function findChip(options: FindChipOptions = {}): Promise<ChipInfo> {
  const root = options.sysfsRoot ?? SYSFS_GPIO_ROOT;
  const wanted = typeof options.label === 'string' ? [options.label] : (options.label ?? RASPBERRY_PI_HEADER_CHIPS);
  const chips = await listChips(root);
  for (const label of wanted) {
    const chip = chips.find((c) => c.label === label);
    if (chip) return chip;
  }
  const found = chips.length
    ? `found ${chips.map(describeChip).join(', ')}`
    : `found no GPIO chip there (is this a board with sysfs GPIO, CONFIG_GPIO_SYSFS?)`;
  throw new GpioChipNotFoundError(`no GPIO chip labelled ${wanted.map((l) => `"${l}"`).join(' or ')} under ${root}; ${found}; set the chip's label in config`);
}

export const describeChip = (chip: ChipInfo): string =>
  `${chip.name} "${chip.label}" (${chip.ngpio} lines, ${chip.base}–${chip.base + chip.ngpio - 1})`;

/** The global sysfs number of line `offset`; throws when the chip has no such line. */
export function lineNumber(chip: ChipInfo, offset: number): number {
  if (!Number.isInteger(offset) || offset < 0 || offset >= chip.ngpio) {
    throw new RangeError(`GPIO line ${offset} is not on ${describeChip(chip)}`);
  }
  return chip.base + offset;
}
