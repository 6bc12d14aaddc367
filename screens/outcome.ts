// What a decline means to the merchant, and which step to go back to:
// code problems → scan again; amount → adjust it; the rest → home.
import { t } from './common.ts';
import type { Ctx } from './types.ts';

export type ReturnStep = 'scan' | 'amount' | 'home';

export function returnStep(code: string | undefined): ReturnStep {
  switch (code) {
    case 'AUTH_CODE_INVALID':
    case 'AUTH_CODE_USED':
    case 'CHANNEL_MISMATCH':
      return 'scan';
    case 'REFUND_EXCEEDS_ORDER':
      return 'amount';
    default:
      return 'home';
  }
}

export function declineText(ctx: Ctx, code: string): string {
  const w = t(ctx);
  return w.declineReason[code] ?? w.declineOther(code || '?');
}
