// The technician's self-test: what each test found, the report ops receive
// retained on `selftest` (PROTOCOL.md), the printed proof the technician
// leaves with, and the printer's test page. Pure and shared by the screens
// (interactive tests) and the runtime (automatic ones).
import type { DocLine, PrintDocument } from '../../hal/printer/types.ts';
import { messages } from './i18n/index.ts';
import type { Locale } from './money.ts';
import { localDateTime } from './order-number.ts';

export type SelfTestTrigger = 'local' | 'remote' | 'boot';
export type SelfTestStatus = 'pass' | 'fail' | 'skipped';

/** Tests that need a technician at the terminal (screens). */
export const INTERACTIVE_TESTS = ['display', 'keypad', 'scanner'] as const;
/** Tests the runtime carries out by itself. */
export const AUTOMATIC_TESTS = ['printer', 'network', 'storage', 'indicators'] as const;
/** The quick check at every start: what stops a terminal from taking a refund. */
export const BOOT_TESTS = ['storage', 'printer', 'network'] as const;

export type InteractiveTest = (typeof INTERACTIVE_TESTS)[number];
export type AutomaticTest = (typeof AUTOMATIC_TESTS)[number];
export type SelfTestName = InteractiveTest | AutomaticTest;

export interface SelfTestResult {
  name: SelfTestName;
  status: SelfTestStatus;
  /** How long the test took. */
  ms: number;
  /** What was found, in plain words (English: ops read it across a fleet). */
  detail: string;
}

export interface SelfTestReport {
  /** ISO 8601, UTC: when the report was made. */
  at: string;
  /** No test failed (a skipped test is not a failure). */
  ok: boolean;
  trigger: SelfTestTrigger;
  tests: SelfTestResult[];
}

/** Why an interactive test is skipped when nobody is at the terminal. */
export const NEEDS_TECHNICIAN = 'needs a technician at the terminal';

export function buildReport(trigger: SelfTestTrigger, tests: readonly SelfTestResult[], at: number): SelfTestReport {
  return { at: new Date(at).toISOString(), ok: tests.every((t) => t.status !== 'fail'), trigger, tests: tests.map((t) => ({ ...t })) };
}

/** The `pos/{tid}/selftest` payload (PROTOCOL.md), exactly. */
export function reportPayload(report: SelfTestReport): Record<string, unknown> {
  return {
    v: 1,
    at: report.at,
    ok: report.ok,
    trigger: report.trigger,
    tests: report.tests.map(({ name, status, ms, detail }) => ({ name, status, ms, detail })),
  };
}

/** `1.2 s`, `850 ms`. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export interface SelfTestDocContext {
  locale: Locale;
  timezone: string;
  terminalId: string;
  merchantName: string;
}

/** The printed report: every test with its status, time and detail, and the verdict. */
export function selfTestDocument(report: SelfTestReport, ctx: SelfTestDocContext): PrintDocument {
  const w = messages(ctx.locale).selftest;
  const lines: DocLine[] = [
    { kind: 'text', text: ctx.merchantName, align: 'center', bold: true },
    { kind: 'text', text: w.reportTitle, align: 'center', large: true },
    { kind: 'rule' },
    { kind: 'pair', left: messages(ctx.locale).receipt.terminal, right: ctx.terminalId },
    { kind: 'pair', left: messages(ctx.locale).time, right: localDateTime(new Date(report.at), ctx.timezone) },
    { kind: 'pair', left: w.startedBy, right: w.trigger[report.trigger] },
    { kind: 'rule' },
  ];
  for (const test of report.tests) {
    lines.push({ kind: 'pair', left: `${w.names[test.name]} ${formatMs(test.ms)}`, right: w.status[test.status], bold: test.status === 'fail' });
    if (test.detail) lines.push({ kind: 'text', text: test.detail });
  }
  lines.push({ kind: 'rule' }, { kind: 'text', text: verdict(report, ctx.locale), align: 'center', bold: true });
  lines.push({ kind: 'feed', lines: 1 }, { kind: 'text', text: w.signature });
  return { title: 'selftest', lines, cut: true };
}

/** `ALL TESTS PASSED` or `2 TEST(S) FAILED`. */
export function verdict(report: SelfTestReport, locale: Locale): string {
  const w = messages(locale).selftest;
  const failed = report.tests.filter((t) => t.status === 'fail').length;
  return failed === 0 ? w.allPassed : w.failedCount(failed);
}

/** Digits on the test page's codes: scannable back, never mistaken for a payment code (those start 10–15, 25–30, 62). */
export const TEST_CODE = '0123456789';
/** Always printed in Chinese, whatever the locale: it shows the printer has its Chinese font. */
export const CHINESE_LINE = '中文打印测试：退款成功 ¥12.34';

/** The printer test page: text styles, Chinese, a QR code and a bar code. */
export function testPageDocument(ctx: SelfTestDocContext): PrintDocument {
  const w = messages(ctx.locale).selftest;
  const lines: DocLine[] = [
    { kind: 'text', text: w.testPageTitle, align: 'center', large: true },
    { kind: 'pair', left: messages(ctx.locale).receipt.terminal, right: ctx.terminalId },
    { kind: 'rule' },
    { kind: 'text', text: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' },
    { kind: 'text', text: 'abcdefghijklmnopqrstuvwxyz 0123456789' },
    { kind: 'text', text: 'BOLD 0123456789', bold: true },
    { kind: 'text', text: 'RIGHT', align: 'right' },
    { kind: 'text', text: CHINESE_LINE },
    { kind: 'rule' },
    { kind: 'text', text: w.testPageQr, align: 'center' },
    { kind: 'qr', data: TEST_CODE },
    { kind: 'text', text: w.testPageBarcode, align: 'center' },
    { kind: 'barcode', data: TEST_CODE },
  ];
  return { title: 'printer-test', lines, cut: true };
}
