// Sale, step 3: confirm amount and network, then submit.
import { maskShort } from '../../src/domain/mask.ts';
import { money, t, type ScreenDef } from '../common.ts';

export const saleConfirm: ScreenDef<'sale.confirm'> = {
  idle: true,
  on(screen, event, ctx) {
    if (event.type !== 'key') return null;
    if (event.key === 'CANCEL') return { screen: { id: 'sale.scan', cents: screen.cents, deadline: event.at + ctx.scanTimeoutMs } };
    if (event.key !== 'OK') return null;
    return {
      screen: { id: 'sale.processing', cents: screen.cents, code: screen.code },
      effects: [{ type: 'submit', draft: { type: 'sale', amountCents: screen.cents, channel: screen.code.channel, payCode: screen.code.payCode, operator: 'cashier' } }],
    };
  },
  view(screen, ctx) {
    const w = t(ctx);
    const network = w.channel[screen.code.channel] + (screen.code.confirmed ? '' : ` ${w.unconfirmedNetwork}`);
    return {
      title: `${w.sale} · ${w.confirm}`,
      lines: [`${w.amount}: ${money(ctx, screen.cents)}`, `${w.network}: ${network}`, `${w.code}: ${maskShort(screen.code.payCode)}`],
      footer: w.pressOkToConfirm,
    };
  },
};
