import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SimKeypad, parseKeys } from '../../hal/keypad/sim.ts';
import type { Key } from '../../hal/keypad/types.ts';
import { keypadContract } from './keypad.contract.ts';

const contract = keypadContract('sim', () => {
  const keypad = new SimKeypad();
  return { keypad, press: (key) => void keypad.press(key) };
});

const test = suite('keypad/sim back door');

async function started() {
  const keypad = new SimKeypad();
  const keys: Key[] = [];
  keypad.onKey((key) => keys.push(key));
  await keypad.start();
  return { keypad, keys };
}

test('type() presses digits and bracketed keys in order, ignoring spaces', async () => {
  const { keypad, keys } = await started();
  assert.ok(keypad.type('2 120[OK]'));
  keypad.type('[CLEAR][CANCEL][F1][F2][F3][F4]');
  assert.equal(keys, ['2', '1', '2', '0', 'OK', 'CLEAR', 'CANCEL', 'F1', 'F2', 'F3', 'F4']);
});

test('type() also takes an array of keys', async () => {
  const { keypad, keys } = await started();
  keypad.type(['9', 'OK']);
  assert.equal(keys, ['9', 'OK']);
});

test('an unknown key is refused before anything is pressed', async () => {
  const { keypad, keys } = await started();
  assert.throws(() => keypad.type('12[ENTER]'), /unknown key "\[ENTER\]"/);
  assert.throws(() => keypad.type('12a'), /unknown key "a".*\[OK\]/);
  assert.throws(() => keypad.type('12[OK'), /unknown key/);
  assert.throws(() => keypad.press('ENTER' as Key), /unknown key/);
  assert.equal(keys, []);
});

test('press() and type() return false and deliver nothing while stopped', async () => {
  const keypad = new SimKeypad();
  const keys: Key[] = [];
  keypad.onKey((key) => keys.push(key));
  assert.is(keypad.press('1'), false);
  assert.is(keypad.type('12[OK]'), false);
  assert.equal(keys, []);
});

test('parseKeys reads the notation without a keypad', () => {
  assert.equal(parseKeys('0[OK]'), ['0', 'OK']);
  assert.equal(parseKeys(''), []);
});

contract.run();
test.run();
