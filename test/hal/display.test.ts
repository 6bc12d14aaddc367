import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SimDisplay } from '../../hal/display/sim.ts';
import { displayContract } from './display.contract.ts';

const contract = displayContract('sim', (size) => {
  const display = new SimDisplay({ size });
  return {
    display,
    shown: () => display.text().split('\n'),
    emphasised: () => display.frame()?.emphasis ?? [],
  };
});

const test = suite('display/sim back door');
const size = { rows: 3, cols: 12 };

test('text() is empty before the first frame, then the rows without trailing spaces', () => {
  const display = new SimDisplay({ size });
  assert.is(display.text(), '');
  assert.is(display.frame(), null);
  display.render({ rows: ['Refund  ', '12.34', ''] });
  assert.is(display.text(), 'Refund\n12.34\n');
  assert.equal(display.frame()!.rows, ['Refund      ', '12.34       ', '            ']);
});

test('frames() counts every render while history() stays bounded', () => {
  const display = new SimDisplay({ size, historyLimit: 3 });
  for (let i = 0; i < 10; i++) display.render({ rows: [`n${i}`, '', ''] });
  assert.is(display.frames(), 10);
  assert.equal(
    display.history().map((f) => f.rows[0]!.trim()),
    ['n7', 'n8', 'n9'],
  );
});

test('a frame that does not fit is recorded in problems(); a fitting one is not', () => {
  const display = new SimDisplay({ size });
  display.render({ rows: ['ok', '', ''] });
  assert.equal(display.problems(), []);
  display.render({ rows: ['退款成功退款成功', ''] });
  const problems = display.problems();
  assert.is(problems.length, 1);
  assert.match(problems[0]!, /2 rows for a 3-row display/);
  assert.match(problems[0]!, /row 0 is 16 cells wide, cut to 12/);
  assert.is(display.text(), '退款成功退款\n\n');
});

test('waitFor resolves at once when the current frame matches', async () => {
  const display = new SimDisplay({ size });
  display.render({ rows: ['APPROVED', '', ''] });
  const frame = await display.waitFor(/APPROVED/, 10);
  assert.is(frame.rows[0]!.trim(), 'APPROVED');
});

test('waitFor resolves on a later frame that matches a regexp or a predicate', async () => {
  const display = new SimDisplay({ size });
  display.render({ rows: ['Processing', '', ''] });
  const byRegexp = display.waitFor(/QUEUED/, 1000);
  const byPredicate = display.waitFor((text) => text.includes('12.34'), 1000);
  setTimeout(() => display.render({ rows: ['QUEUED', '12.34', ''] }), 5);
  assert.is((await byRegexp).rows[0]!.trim(), 'QUEUED');
  assert.is((await byPredicate).rows[1]!.trim(), '12.34');
});

test('waitFor rejects after its time-out, showing what was on screen', async () => {
  const display = new SimDisplay({ size });
  display.render({ rows: ['DECLINED', '', ''] });
  try {
    await display.waitFor(/APPROVED/, 20);
    assert.unreachable('should have timed out');
  } catch (error) {
    assert.instance(error, Error);
    assert.match((error as Error).message, /within 20 ms/);
    assert.match((error as Error).message, /DECLINED/);
  }
});

contract.run();
test.run();
