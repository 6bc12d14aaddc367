// The GPIO port on a real board: the kernel's sysfs GPIO interface through
// `onoff`. onoff is imported only when a chip is opened, because it loads
// `epoll`, a native addon that works only on Linux (elsewhere its Epoll is an
// empty object and every `new Gpio()` throws).
//
// What onoff does that the port contract has to account for:
// - it takes global sysfs numbers and always uses /sys/class/gpio: the chip
//   base is found first (chip.ts) and added to every offset here;
// - it writes active_low *before* direction, and direction `high` / `low` is
//   a raw level (see Direction in types.ts), so an active-low output is
//   opened with the physical level of "off";
// - on a line exported earlier (a crash without unexport) it swallows every
//   configuration error, so a line busy elsewhere "opens" anyway;
// - watch() calls back only for the edge it was given (it reads the value
//   when epoll wakes up and drops values the edge does not want), and never
//   when no edge was set;
// - the constructor is synchronous and may spin up to 10 000 open() calls
//   waiting for udev to fix the permissions of a newly exported line.
import type { Logger } from '../../src/runtime/log.ts';
import { findChip, lineNumber, describeChip, type ChipInfo, type FindChipOptions } from './chip.ts';
import type { Direction, Edge, GpioChip, GpioLine, Level, LineOptions } from './types.ts';

type Callback = (err: Error | null | undefined, value: Level) => void;

/** The part of onoff's `Gpio` this port uses; tests give a recording class of this shape. */
export interface OnoffGpio {
  readSync(): Level;
  writeSync(value: Level): void;
  setDirection(direction: Direction): void;
  setEdge(edge: Edge): void;
  setActiveLow(invert: boolean): void;
  watch(callback: Callback): void;
  unwatch(callback?: Callback): void;
  unexport(): void;
}

export type OnoffGpioClass = new (
  gpio: number,
  direction: Direction,
  edge: Edge | undefined,
  options: { activeLow: boolean; reconfigureDirection: boolean },
) => OnoffGpio;

export interface OnoffChipOptions extends FindChipOptions {
  /** Default: `Gpio` from the onoff package, imported now. */
  loadGpio?: () => Promise<OnoffGpioClass>;
  logger?: Logger;
}

const loadOnoff = async (): Promise<OnoffGpioClass> => {
  const onoff = await import('onoff');
  return onoff.Gpio as unknown as OnoffGpioClass;
};

/** Finds the chip (by label, under the sysfs root) and opens it through onoff. */
export async function openOnoffChip(options: OnoffChipOptions = {}): Promise<GpioChip> {
  const info = await findChip(options);
  const Gpio = await (options.loadGpio ?? loadOnoff)();
  return new OnoffChip(info, Gpio, options.logger);
}

class OnoffChip implements GpioChip {
  readonly description: string;
  readonly lines: number;
  readonly #claimed = new Set<number>();

  constructor(
    readonly info: ChipInfo,
    readonly Gpio: OnoffGpioClass,
    readonly logger: Logger | undefined,
  ) {
    this.description = describeChip(info);
    this.lines = info.ngpio;
  }

  open(offset: number, options: LineOptions): GpioLine {
    const number = lineNumber(this.info, offset);
    if (this.#claimed.has(offset)) throw new Error(`GPIO line ${offset} of ${this.description} is already in use`);
    const edge = options.direction === 'in' ? (options.edge ?? 'none') : undefined;
    let gpio: OnoffGpio;
    try {
      gpio = new this.Gpio(number, options.direction, edge, { activeLow: options.activeLow ?? false, reconfigureDirection: true });
    } catch (error) {
      const hint = (error as NodeJS.ErrnoException).code === 'EACCES' ? ' (the user needs the gpio group)' : '';
      throw new Error(`cannot open GPIO line ${offset} (sysfs ${number}) of ${this.description}${hint}: ${(error as Error).message}`, { cause: error });
    }
    this.#claimed.add(offset);
    return new OnoffLine(offset, gpio, () => this.#claimed.delete(offset), this.logger);
  }
}

class OnoffLine implements GpioLine {
  #released = false;

  constructor(
    readonly offset: number,
    readonly gpio: OnoffGpio,
    readonly onRelease: () => void,
    readonly logger: Logger | undefined,
  ) {}

  setDirection(direction: Direction): void {
    this.gpio.setDirection(direction);
  }

  setActiveLow(activeLow: boolean): void {
    this.gpio.setActiveLow(activeLow);
  }

  setEdge(edge: Edge): void {
    this.gpio.setEdge(edge);
  }

  read(): Level {
    return this.gpio.readSync();
  }

  write(value: Level): void {
    this.gpio.writeSync(value);
  }

  watch(listener: (value: Level) => void): () => void {
    const callback: Callback = (err, value) => {
      if (err) this.logger?.warn({ err, line: this.offset }, 'GPIO watch failed');
      else listener(value);
    };
    this.gpio.watch(callback);
    return () => this.gpio.unwatch(callback);
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.onRelease();
    // unexport() also stops every watcher and closes the value file.
    this.gpio.unexport();
  }
}
