// Money is an integer number of cents everywhere; only formatting turns it into text.

export type Locale = 'en' | 'zh-CN';

export const isCents = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/**
 * `1234` → `12.34` (en) or `¥12.34` (zh-CN for CNY). Thousands are grouped
 * (`1,234.56`). Integer arithmetic only: no float ever holds an amount.
 */
export function formatCents(cents: number, locale: Locale = 'en', currency = 'CNY'): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = Math.trunc(abs / 100).toLocaleString('en-US');
  const frac = String(abs % 100).padStart(2, '0');
  const symbol = locale === 'zh-CN' && currency === 'CNY' ? '¥' : '';
  return `${sign}${symbol}${units}.${frac}`;
}

/** Longest amount the keypad accepts: 99,999,999.99 — more than any refund a terminal takes. */
export const MAX_ENTRY_DIGITS = 10;

/**
 * POS cents entry: each digit shifts the amount left (`1`,`2`,`3` → 0.01,
 * 0.12, 1.23). Returns the new amount, or the old one when it would overflow.
 */
export function pushDigit(cents: number, digit: string): number {
  const next = cents * 10 + Number(digit);
  return String(next).length > MAX_ENTRY_DIGITS ? cents : next;
}

/** CLEAR deletes the last digit typed. */
export const popDigit = (cents: number): number => Math.trunc(cents / 10);
