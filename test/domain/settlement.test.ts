import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { netCents, queuedItems, reconcile, totals } from '../../src/domain/settlement.ts';
import { reportDocument } from '../../src/domain/report-doc.ts';
import { renderText } from '../../hal/printer/render-text.ts';
import type { TxnRecord } from '../../src/domain/types.ts';

const test = suite('settlement');

let n = 0;
const rec = (state: TxnRecord['state'], type: 'sale' | 'refund', channel: 'wechat' | 'alipay', amountCents: number): TxnRecord => ({
  txn: {
    id: `id-${++n}`,
    type,
    orderId: `20260000000000${String(n).padStart(2, '0')}`,
    amountCents,
    currency: 'CNY',
    channel,
    payCode: '****',
    createdAt: '2026-11-27T08:00:00Z',
    offline: false,
    terminalId: 'T1',
    operator: 'x',
  },
  state,
  attempts: 1,
  updatedAt: '2026-11-27T08:00:00Z',
});

const records = [
  rec('approved', 'refund', 'wechat', 1200),
  rec('approved', 'refund', 'wechat', 800),
  rec('approved', 'sale', 'alipay', 5000),
  rec('declined', 'refund', 'wechat', 999),
  rec('queued', 'refund', 'alipay', 300),
  rec('processing', 'refund', 'wechat', 100),
];

test('totals count approved transactions only, per network and type; queued are listed apart', () => {
  assert.equal(totals(records), [
    { channel: 'alipay', type: 'sale', count: 1, amountCents: 5000 },
    { channel: 'wechat', type: 'refund', count: 2, amountCents: 2000 },
  ]);
  assert.is(netCents(totals(records)), 3000);
  assert.equal(
    queuedItems(records).map((q) => q.amountCents),
    [300, 100],
  );
});

test('reconciliation agrees line by line, or lists the lines that differ', () => {
  const here = totals(records);
  assert.equal(reconcile(here, [...here].reverse()), { status: 'agreed' });
  const host = [
    { channel: 'alipay' as const, type: 'sale' as const, count: 1, amountCents: 5000 },
    { channel: 'wechat' as const, type: 'refund' as const, count: 3, amountCents: 2300 },
    { channel: 'alipay' as const, type: 'refund' as const, count: 1, amountCents: 300 },
  ];
  const r = reconcile(here, host);
  assert.is(r.status, 'not_agreed');
  if (r.status !== 'not_agreed') return;
  assert.equal(r.differences, [
    { channel: 'alipay', type: 'refund', terminal: { count: 0, amountCents: 0 }, host: { count: 1, amountCents: 300 } },
    { channel: 'wechat', type: 'refund', terminal: { count: 2, amountCents: 2000 }, host: { count: 3, amountCents: 2300 } },
  ]);
});

test('the Z report prints totals, queued apart, and TOTALS NOT AGREED with the differing lines', () => {
  const here = totals(records);
  const report = {
    kind: 'Z' as const,
    batch: 12,
    terminalId: 'T1',
    from: '2026-11-27T00:00:00Z',
    to: '2026-11-27T12:00:00Z',
    lines: here,
    queued: queuedItems(records),
    reconciliation: reconcile(here, [{ channel: 'wechat' as const, type: 'refund' as const, count: 3, amountCents: 2300 }]),
  };
  const text = renderText(reportDocument(report, { locale: 'en', timezone: 'Asia/Shanghai', currency: 'CNY', merchantName: 'Shop' }), 32).join('\n');
  assert.match(text, /Z REPORT/);
  assert.match(text, /Batch\s+000012/);
  assert.match(text, /2026-11-27 08:00/);
  assert.match(text, /WeChat Pay REFUND ×2\s+20\.00/);
  assert.match(text, /Net\s+30\.00/);
  assert.match(text, /Queued, not in totals: 2/);
  assert.match(text, /TOTALS NOT AGREED/);
  assert.match(text, /host ×3\s+23\.00/);
  const agreed = renderText(reportDocument({ ...report, reconciliation: { status: 'agreed' } }, { locale: 'en', timezone: 'UTC', currency: 'CNY', merchantName: 'Shop' }), 32).join('\n');
  assert.match(agreed, /TOTALS AGREED/);
});

test.run();
