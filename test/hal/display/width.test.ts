import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { alignCells, cellWidth, fitCells, truncateCells, wrapCells } from '../../../hal/display/width.ts';

const test = suite('display/width');

test('Chinese, fullwidth and Hangul characters are two cells; ASCII one', () => {
  assert.is(cellWidth('退款成功'), 8);
  assert.is(cellWidth('Refund 退款'), 11);
  assert.is(cellWidth('，。：'), 6); // fullwidth / CJK punctuation
  assert.is(cellWidth('ＡＢＣ'), 6); // fullwidth Latin
  assert.is(cellWidth('환불'), 4); // Hangul syllables
  assert.is(cellWidth('￥12.00'), 7);
  assert.is(cellWidth('12.34'), 5);
  assert.is(cellWidth(''), 0);
});

test('combining marks and zero-width characters take no cell', () => {
  assert.is(cellWidth('e\u0301'), 1); // é as e + combining acute
  assert.is(cellWidth('a\u200bb'), 2);
  assert.is(cellWidth('\u1100\u1161'), 2); // conjoining Jamo: one syllable
});

test('fitCells pads to the exact width', () => {
  assert.is(fitCells('OK', 5), 'OK   ');
  assert.is(fitCells('退款', 6), '退款  ');
  assert.is(cellWidth(fitCells('退款成功', 8)), 8);
  assert.is(fitCells('', 3), '   ');
});

test('fitCells never splits a double-width character', () => {
  assert.is(fitCells('退款成功', 7), '退款成 ');
  assert.is(fitCells('ab退款', 3), 'ab ');
  assert.is(fitCells('退', 1), ' ');
  assert.is(cellWidth(fitCells('退款成功退款成功', 15)), 15);
});

test('fitCells truncates Latin text and keeps combining marks with their letter', () => {
  assert.is(fitCells('APPROVED', 4), 'APPR');
  assert.is(fitCells('cafe\u0301s', 4), 'cafe\u0301');
  assert.is(fitCells('anything', 0), '');
});

test('control characters are dropped so they cannot move a terminal cursor', () => {
  assert.is(fitCells('a\x1b[2Jb', 6), 'a[2Jb ');
  assert.is(truncateCells('1\t2', 5), '12');
});

test('alignCells places text left, centre or right in a field', () => {
  assert.is(alignCells('OK', 6, 'left'), 'OK    ');
  assert.is(alignCells('OK', 6, 'right'), '    OK');
  assert.is(alignCells('OK', 7, 'center'), '  OK   ');
  assert.is(alignCells('退款成功', 12, 'center'), '  退款成功  ');
  assert.is(alignCells('退款成功', 11, 'right'), '   退款成功');
  assert.is(alignCells('TOO LONG TEXT', 5, 'right'), 'TOO L');
});

test('wrapCells breaks Latin text at spaces', () => {
  assert.equal(wrapCells('The quick brown fox jumps', 10), ['The quick', 'brown fox', 'jumps']);
  assert.equal(wrapCells('Thank you', 32), ['Thank you']);
  assert.equal(wrapCells('a  b', 1), ['a', 'b']);
});

test('wrapCells breaks CJK text between any two characters, counting two cells each', () => {
  const lines = wrapCells('请让顾客刷新付款码后重新扫码', 10);
  assert.equal(lines, ['请让顾客刷', '新付款码后', '重新扫码']);
  for (const line of lines) assert.ok(cellWidth(line) <= 10);
});

test('wrapCells keeps closing punctuation off the start of a line', () => {
  const lines = wrapCells('退款成功。谢谢', 8);
  assert.equal(lines, ['退款成', '功。谢谢']);
  assert.ok(lines.every((line) => !line.startsWith('。')));
});

test('wrapCells mixes Latin words and CJK characters', () => {
  assert.equal(wrapCells('Refund 退款成功 done', 10), ['Refund 退', '款成功', 'done']);
});

test('wrapCells hard-breaks words longer than a line', () => {
  assert.equal(wrapCells('2026112600000001234 ok', 8), ['20261126', '00000001', '234 ok']);
});

test('wrapCells keeps explicit line breaks and leading indentation', () => {
  assert.equal(wrapCells('a\n\nb', 5), ['a', '', 'b']);
  assert.equal(wrapCells('  Total', 10), ['  Total']);
  assert.equal(wrapCells('', 10), ['']);
});

test('wrapCells gives a double-width character its own line when the width is 1', () => {
  assert.equal(wrapCells('退款', 1), ['退', '款']);
});

test.run();
