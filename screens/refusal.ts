// Why the runtime would not take a transaction, in the merchant's words.
import { formatCents } from '../src/domain/money.ts';
import { t } from './common.ts';
import type { Ctx, Refusal } from './types.ts';

export function refusalText(ctx: Ctx, refusal: Refusal): string {
  const r = t(ctx).refused;
  const m = (c: number) => formatCents(c, ctx.locale, ctx.currency);
  switch (refusal.reason) {
    case 'needs_network':
      return r.needs_network;
    case 'offline_refund_limit':
      return r.offline_refund_limit(m(refusal.maxCents));
    case 'offline_total_limit':
      return r.offline_total_limit(m(refusal.maxCents));
    case 'offline_count_limit':
      return r.offline_count_limit(refusal.max);
    case 'storage':
      return r.storage;
    case 'storage_low':
      return r.storage_low;
  }
}
