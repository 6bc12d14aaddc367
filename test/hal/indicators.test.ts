import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SimIndicators } from '../../hal/indicators/sim.ts';

const test = suite('indicators');

test('the simulator records every signal in order', async () => {
  const indicators = new SimIndicators();
  await indicators.start();
  assert.is(indicators.last(), null);
  indicators.signal('click');
  indicators.signal('error');
  indicators.signal('attention');
  assert.equal(indicators.signals(), ['click', 'error', 'attention']);
  assert.is(indicators.last(), 'attention');
  indicators.clear();
  assert.equal(indicators.signals(), []);
  await indicators.stop();
  await indicators.stop();
});

test.run();
