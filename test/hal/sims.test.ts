import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SimKeypad } from '../../hal/keypad/sim.ts';
import { SimPrinter } from '../../hal/printer/sim.ts';
import { SimScanner } from '../../hal/scanner/sim.ts';
import { registerSims, sim, sims, unregisterSims } from '../../hal/sims.ts';
import type { Key } from '../../hal/keypad/types.ts';

const test = suite('hal/sims registry');

test('a test reaches the simulators a terminal registered, by its id', async () => {
  // What a composition root does with the instances it creates…
  const keypad = new SimKeypad();
  const keys: Key[] = [];
  keypad.onKey((key) => keys.push(key));
  await keypad.start();
  registerSims('T-REG-1', { keypad });
  // …and what a test does without holding them.
  sims('T-REG-1').keypad!.type('7[OK]');
  assert.equal(keys, ['7', 'OK']);
  unregisterSims('T-REG-1');
});

test('registrations add up, and a device given again replaces the old one', () => {
  const first = new SimScanner();
  const second = new SimScanner();
  const printer = new SimPrinter();
  registerSims('T-REG-2', { scanner: first });
  registerSims('T-REG-2', { printer });
  registerSims('T-REG-2', { scanner: second });
  assert.is(sims('T-REG-2').scanner, second);
  assert.is(sims('T-REG-2').printer, printer);
  assert.is(sim('T-REG-2', 'printer'), printer);
  unregisterSims('T-REG-2');
});

test('asking for an unknown terminal or a device it does not simulate says which', () => {
  registerSims('T-REG-3', { keypad: new SimKeypad() });
  assert.throws(() => sims('T-NOPE'), /no simulators registered for terminal "T-NOPE" \(registered: .*T-REG-3/);
  assert.throws(() => sim('T-REG-3', 'link'), /terminal "T-REG-3" has no simulated link/);
  unregisterSims('T-REG-3');
  assert.throws(() => sims('T-REG-3'), /no simulators registered for terminal "T-REG-3"/);
  unregisterSims('T-REG-3'); // forgetting twice is harmless
});

test.run();
