// Test helpers: a sysfs GPIO folder of our own (gpiochipN/base, label,
// ngpio) and a stand-in for onoff's Gpio class that records what it is asked.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OnoffGpio, OnoffGpioClass } from '../../../hal/gpio/onoff.ts';
import type { Direction, Edge, Level } from '../../../hal/gpio/types.ts';

export interface FakeChipEntry {
  label: string;
  base: number;
  ngpio: number;
}

/** A Raspberry Pi 3 / Zero 2 W on a 6.6 kernel. */
export const PI3: FakeChipEntry[] = [{ label: 'pinctrl-bcm2835', base: 512, ngpio: 54 }];
/** A Raspberry Pi 5 (6.6): the SoC's own chips first, the header behind RP1 at 571. */
export const PI5: FakeChipEntry[] = [
  { label: 'gpio-brcmstb@107d508500', base: 512, ngpio: 32 },
  { label: 'gpio-brcmstb@107d508520', base: 544, ngpio: 4 },
  { label: 'gpio-brcmstb@107d517c00', base: 548, ngpio: 17 },
  { label: 'gpio-brcmstb@107d517c20', base: 565, ngpio: 6 },
  { label: 'pinctrl-rp1', base: 571, ngpio: 54 },
];

/** A temp folder laid out as /sys/class/gpio with these chips; remove() when done. */
export function fakeSysfs(chips: readonly FakeChipEntry[]): { root: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'scanpos-sysfs-gpio-'));
  writeFileSync(join(root, 'export'), '');
  writeFileSync(join(root, 'unexport'), '');
  for (const chip of chips) {
    const dir = join(root, `gpiochip${chip.base}`);
    mkdirSync(dir);
    // As the kernel writes them: one value and a newline.
    writeFileSync(join(dir, 'label'), `${chip.label}\n`);
    writeFileSync(join(dir, 'base'), `${chip.base}\n`);
    writeFileSync(join(dir, 'ngpio'), `${chip.ngpio}\n`);
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

type Callback = (err: Error | null | undefined, value: Level) => void;

export interface RecordedGpio {
  number: number;
  direction: Direction;
  edge: Edge | undefined;
  activeLow: boolean;
  unexported: boolean;
  watchers: Callback[];
  writes: Level[];
}

/**
 * A class shaped like onoff's Gpio that records each line made (and reads
 * `readValue`, default 1), so the adapter can be checked without sysfs.
 */
export function recordingGpio(options: { readValue?: Level; fail?: NodeJS.ErrnoException } = {}) {
  const made: RecordedGpio[] = [];
  class Gpio implements OnoffGpio {
    readonly rec: RecordedGpio;
    constructor(number: number, direction: Direction, edge: Edge | undefined, opts: { activeLow: boolean }) {
      if (options.fail) throw options.fail;
      this.rec = { number, direction, edge, activeLow: opts.activeLow, unexported: false, watchers: [], writes: [] };
      made.push(this.rec);
    }
    readSync(): Level {
      return options.readValue ?? 1;
    }
    writeSync(value: Level): void {
      this.rec.writes.push(value);
    }
    setDirection(direction: Direction): void {
      this.rec.direction = direction;
    }
    setEdge(edge: Edge): void {
      this.rec.edge = edge;
    }
    setActiveLow(invert: boolean): void {
      this.rec.activeLow = invert;
    }
    watch(callback: Callback): void {
      this.rec.watchers.push(callback);
    }
    unwatch(callback?: Callback): void {
      this.rec.watchers = callback ? this.rec.watchers.filter((w) => w !== callback) : [];
    }
    unexport(): void {
      this.rec.watchers = [];
      this.rec.unexported = true;
    }
  }
  return { Gpio: Gpio as OnoffGpioClass, made, loadGpio: async () => Gpio as OnoffGpioClass };
}
