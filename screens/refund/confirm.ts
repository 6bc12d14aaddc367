// Refund, step 6: order, network and amount once more, then submit.
import { maskShort } from '../../src/domain/mask.ts';
import { money, t, type ScreenDef } from '../common.ts';

export const refundConfirm: ScreenDef<'refund.confirm'> = {
  idle: true,
  on(screen, event, ctx) {
    if (event.type !== 'key') return null;
    if (event.key === 'CANCEL') return { screen: { id: 'refund.scan', flow: screen.flow, cents: screen.cents, deadline: event.at + ctx.scanTimeoutMs } };
    if (event.key !== 'OK') return null;
    const { order } = screen.flow;
    return {
      screen: { id: 'refund.processing', flow: screen.flow, cents: screen.cents, code: screen.code },
      effects: [
        {
          type: 'submit',
          draft: { type: 'refund', orderId: order.orderId, amountCents: screen.cents, currency: order.currency, channel: screen.code.channel, payCode: screen.code.payCode, operator: 'supervisor' },
        },
      ],
    };
  },
  view(screen, ctx) {
    const w = t(ctx);
    const network = w.channel[screen.code.channel] + (screen.code.confirmed ? '' : ` ${w.unconfirmedNetwork}`);
    return {
      title: `${w.refund} · ${w.confirm}`,
      lines: [
        `${w.orderNumber}: ${screen.flow.order.orderId}`,
        `${w.network}: ${network}`,
        `${w.code}: ${maskShort(screen.code.payCode)}`,
        `${w.refundAmount}: ${money(ctx, screen.cents)}`,
      ],
      footer: w.pressOkToConfirm,
    };
  },
};
