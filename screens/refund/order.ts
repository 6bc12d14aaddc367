// Refund, step 1: which order — keyed in, or scanned from the receipt's order code.
import { isOrderNumber } from '../../src/domain/paycode.ts';
import { HOME, recognise, t, type ScreenDef } from '../common.ts';
import { enterDigits } from '../entry.ts';

export const refundOrder: ScreenDef<'refund.order'> = {
  idle: true,
  on(screen, event, ctx) {
    const w = t(ctx);
    if (event.type === 'scan') {
      const code = event.code.trim();
      if (recognise(ctx, code).ok) return { screen: { ...screen, error: w.scanIsPaycode }, effects: [{ type: 'signal', signal: 'error' }] };
      if (!isOrderNumber(code)) return { screen: { ...screen, error: w.orderTooShort }, effects: [{ type: 'signal', signal: 'error' }] };
      return lookup(code);
    }
    if (event.type !== 'key') return null;
    if (event.key === 'CANCEL') return { screen: HOME };
    if (event.key === 'OK') {
      if (!isOrderNumber(screen.digits)) return { screen: { ...screen, error: w.orderTooShort } };
      return lookup(screen.digits);
    }
    const digits = enterDigits(screen.digits, event.key, 32);
    return digits === null ? null : { screen: { id: 'refund.order', digits } };
  },
  view(screen, ctx) {
    const w = t(ctx);
    return {
      title: w.refund,
      lines: [w.enterOrder, '', `${w.orderNumber}: ${screen.digits}_`, ...(screen.error ? ['', screen.error] : [])],
      footer: w.hintOkCancel,
    };
  },
};

function lookup(orderId: string) {
  return { screen: { id: 'refund.lookup' as const, orderId, from: 'home' as const }, effects: [{ type: 'lookupOrder' as const, orderId }] };
}
