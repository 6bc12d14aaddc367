import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cellWidth } from '../../../hal/display/width.ts';
import { renderText } from '../../../hal/printer/render-text.ts';
import type { DocLine } from '../../../hal/printer/types.ts';

const test = suite('printer/render-text');

const render = (lines: DocLine[], columns = 32) => renderText({ title: 't', lines, cut: false }, columns);

test('text lines are aligned left, centre or right on the paper', () => {
  assert.equal(
    render(
      [
        { kind: 'text', text: 'Left' },
        { kind: 'text', text: 'Mid', align: 'center' },
        { kind: 'text', text: 'Right', align: 'right' },
      ],
      11,
    ),
    ['Left', '    Mid', '      Right'],
  );
});

test('bold text prints as-is; long text wraps at the paper width', () => {
  assert.equal(render([{ kind: 'text', text: 'Thank you for shopping here', bold: true }], 16), ['Thank you for', 'shopping here']);
});

test('large text is centred and wraps at half the width, as double-width print does', () => {
  assert.equal(render([{ kind: 'text', text: 'APPROVED', large: true }], 32), ['            APPROVED']);
  assert.equal(render([{ kind: 'text', text: 'REFUND APPROVED', large: true }], 20), ['       REFUND', '      APPROVED']);
});

test('a pair puts the value flush right on the label line', () => {
  assert.equal(render([{ kind: 'pair', left: 'Amount', right: '12.34' }], 20), ['Amount         12.34']);
});

test('a pair with Chinese text is aligned by cells', () => {
  const [line] = render([{ kind: 'pair', left: '退款金额', right: '￥12.34' }], 32);
  assert.is(cellWidth(line!), 32);
  assert.ok(line!.startsWith('退款金额 '));
  assert.ok(line!.endsWith(' ￥12.34'));
});

test('a pair that does not fit wraps the label and keeps the value right', () => {
  const lines = render([{ kind: 'pair', left: 'Refund number of the merchant', right: '0193E0C2' }], 20);
  assert.equal(lines, ['Refund number of the', 'merchant    0193E0C2']);
  const long = render([{ kind: 'pair', left: 'Reference', right: 'H000123456789012345' }], 20);
  assert.equal(long, ['Reference', ' H000123456789012345']);
});

test('rule, feed, QR and barcode lines', () => {
  assert.equal(render([{ kind: 'rule' }], 8), ['--------']);
  assert.equal(render([{ kind: 'feed', lines: 2 }]), ['', '']);
  assert.equal(render([{ kind: 'feed', lines: 1000 }]).length, 20, 'a feed is capped');
  const qr = render([{ kind: 'qr', data: '2026112600000001' }], 32);
  assert.equal(qr, ['', '     [QR] 2026112600000001', '']);
  assert.equal(render([{ kind: 'barcode', data: '2026112600000001' }], 32), ['  ||||| 2026112600000001 |||||']);
  assert.equal(render([{ kind: 'barcode', data: '2026112600000001' }], 20), ['| 2026112600000001 |'], 'fewer bars on narrow paper');
});

test('a document ends with a cut mark unless cut is false', () => {
  const lines = renderText({ title: 'receipt', lines: [{ kind: 'text', text: 'x' }] }, 12);
  assert.equal(lines, ['x', '✂ - - - - -']);
  assert.equal(renderText({ title: 'slip', lines: [], cut: false }, 12), []);
});

test('no rendered line is wider than the paper, whatever the content', () => {
  const lines = renderText(
    {
      title: 'receipt',
      lines: [
        { kind: 'text', text: '商户名称：上海某某便利店（南京东路店）', align: 'center' },
        { kind: 'text', text: '退款成功 REFUND APPROVED', large: true },
        { kind: 'pair', left: '订单号', right: '20261126000000012345678901234567' },
        { kind: 'pair', left: '付款码（微信支付）', right: '**** 6789' },
        { kind: 'qr', data: '2026112600000001234567890123456789' },
      ],
    },
    32,
  );
  for (const line of lines) assert.ok(cellWidth(line) <= 32, `too wide: ${line}`);
  assert.not.ok(lines.some((line) => line.endsWith(' ')), 'no trailing spaces');
});

test.run();
