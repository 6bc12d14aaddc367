// GPIO indicators on fake lines and a simulated clock: each signal is checked
// as the levels its pins take over time.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeGpioChip } from '../../hal/gpio/fake.ts';
import { openOnoffChip } from '../../hal/gpio/onoff.ts';
import type { GpioChip } from '../../hal/gpio/types.ts';
import { GpioIndicators, type GpioIndicatorsOptions } from '../../hal/indicators/gpio.ts';
import { SimClock } from '../../src/runtime/clock.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { PI3, fakeSysfs, recordingGpio } from './gpio/sysfs.ts';

const GREEN = 17;
const RED = 27;
const BUZZER = 22;

function rig(options: Partial<GpioIndicatorsOptions> = {}) {
  const clock = new SimClock(0);
  const chip = new FakeGpioChip({ clock });
  const indicators = new GpioIndicators({
    green: { line: GREEN },
    red: { line: RED },
    buzzer: { line: BUZZER },
    chip,
    clock,
    logger: silentLogger(),
    ...options,
  });
  /** Physical level changes of a line as [ms, level] pairs. */
  const trace = (line: number) => chip.history(line).map(({ at, level }) => [at, level]);
  return { clock, chip, indicators, trace };
}

const test = suite('indicators/gpio');

test('click: a 15 ms tick of the buzzer, LEDs untouched', async () => {
  const { indicators, clock, trace } = rig();
  await indicators.start();
  clock.advance(100);
  indicators.signal('click');
  clock.advance(2000);
  assert.equal(trace(BUZZER), [[100, 1], [115, 0]]);
  assert.equal(trace(GREEN), []);
  assert.equal(trace(RED), []);
});

test('success: one beep, green for a second', async () => {
  const { indicators, clock, trace } = rig();
  await indicators.start();
  indicators.signal('success');
  clock.advance(3000);
  assert.equal(trace(GREEN), [[0, 1], [1000, 0]]);
  assert.equal(trace(BUZZER), [[0, 1], [150, 0]]);
  assert.equal(trace(RED), []);
});

test('error: three short beeps, red for a second and a half', async () => {
  const { indicators, clock, trace } = rig();
  await indicators.start();
  indicators.signal('error');
  clock.advance(3000);
  assert.equal(trace(RED), [[0, 1], [1500, 0]]);
  assert.equal(trace(BUZZER), [[0, 1], [100, 0], [180, 1], [280, 0], [360, 1], [460, 0]]);
  assert.equal(trace(GREEN), []);
});

test('attention: both LEDs blink twice with a beep each', async () => {
  const { indicators, clock, trace } = rig();
  await indicators.start();
  indicators.signal('attention');
  clock.advance(3000);
  assert.equal(trace(GREEN), [[0, 1], [200, 0], [400, 1], [1000, 0]]);
  assert.equal(trace(RED), [[0, 1], [200, 0], [400, 1], [1000, 0]]);
  assert.equal(trace(BUZZER), [[0, 1], [200, 0], [400, 1], [600, 0]]);
});

test('a new signal replaces the one playing: nothing of the old one happens afterwards', async () => {
  const { indicators, clock, trace } = rig();
  await indicators.start();
  indicators.signal('success');
  clock.advance(500);
  indicators.signal('error');
  clock.advance(3000);
  assert.equal(trace(GREEN), [[0, 1], [500, 0]]);
  assert.equal(trace(RED), [[500, 1], [2000, 0]]);
  assert.equal(trace(BUZZER), [[0, 1], [150, 0], [500, 1], [600, 0], [680, 1], [780, 0], [860, 1], [960, 0]]);
});

test('clicks in quick succession keep the buzzer on until 15 ms after the last', async () => {
  const { indicators, clock, trace } = rig();
  await indicators.start();
  indicators.signal('click');
  clock.advance(10);
  indicators.signal('click');
  clock.advance(100);
  assert.equal(trace(BUZZER), [[0, 1], [25, 0]]);
});

test('stop turns everything off at once, releases the lines, and is idempotent; signals after it are ignored', async () => {
  const { indicators, clock, chip, trace } = rig();
  await indicators.start();
  indicators.signal('attention');
  clock.advance(50);
  await indicators.stop();
  await indicators.stop();
  assert.not.throws(() => indicators.signal('error'));
  clock.advance(3000);
  assert.equal(trace(GREEN), [[0, 1], [50, 0]]);
  assert.equal(trace(BUZZER), [[0, 1], [50, 0]]);
  assert.ok([GREEN, RED, BUZZER].every((line) => !chip.isClaimed(line)));
  await indicators.start();
  indicators.signal('click');
  clock.advance(100);
  assert.equal(trace(BUZZER), [[0, 1], [50, 0], [3050, 1], [3065, 0]]);
  await indicators.stop();
});

test('active-low lines: on is a low pin, and no LED flashes when the lines are opened', async () => {
  const clock = new SimClock(0);
  const chip = new FakeGpioChip({ clock });
  // An LED from 3.3 V to the pin, with a pull-up keeping it dark before we start.
  for (const line of [GREEN, RED]) chip.setPull(line, 'up');
  const indicators = new GpioIndicators({ green: { line: GREEN, activeLow: true }, red: { line: RED, activeLow: true }, buzzer: { line: BUZZER }, chip, clock });
  const mark = chip.history(GREEN).length;
  await indicators.start();
  assert.equal(chip.history(GREEN).slice(mark), [], 'opened at its off level: high');
  assert.ok(chip.isOutput(GREEN) && chip.level(GREEN) === 1);
  indicators.signal('success');
  clock.advance(2000);
  assert.equal(chip.history(GREEN).slice(mark).map(({ at, level }) => [at, level]), [[0, 0], [1000, 1]]);
  assert.equal(chip.level(RED), 1);
  await indicators.stop();
});

test('only a buzzer: the LED steps are skipped; none at all: GPIO is never touched', async () => {
  const { indicators, clock, trace } = rig({ green: undefined, red: undefined });
  await indicators.start();
  indicators.signal('error');
  clock.advance(2000);
  assert.equal(trace(BUZZER), [[0, 1], [100, 0], [180, 1], [280, 0], [360, 1], [460, 0]]);
  await indicators.stop();

  const none = new GpioIndicators({
    chip: async () => {
      throw new Error('no GPIO here');
    },
  });
  await none.start();
  none.signal('success');
  await none.stop();
});

test('a signal before start is ignored', async () => {
  const { indicators, clock, trace } = rig();
  indicators.signal('error');
  clock.advance(100);
  await indicators.start();
  clock.advance(2000);
  assert.equal(trace(RED), []);
});

test('a line that fails to write does not stop the others, and signal never throws', async () => {
  const clock = new SimClock(0);
  const fake = new FakeGpioChip({ clock });
  const chip: GpioChip = {
    description: 'flaky',
    lines: 54,
    open(offset, options) {
      const line = fake.open(offset, options);
      if (offset !== RED) return line;
      return Object.assign(Object.create(line) as typeof line, {
        write: () => {
          throw new Error('EIO');
        },
      });
    },
  };
  const indicators = new GpioIndicators({ green: { line: GREEN }, red: { line: RED }, buzzer: { line: BUZZER }, chip, clock, logger: silentLogger() });
  await indicators.start();
  assert.not.throws(() => indicators.signal('attention'));
  clock.advance(2000);
  assert.equal(fake.history(GREEN).map(({ at, level }) => [at, level]), [[0, 1], [200, 0], [400, 1], [1000, 0]]);
  await indicators.stop();
});

test('patterns can be replaced; bad options are refused at once', async () => {
  const { indicators, clock, trace } = rig({ patterns: { click: [{ ms: 5, on: ['green'] }] } });
  await indicators.start();
  indicators.signal('click');
  clock.advance(100);
  assert.equal(trace(GREEN), [[0, 1], [5, 0]]);
  assert.equal(trace(BUZZER), []);
  assert.throws(() => new GpioIndicators({ green: { line: 4 }, buzzer: { line: 4 } }), /line is given to two outputs/);
  assert.throws(() => new GpioIndicators({ patterns: { error: [{ ms: 0, on: ['red'] }] } }), /pattern error, step 0: ms must be > 0/);
});

test('on a board numbering from 512, lines are opened at 512 + BCM, off, with active-low kept by the kernel', async () => {
  const sysfs = fakeSysfs(PI3);
  try {
    const onoff = recordingGpio();
    const clock = new SimClock(0);
    const indicators = new GpioIndicators({
      green: { line: GREEN, activeLow: true },
      buzzer: { line: BUZZER },
      chip: () => openOnoffChip({ sysfsRoot: sysfs.root, loadGpio: onoff.loadGpio }),
      clock,
    });
    await indicators.start();
    assert.equal(
      onoff.made.map(({ number, direction, activeLow }) => ({ number, direction, activeLow })),
      [
        { number: 529, direction: 'high', activeLow: true },
        { number: 534, direction: 'low', activeLow: false },
      ],
    );
    indicators.signal('success');
    clock.advance(2000);
    assert.equal(onoff.made[0]!.writes, [1, 0], 'logical values: the kernel inverts them');
    await indicators.stop();
    assert.ok(onoff.made.every((g) => g.unexported));
  } finally {
    sysfs.remove();
  }
});

test.run();
