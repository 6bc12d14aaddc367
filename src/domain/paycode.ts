// Which payment network a customer's code belongs to, read from the code
// itself (table in config: WeChat 18 digits 10–15, Alipay 16–24 digits 25–30,
// UnionPay 62…, the last unconfirmed by default).
import type { Channel } from './types.ts';

export interface PaycodeRule {
  channel: Channel;
  pattern: string;
  /** false: the pattern is a best guess; the confirm screen says so. */
  confirmed: boolean;
}

export type Recognition = { ok: true; channel: Channel; confirmed: boolean } | { ok: false };

export class PaycodeTable {
  private readonly rules: Array<{ rule: PaycodeRule; regex: RegExp }>;

  constructor(rules: readonly PaycodeRule[]) {
    this.rules = rules.map((rule) => ({ rule, regex: new RegExp(rule.pattern) }));
  }

  recognise(code: string): Recognition {
    const trimmed = code.trim();
    for (const { rule, regex } of this.rules) {
      if (regex.test(trimmed)) return { ok: true, channel: rule.channel, confirmed: rule.confirmed };
    }
    return { ok: false };
  }
}

/**
 * Order numbers are digit strings of 6–32 digits (PROTOCOL.md). A scan of a
 * receipt's order code gives bare digits; anything else is not an order.
 */
export const isOrderNumber = (text: string): boolean => /^\d{6,32}$/.test(text);
