// Keypad entry shared by the amount, PIN and order-number steps, and the
// reading of a scanned payment code shared by sale and refund.
import type { Key } from '../hal/keypad/types.ts';
import { isDigit } from '../hal/keypad/types.ts';
import { popDigit, pushDigit } from '../src/domain/money.ts';
import { isOrderNumber } from '../src/domain/paycode.ts';
import type { Channel } from '../src/domain/types.ts';
import { recognise, t } from './common.ts';
import type { ScannedCode } from './state.ts';
import type { Ctx } from './types.ts';

export interface AmountEntry {
  cents: number;
  proposed: boolean;
}

/** POS cents entry; a proposed amount is replaced by the first digit typed. Null: not an entry key. */
export function enterAmount(entry: AmountEntry, key: Key): AmountEntry | null {
  if (isDigit(key)) return { cents: pushDigit(entry.proposed ? 0 : entry.cents, key), proposed: false };
  if (key === 'CLEAR') return { cents: popDigit(entry.cents), proposed: false };
  return null;
}

/** Digit strings (PIN, order number): digits append up to `max`, CLEAR deletes one. */
export function enterDigits(digits: string, key: Key, max: number): string | null {
  if (isDigit(key)) return digits.length < max ? digits + key : digits;
  if (key === 'CLEAR') return digits.slice(0, -1);
  return null;
}

export type CodeReading = { ok: true; code: ScannedCode } | { ok: false; error: string };

/** What a scan at a "scan the customer's code" step means; `expected` is the order's network (refunds). */
export function readPayCode(ctx: Ctx, raw: string, expected?: Channel): CodeReading {
  const w = t(ctx);
  const code = raw.trim();
  const found = recognise(ctx, code);
  if (!found.ok) return { ok: false, error: isOrderNumber(code) && code.startsWith('9') ? w.codeIsOrder : w.codeNotRecognised };
  if (expected && found.channel !== expected) return { ok: false, error: w.wrongChannel(w.channel[expected]) };
  return { ok: true, code: { payCode: code, channel: found.channel, confirmed: found.confirmed } };
}
