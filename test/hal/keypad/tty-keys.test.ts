import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TtyKeyDecoder, type TtyInput } from '../../../hal/keypad/tty-keys.ts';

const test = suite('keypad/tty-keys');

/** Keys decoded from `chunks` fed in order, then flushed (as after the escape delay). */
function decode(...chunks: Array<string | Buffer>): string[] {
  const decoder = new TtyKeyDecoder();
  const inputs: TtyInput[] = chunks.flatMap((chunk) => decoder.feed(chunk));
  inputs.push(...decoder.flush());
  return inputs.map((input) => (input.type === 'key' ? input.key : '^C'));
}

test('digits, Enter, Backspace', () => {
  assert.equal(decode('0123456789'), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.equal(decode('\r'), ['OK']);
  assert.equal(decode('\n'), ['OK']);
  assert.equal(decode('\x7f'), ['CLEAR']);
  assert.equal(decode('\b'), ['CLEAR']);
});

test('a pasted chunk gives every key in it', () => {
  assert.equal(decode('123\r'), ['1', '2', '3', 'OK']);
  assert.equal(decode(Buffer.from('45\x7f6\r')), ['4', '5', 'CLEAR', '6', 'OK']);
});

test('CRLF is one OK, even split across chunks, so a pasted line cannot confirm twice', () => {
  assert.equal(decode('12\r\n'), ['1', '2', 'OK']);
  assert.equal(decode('1\r', '\n2'), ['1', 'OK', '2']);
  assert.equal(decode('\n\n'), ['OK', 'OK']);
});

test('F1–F4 in xterm SS3, rxvt/VT tilde and Linux console encodings', () => {
  assert.equal(decode('\x1bOP\x1bOQ\x1bOR\x1bOS'), ['F1', 'F2', 'F3', 'F4']);
  assert.equal(decode('\x1b[11~\x1b[12~\x1b[13~\x1b[14~'), ['F1', 'F2', 'F3', 'F4']);
  assert.equal(decode('\x1b[[A\x1b[[B\x1b[[C\x1b[[D'), ['F1', 'F2', 'F3', 'F4']);
  assert.equal(decode('\x1b[1;2P\x1b[1;5S'), ['F1', 'F4'], 'with Shift / Ctrl held');
});

test('arrow Up / Down are F3 / F4 (move in lists); Left / Right are ignored', () => {
  assert.equal(decode('\x1b[A\x1b[B\x1bOA\x1bOB'), ['F3', 'F4', 'F3', 'F4']);
  assert.equal(decode('\x1b[C\x1b[D'), []);
});

test('numeric keypad in application mode gives digits and OK', () => {
  assert.equal(decode('\x1bOp\x1bOq\x1bOy\x1bOM'), ['0', '1', '9', 'OK']);
  assert.equal(decode('\x1bOk\x1bOn'), [], '+ and . are not keys');
});

test('Delete is CLEAR like Backspace', () => {
  assert.equal(decode('\x1b[3~'), ['CLEAR']);
});

test('Ctrl-C is reported as an interrupt, not as a key', () => {
  const decoder = new TtyKeyDecoder();
  assert.equal(decoder.feed('1\x032'), [
    { type: 'key', key: '1' },
    { type: 'interrupt' },
    { type: 'key', key: '2' },
  ]);
});

test('letters, other function keys, paste markers and non-ASCII bytes are ignored', () => {
  assert.equal(decode('abc XYZ'), []);
  assert.equal(decode('\x1b[15~\x1b[24~\x1bOT'), [], 'F5, F12 and unknown SS3');
  assert.equal(decode('\x1b[200~12\x1b[201~'), ['1', '2'], 'bracketed paste keeps its digits');
  assert.equal(decode(Buffer.from('退1', 'utf8')), ['1']);
  assert.equal(decode('\x04\t\x1a'), []);
  assert.equal(decode('\x1b[12;40R'), [], 'a cursor position report is not F3');
});

test('a lone ESC is CANCEL only once flushed: it may be the start of F1', () => {
  const decoder = new TtyKeyDecoder();
  assert.equal(decoder.feed('\x1b'), []);
  assert.ok(decoder.pending);
  assert.equal(decoder.flush(), [{ type: 'key', key: 'CANCEL' }]);
  assert.not.ok(decoder.pending);
  assert.equal(decoder.flush(), [], 'flushing twice gives nothing more');
});

test('an escape sequence split across chunks is put back together', () => {
  assert.equal(decode('\x1b', 'OP'), ['F1']);
  assert.equal(decode('\x1b[', '1', '1~'), ['F1']);
  assert.equal(decode('\x1b[[', 'D'), ['F4']);
  assert.equal(decode('5\x1bO', 'S6'), ['5', 'F4', '6']);
});

test('ESC followed by something else is CANCEL, then that byte', () => {
  assert.equal(decode('\x1b1'), ['CANCEL', '1']);
  assert.equal(decode('\x1b\x1b'), ['CANCEL', 'CANCEL']);
  assert.equal(decode('\x1b\r'), ['CANCEL', 'OK']);
});

test('an unfinished sequence that never completes is dropped on flush', () => {
  const decoder = new TtyKeyDecoder();
  assert.equal(decoder.feed('\x1b[1'), []);
  assert.ok(decoder.pending);
  assert.equal(decoder.flush(), []);
  assert.equal(decoder.feed('2'), [{ type: 'key', key: '2' }], 'later input is read normally');
});

test('an overlong sequence is thrown away instead of swallowing later keys', () => {
  assert.equal(decode('\x1b[' + '1;'.repeat(40), 'A7'), ['7']);
});

test.run();
