// LEDs and buzzer on GPIO lines: a green LED, a red LED and an active buzzer
// (one with its own oscillator: sysfs GPIO cannot make the tone a passive
// buzzer needs). Each is optional; with none configured the driver never
// touches GPIO at all. A signal plays a pattern of timed steps
// (gpio-patterns.ts); a new signal replaces the one playing.
//
// Outputs are opened at their "off" level, which for an active-low line is
// the physical high: the kernel takes `high` / `low` as raw levels whatever
// active_low says (hal/gpio/types.ts), so an LED never flashes at start.
import type { Logger } from '../../src/runtime/log.ts';
import { systemClock, type Clock } from '../../src/runtime/clock.ts';
import { after } from '../gpio/timing.ts';
import { openOnoffChip } from '../gpio/onoff.ts';
import { resolveChip, type ChipSource, type GpioLine } from '../gpio/types.ts';
import { DEFAULT_PATTERNS, OUTPUTS, checkPattern, type Output, type Pattern } from './gpio-patterns.ts';
import type { Indicators, Signal } from './types.ts';

export interface IndicatorLine {
  /** Offset on the chip (BCM number on a Raspberry Pi). */
  line: number;
  /** On when the pin is low (an LED wired from 3.3 V to the pin); default false. */
  activeLow?: boolean;
}

export interface GpioIndicatorsOptions {
  green?: IndicatorLine;
  red?: IndicatorLine;
  buzzer?: IndicatorLine;
  /** Replace some of the default patterns. */
  patterns?: Partial<Record<Signal, Pattern>>;
  /** Default: the board's header chip through onoff, found by `chipLabel` at start(). */
  chip?: ChipSource;
  chipLabel?: string;
  clock?: Clock;
  logger?: Logger;
}

export class GpioIndicators implements Indicators {
  readonly #options: GpioIndicatorsOptions;
  readonly #patterns: Record<Signal, Pattern>;
  readonly #clock: Clock;
  readonly #source: ChipSource;
  readonly #lines = new Map<Output, { line: GpioLine; on: boolean }>();
  #started = false;
  #starting: Promise<void> | undefined;
  #cancel: (() => void) | undefined;

  constructor(options: GpioIndicatorsOptions = {}) {
    const used = OUTPUTS.flatMap((name) => (options[name] ? [options[name].line] : []));
    if (new Set(used).size !== used.length) throw new Error(`indicators: a GPIO line is given to two outputs (${used.join(', ')})`);
    this.#patterns = { ...DEFAULT_PATTERNS, ...options.patterns };
    for (const [signal, pattern] of Object.entries(this.#patterns)) checkPattern(signal, pattern);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#source =
      options.chip ?? (() => openOnoffChip({ ...(options.chipLabel ? { label: options.chipLabel } : {}), ...(options.logger ? { logger: options.logger } : {}) }));
  }

  signal(signal: Signal): void {
    if (!this.#started) return;
    const pattern = this.#patterns[signal];
    if (!pattern) return;
    this.#cancel?.();
    this.#play(pattern, 0);
  }

  start(): Promise<void> {
    if (this.#started) return Promise.resolve();
    this.#starting ??= this.#start().finally(() => (this.#starting = undefined));
    return this.#starting;
  }

  stop(): Promise<void> {
    if (this.#starting) return this.#starting.catch(() => {}).then(() => this.#halt());
    this.#halt();
    return Promise.resolve();
  }

  #halt(): void {
    if (!this.#started) return;
    this.#started = false;
    this.#cancel?.();
    this.#cancel = undefined;
    this.#show([]);
    for (const { line } of this.#lines.values()) this.#safely(() => line.release());
    this.#lines.clear();
  }

  async #start(): Promise<void> {
    const wanted = OUTPUTS.flatMap((name) => {
      const config = this.#options[name];
      return config ? [{ name, ...config }] : [];
    });
    if (wanted.length) {
      const chip = await resolveChip(this.#source);
      try {
        for (const { name, line, activeLow = false } of wanted) {
          this.#lines.set(name, { line: chip.open(line, { direction: activeLow ? 'high' : 'low', activeLow }), on: false });
        }
      } catch (error) {
        for (const { line } of this.#lines.values()) this.#safely(() => line.release());
        this.#lines.clear();
        throw error;
      }
    }
    this.#started = true;
  }

  #play(pattern: Pattern, index: number): void {
    const step = pattern[index];
    this.#show(step?.on ?? []);
    this.#cancel = step ? after(this.#clock, step.ms, () => this.#play(pattern, index + 1)) : undefined;
  }

  /** Turns on exactly `on`; writes only the lines that change. */
  #show(on: readonly Output[]): void {
    for (const [name, output] of this.#lines) {
      const want = on.includes(name);
      if (want === output.on) continue;
      this.#safely(() => {
        output.line.write(want ? 1 : 0);
        output.on = want;
      });
    }
  }

  /** Indicators never throw (contract): a failing line is logged and the rest carries on. */
  #safely(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#options.logger?.warn({ err: error }, 'indicator GPIO failed');
    }
  }
}
