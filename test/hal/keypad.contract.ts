// Contract suite of a keypad (hal/keypad/types.ts), run against any driver.
// The factory gives the keypad and a way to press a key on it: the simulator's
// back door, bytes written to a TTY, or (on a bench) a GPIO emulator.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, type Key, type Keypad } from '../../hal/keypad/types.ts';

export interface KeypadUnderTest {
  keypad: Keypad;
  /** Presses `key` once; resolves when the driver has had time to report it. */
  press: (key: Key) => void | Promise<void>;
}

export type KeypadFactory = () => KeypadUnderTest | Promise<KeypadUnderTest>;

export function keypadContract(name: string, make: KeypadFactory) {
  const test = suite(`keypad contract: ${name}`);

  const record = (keypad: Keypad) => {
    const keys: Key[] = [];
    const off = keypad.onKey((key) => keys.push(key));
    return { keys, off };
  };

  test('every key is reported once per press, in order', async () => {
    const { keypad, press } = await make();
    const { keys } = record(keypad);
    await keypad.start();
    for (const key of KEYS) await press(key);
    await press('7');
    await press('7');
    assert.equal(keys, [...KEYS, '7', '7']);
    await keypad.stop();
  });

  test('every listener hears each key; an unsubscribed one hears no more', async () => {
    const { keypad, press } = await make();
    const first = record(keypad);
    const second = record(keypad);
    await keypad.start();
    await press('1');
    first.off();
    await press('OK');
    assert.equal(first.keys, ['1']);
    assert.equal(second.keys, ['1', 'OK']);
    await keypad.stop();
  });

  test('nothing is reported before start or after stop', async () => {
    const { keypad, press } = await make();
    const { keys } = record(keypad);
    await press('1');
    await keypad.start();
    await press('2');
    await keypad.stop();
    await press('3');
    assert.equal(keys, ['2']);
  });

  test('start and stop are idempotent, and a stopped keypad can start again', async () => {
    const { keypad, press } = await make();
    const { keys } = record(keypad);
    await keypad.stop();
    await keypad.start();
    await keypad.start();
    await press('4');
    await keypad.stop();
    await keypad.stop();
    await keypad.start();
    await press('5');
    await keypad.stop();
    assert.equal(keys, ['4', '5']);
  });

  return test;
}
