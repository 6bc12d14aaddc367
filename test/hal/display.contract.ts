// Contract suite of a display (hal/display/types.ts), run against any driver.
// `shown` reads back what the device shows when that is possible (the
// simulator, or a TTY through a terminal model); on a real panel it is
// absent and only the never-throw / lifecycle guarantees are checked.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Display, DisplaySize } from '../../hal/display/types.ts';

export interface DisplayUnderTest {
  display: Display;
  /** The rows shown now, trailing spaces trimmed. */
  shown?: () => string[];
  /** Row indexes shown emphasised now. */
  emphasised?: () => number[];
}

export type DisplayFactory = (size: DisplaySize) => DisplayUnderTest | Promise<DisplayUnderTest>;

const SIZE: DisplaySize = { rows: 4, cols: 16 };

export function displayContract(name: string, make: DisplayFactory) {
  const test = suite(`display contract: ${name}`);

  const started = async () => {
    const under = await make(SIZE);
    await under.display.start();
    return under;
  };

  test('has the size it was made with', async () => {
    const { display } = await make(SIZE);
    assert.equal(display.size, SIZE);
  });

  test('shows the rows of a frame', async () => {
    const { display, shown } = await started();
    display.render({ rows: ['Refund', 'Amount 12.34', '', 'OK to confirm'] });
    if (shown) assert.equal(shown(), ['Refund', 'Amount 12.34', '', 'OK to confirm']);
    await display.stop();
  });

  test('shows Chinese text at two cells per character', async () => {
    const { display, shown } = await started();
    display.render({ rows: ['退款成功', '金额 12.34', '请撕下收据', ''] });
    if (shown) assert.equal(shown(), ['退款成功', '金额 12.34', '请撕下收据', '']);
    await display.stop();
  });

  test('a new frame replaces the old one entirely (no leftovers of longer rows)', async () => {
    const { display, shown } = await started();
    display.render({ rows: ['Enter amount', '1234567890', 'CANCEL to quit', '退款退款退款退款'] });
    display.render({ rows: ['Scan code', '', 'OK', 'x'] });
    if (shown) assert.equal(shown(), ['Scan code', '', 'OK', 'x']);
    await display.stop();
  });

  test('rows that are too wide are cut at the edge, never wrapping into the next row', async () => {
    const { display, shown } = await started();
    display.render({ rows: ['ABCDEFGHIJKLMNOPQRSTUVWXYZ', '退款成功退款成功退款', 'a', 'b'] });
    if (shown) assert.equal(shown(), ['ABCDEFGHIJKLMNOP', '退款成功退款成功', 'a', 'b']);
    await display.stop();
  });

  test('never throws on a frame of the wrong shape', async () => {
    const { display, shown } = await started();
    display.render({ rows: ['only one'] });
    if (shown) assert.equal(shown(), ['only one', '', '', '']);
    display.render({ rows: ['1', '2', '3', '4', '5', '6'], emphasis: [-1, 9, 1.5] });
    if (shown) assert.equal(shown(), ['1', '2', '3', '4']);
    display.render({ rows: ['退'.repeat(9), '\x1b[2J', '', ''] });
    if (shown) assert.equal(shown()[0], '退'.repeat(8));
    await display.stop();
  });

  test('emphasised rows are shown emphasised, and stop being so', async () => {
    const { display, emphasised } = await started();
    display.render({ rows: ['Menu', '1 Sale', '2 Refund', ''], emphasis: [2] });
    if (emphasised) assert.equal(emphasised(), [2]);
    display.render({ rows: ['Menu', '1 Sale', '2 Refund', ''], emphasis: [1] });
    if (emphasised) assert.equal(emphasised(), [1]);
    await display.stop();
  });

  test('start and stop are idempotent, and stop without start is harmless', async () => {
    const { display } = await make(SIZE);
    await display.stop();
    await display.start();
    await display.start();
    display.render({ rows: ['a', 'b', 'c', 'd'] });
    await display.stop();
    await display.stop();
  });

  return test;
}
