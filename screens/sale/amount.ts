// Sale, step 1: the amount to take.
import { HOME, money, t, type ScreenDef } from '../common.ts';
import { enterAmount } from '../entry.ts';

export const saleAmount: ScreenDef<'sale.amount'> = {
  idle: true,
  on(screen, event, ctx) {
    if (event.type !== 'key') return null;
    if (event.key === 'CANCEL') return { screen: HOME };
    if (event.key === 'OK') {
      if (screen.cents <= 0) return { screen: { ...screen, error: t(ctx).enterAmountNonZero } };
      return { screen: { id: 'sale.scan', cents: screen.cents, deadline: event.at + ctx.scanTimeoutMs } };
    }
    const next = enterAmount({ cents: screen.cents, proposed: false }, event.key);
    return next ? { screen: { id: 'sale.amount', cents: next.cents } } : null;
  },
  view(screen, ctx) {
    const w = t(ctx);
    return { title: w.sale, lines: [w.enterAmount, '', `${w.amount}: ${money(ctx, screen.cents)}`, ...(screen.error ? ['', screen.error] : [])], footer: w.hintOkCancel };
  },
};
