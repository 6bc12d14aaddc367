// A GPIO chip made of wires, for tests and benches: lines have pull
// resistors, outputs drive their net, inputs read it, and switches (a key, a
// jumper) join two lines into one net. A net's level is that of its
// driver(s); without one, that of its pulls; without pulls (or with both
// pulls at once: a divider) it floats and reads `floating`. Two outputs
// driving a net to different levels is a short circuit: recorded in
// `faults` (a real pin would be fighting another one) and the net reads low.
//
// Like the kernel, direction `high` / `low` is a physical level and
// active_low only changes what value / write / edges mean (types.ts).
// Watchers are called synchronously when an edge happens, after every
// level has settled.
import type { Direction, Edge, GpioChip, GpioLine, Level, LineOptions } from './types.ts';

export type Pull = 'up' | 'down' | 'none';

export interface FakeGpioChipOptions {
  /** Number of lines (default 54, a BCM2835's). */
  lines?: number;
  description?: string;
  /** Timestamps of history() and faults (default: always 0). */
  clock?: { now(): number };
  /** What a floating input reads (default 0). */
  floating?: Level;
}

export interface LevelChange {
  at: number;
  level: Level;
}

/** A switch between two lines: a key of a matrix, a jumper. */
export interface FakeSwitch {
  readonly closed: boolean;
  set(closed: boolean): void;
}

interface LineState {
  pull: Pull;
  /** The line object that holds it, or null when free. */
  owner: FakeLine | null;
  /** Physical level driven, or null for an input. */
  driven: Level | null;
  activeLow: boolean;
  edge: Edge;
  watchers: Set<(value: Level) => void>;
  level: Level;
  history: LevelChange[];
}

export class FakeGpioChip implements GpioChip {
  readonly description: string;
  readonly lines: number;
  readonly #clock: { now(): number };
  readonly #floating: Level;
  readonly #state: LineState[];
  readonly #switches = new Set<{ a: number; b: number; closed: boolean }>();
  readonly #faults: string[] = [];
  readonly #touched = new Set<number>();
  #reads = 0;

  constructor(options: FakeGpioChipOptions = {}) {
    this.lines = options.lines ?? 54;
    this.description = options.description ?? `fake GPIO chip (${this.lines} lines)`;
    this.#clock = options.clock ?? { now: () => 0 };
    this.#floating = options.floating ?? 0;
    this.#state = Array.from({ length: this.lines }, () => ({
      pull: 'none' as Pull,
      owner: null,
      driven: null,
      activeLow: false,
      edge: 'none' as Edge,
      watchers: new Set<(value: Level) => void>(),
      level: this.#floating,
      history: [],
    }));
  }

  open(offset: number, options: LineOptions): GpioLine {
    const state = this.#touch(offset);
    if (state.owner) throw new Error(`GPIO line ${offset} of ${this.description} is already in use`);
    const line = new FakeLine(offset, this);
    state.owner = line;
    // In onoff's order: active_low, then direction, then edge.
    state.activeLow = options.activeLow ?? false;
    try {
      line.setDirection(options.direction);
      if (options.edge) line.setEdge(options.edge);
    } catch (error) {
      this.free(line);
      throw error;
    }
    return line;
  }

  // ---- back door ----

  setPull(offset: number, pull: Pull): void {
    this.#touch(offset).pull = pull;
    this.settle();
  }

  /** A switch between lines `a` and `b`, open at first. */
  switch(a: number, b: number): FakeSwitch {
    this.#touch(a);
    this.#touch(b);
    const sw = { a, b, closed: false };
    this.#switches.add(sw);
    return {
      get closed() {
        return sw.closed;
      },
      set: (closed: boolean) => {
        if (sw.closed === closed) return;
        sw.closed = closed;
        this.settle();
      },
    };
  }

  /** The physical level on line `offset` now. */
  level(offset: number): Level {
    return this.#line(offset).level;
  }

  /** Every change of the physical level of line `offset`, oldest first. */
  history(offset: number): readonly LevelChange[] {
    return [...this.#line(offset).history];
  }

  isClaimed(offset: number): boolean {
    return this.#line(offset).owner !== null;
  }

  /** Is line `offset` an output now? */
  isOutput(offset: number): boolean {
    return this.#line(offset).driven !== null;
  }

  /** Short circuits seen so far, with their time. */
  get faults(): readonly string[] {
    return [...this.#faults];
  }

  /** How many times a line was read: a driver that polls when idle shows here. */
  get reads(): number {
    return this.#reads;
  }

  // ---- used by FakeLine ----

  /** @internal The state of the line that `line` holds; throws once it was released. */
  state(line: FakeLine): LineState {
    const state = this.#line(line.offset);
    if (state.owner !== line) throw new Error(`GPIO line ${line.offset} was released`);
    return state;
  }

  /** @internal */
  free(line: FakeLine): void {
    const state = this.#line(line.offset);
    if (state.owner !== line) return;
    state.owner = null;
    state.driven = null;
    state.activeLow = false;
    state.edge = 'none';
    state.watchers.clear();
    this.settle();
  }

  /** @internal */
  countRead(): void {
    this.#reads++;
  }

  /** Recomputes every net; records level changes and calls watchers of the edges. */
  settle(): void {
    const calls: Array<() => void> = [];
    const now = this.#clock.now();
    for (const members of this.#nets()) {
      const level = this.#netLevel(members);
      for (const offset of members) {
        const state = this.#state[offset]!;
        if (level === state.level) continue;
        const before = state.level ^ (state.activeLow ? 1 : 0);
        const after = (level ^ (state.activeLow ? 1 : 0)) as Level;
        state.level = level;
        state.history.push({ at: now, level });
        const wanted = state.edge === 'both' || (state.edge === 'rising' && after > before) || (state.edge === 'falling' && after < before);
        if (state.owner && wanted) for (const watcher of [...state.watchers]) calls.push(() => watcher(after));
      }
    }
    for (const call of calls) call();
  }

  #line(offset: number): LineState {
    const state = this.#state[offset];
    if (!state) throw new RangeError(`GPIO line ${offset} is not on ${this.description}`);
    return state;
  }

  /** A line that was never opened, pulled or wired floats for ever: only the others are worked out. */
  #touch(offset: number): LineState {
    const state = this.#line(offset);
    this.#touched.add(offset);
    return state;
  }

  /** The nets: lines joined by closed switches. */
  #nets(): number[][] {
    const parent = new Map<number, number>();
    for (const i of this.#touched) parent.set(i, i);
    const find = (i: number): number => {
      const p = parent.get(i)!;
      if (p === i) return i;
      const root = find(p);
      parent.set(i, root);
      return root;
    };
    for (const sw of this.#switches) if (sw.closed) parent.set(find(sw.a), find(sw.b));
    const byRoot = new Map<number, number[]>();
    for (const i of this.#touched) {
      const root = find(i);
      const members = byRoot.get(root);
      if (members) members.push(i);
      else byRoot.set(root, [i]);
    }
    return [...byRoot.values()];
  }

  #netLevel(members: number[]): Level {
    let high = false;
    let low = false;
    let up = false;
    let down = false;
    for (const i of members) {
      const state = this.#state[i]!;
      if (state.driven === 1) high = true;
      else if (state.driven === 0) low = true;
      else if (state.pull === 'up') up = true;
      else if (state.pull === 'down') down = true;
    }
    if (high && low) {
      const drivers = (level: Level) => members.filter((i) => this.#state[i]!.driven === level).join(', ');
      this.#faults.push(`${this.#clock.now()}: short circuit between lines ${drivers(1)} (high) and ${drivers(0)} (low)`);
      return 0;
    }
    if (high || low) return high ? 1 : 0;
    // Both pulls at once make a divider: as undefined as no pull at all.
    if (up !== down) return up ? 1 : 0;
    return this.#floating;
  }
}

class FakeLine implements GpioLine {
  constructor(
    readonly offset: number,
    readonly chip: FakeGpioChip,
  ) {}

  setDirection(direction: Direction): void {
    const state = this.chip.state(this);
    state.driven = direction === 'in' ? null : direction === 'high' ? 1 : 0;
    if (state.driven !== null) state.edge = 'none';
    this.chip.settle();
  }

  setActiveLow(activeLow: boolean): void {
    // Only the meaning of value changes; the pin stays where it is.
    this.chip.state(this).activeLow = activeLow;
  }

  setEdge(edge: Edge): void {
    const state = this.chip.state(this);
    // Many chips answer EIO to an edge on an output (onoff issue #87).
    if (state.driven !== null && edge !== 'none') throw new Error(`EIO: edge on output GPIO line ${this.offset}`);
    state.edge = edge;
  }

  read(): Level {
    const state = this.chip.state(this);
    this.chip.countRead();
    return (state.level ^ (state.activeLow ? 1 : 0)) as Level;
  }

  write(value: Level): void {
    const state = this.chip.state(this);
    // What a Raspberry Pi answers to a write on an input.
    if (state.driven === null) throw new Error(`EPERM: write to input GPIO line ${this.offset}`);
    state.driven = (value ^ (state.activeLow ? 1 : 0)) as Level;
    this.chip.settle();
  }

  watch(listener: (value: Level) => void): () => void {
    const state = this.chip.state(this);
    const own = (value: Level) => listener(value);
    state.watchers.add(own);
    return () => state.watchers.delete(own);
  }

  release(): void {
    // A BCM2835 puts a freed line back to input (bcm2835_pmx_gpio_disable_free()).
    this.chip.free(this);
  }
}
