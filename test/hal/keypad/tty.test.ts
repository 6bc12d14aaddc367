import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { TtyKeypad } from '../../../hal/keypad/tty.ts';
import type { Key } from '../../../hal/keypad/types.ts';
import { keypadContract } from '../keypad.contract.ts';

const ESCAPE_DELAY = 5;

/** What a terminal sends for each key (xterm, keypad in normal mode). */
const BYTES: Record<Key, string> = {
  ...(Object.fromEntries([...'0123456789'].map((d) => [d, d])) as Record<Key, string>),
  OK: '\r',
  CLEAR: '\x7f',
  CANCEL: '\x1b',
  F1: '\x1bOP',
  F2: '\x1bOQ',
  F3: '\x1bOR',
  F4: '\x1bOS',
};

const contract = keypadContract('tty', () => {
  const input = new PassThrough();
  const keypad = new TtyKeypad({ input, escapeDelayMs: ESCAPE_DELAY, onInterrupt: () => {} });
  return {
    keypad,
    press: async (key) => {
      input.write(BYTES[key]);
      await sleep(key === 'CANCEL' ? ESCAPE_DELAY * 4 : 2);
    },
  };
});

const test = suite('keypad/tty');

async function started(options: { onInterrupt?: () => void } = {}) {
  const input = new PassThrough();
  const keypad = new TtyKeypad({ input, escapeDelayMs: ESCAPE_DELAY, onInterrupt: options.onInterrupt ?? (() => {}) });
  const keys: Key[] = [];
  keypad.onKey((key) => keys.push(key));
  await keypad.start();
  return { input, keypad, keys };
}

test('a pasted amount and Enter arrive as digits then OK', async () => {
  const { input, keypad, keys } = await started();
  input.write('1234\r');
  await sleep(5);
  assert.equal(keys, ['1', '2', '3', '4', 'OK']);
  await keypad.stop();
});

test('a lone ESC becomes CANCEL after the escape delay, not before', async () => {
  const { input, keypad, keys } = await started();
  input.write('\x1b');
  await sleep(1);
  assert.equal(keys, [], 'still waiting to see whether F1 follows');
  await sleep(ESCAPE_DELAY * 4);
  assert.equal(keys, ['CANCEL']);
  await keypad.stop();
});

test('an escape sequence split across reads is one key, never CANCEL', async () => {
  const { input, keypad, keys } = await started();
  input.write('\x1bO');
  await sleep(1);
  input.write('P');
  await sleep(ESCAPE_DELAY * 4);
  assert.equal(keys, ['F1']);
  await keypad.stop();
});

test('Ctrl-C calls onInterrupt and is not a key', async () => {
  let interrupts = 0;
  const { input, keypad, keys } = await started({ onInterrupt: () => interrupts++ });
  input.write('1\x03');
  await sleep(5);
  assert.is(interrupts, 1);
  assert.equal(keys, ['1']);
  await keypad.stop();
});

test('keys typed while stopped are not delivered on the next start', async () => {
  const { input, keypad, keys } = await started();
  await keypad.stop();
  input.write('9\r');
  await sleep(5);
  await keypad.start();
  input.write('1');
  await sleep(5);
  assert.equal(keys, ['1']);
  await keypad.stop();
});

test('a pending ESC is dropped by stop, not reported afterwards', async () => {
  const { input, keypad, keys } = await started();
  input.write('\x1b');
  await sleep(1);
  await keypad.stop();
  await sleep(ESCAPE_DELAY * 4);
  assert.equal(keys, []);
});

test('a listener that throws does not stop keys reaching the others', async () => {
  const { input, keypad, keys } = await started();
  keypad.onKey(() => {
    throw new Error('boom');
  });
  const later: Key[] = [];
  keypad.onKey((key) => later.push(key));
  input.write('12');
  await sleep(5);
  assert.equal(keys, ['1', '2']);
  assert.equal(later, ['1', '2']);
  await keypad.stop();
});

test('raw mode is set on a TTY at start and restored at stop', async () => {
  const input = new PassThrough() as PassThrough & { isTTY: boolean; isRaw: boolean; setRawMode: (on: boolean) => void };
  const modes: boolean[] = [];
  Object.assign(input, { isTTY: true, isRaw: false, setRawMode: (on: boolean) => modes.push(on) });
  const keypad = new TtyKeypad({ input, onInterrupt: () => {} });
  await keypad.start();
  assert.equal(modes, [true]);
  await keypad.stop();
  await keypad.stop();
  assert.equal(modes, [true, false]);
});

contract.run();
test.run();
