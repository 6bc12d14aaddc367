// GPIO port contract: the little that the keypad and indicator drivers need
// from a chip's lines. One implementation drives the kernel's sysfs GPIO
// interface through `onoff` (onoff.ts); a fake models the electricity
// (fake.ts), so that drivers are tested against wires, not against echoes.
//
// Lines are named by their offset on the chip (BCM 17 is offset 17), never
// by a global sysfs number: that depends on where the kernel put the chip
// (0 on old kernels, 512 or 571 on new ones) and is found at run time.

/** A logical value: 1 is "active" (high, or low on an active-low line). */
export type Level = 0 | 1;

/**
 * As the sysfs `direction` attribute: `in`, or an output starting at the
 * *physical* level `high` / `low`. The kernel ignores active_low here
 * (gpiolib-sysfs.c direction_store() calls gpiod_direction_output_raw()), so
 * an active-low LED starts off with `high`. Plain "out" is left out on
 * purpose: it means `low`, which would flash an active-low LED at start.
 * https://docs.kernel.org/admin-guide/gpio/sysfs.html
 */
export type Direction = 'in' | 'high' | 'low';

/** Which changes of the logical value an input reports to watch(). */
export type Edge = 'none' | 'rising' | 'falling' | 'both';

export interface LineOptions {
  direction: Direction;
  /** Invert value reads, writes and edges (sysfs `active_low`); default false. */
  activeLow?: boolean;
  /** Default 'none': a line without an edge never calls its watchers. */
  edge?: Edge;
}

export interface GpioLine {
  /** Offset on its chip (BCM number on a Raspberry Pi header). */
  readonly offset: number;
  setDirection(direction: Direction): void;
  setActiveLow(activeLow: boolean): void;
  setEdge(edge: Edge): void;
  /** The logical level, read back from the pin (outputs too). */
  read(): Level;
  /** Sets an output's logical level. */
  write(value: Level): void;
  /**
   * Calls `listener` with the value read after an edge (asynchronously on
   * real hardware: by then the pin may have moved again). Returns a function
   * that stops this listener.
   */
  watch(listener: (value: Level) => void): () => void;
  /** Gives the line back (sysfs unexport); the line is not used afterwards. Idempotent. */
  release(): void;
}

export interface GpioChip {
  /** What the chip calls itself, for messages: `gpiochip512 "pinctrl-bcm2835"`. */
  readonly description: string;
  /** Number of lines; offsets run from 0 to lines - 1. */
  readonly lines: number;
  /** Claims line `offset` and configures it. Throws when it is already claimed. */
  open(offset: number, options: LineOptions): GpioLine;
}

/** Chips the drivers can be given: a chip, or a way to open one (lazily, at start()). */
export type ChipSource = GpioChip | (() => Promise<GpioChip>);

export const resolveChip = async (source: ChipSource): Promise<GpioChip> => (typeof source === 'function' ? source() : source);
