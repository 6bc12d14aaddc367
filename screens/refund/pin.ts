// Refund, step 3: the supervisor PIN. Counting tries and the lockout belong
// to the runtime (they must survive a restart); this screen only asks.
import { remainingCents } from '../../src/domain/refund-rules.ts';
import { clockTime, message, t, type ScreenDef } from '../common.ts';
import { enterDigits } from '../entry.ts';

export const refundPin: ScreenDef<'refund.pin'> = {
  idle: true,
  on(screen, event, ctx) {
    const w = t(ctx);
    if (event.type === 'pin' && screen.checking) {
      const { outcome } = event;
      switch (outcome.result) {
        case 'ok': {
          const cents = remainingCents(screen.flow.order, screen.flow.pending);
          return { screen: { id: 'refund.amount', flow: screen.flow, cents, proposed: true } };
        }
        case 'wrong':
          return { screen: { ...screen, digits: '', checking: false, error: w.wrongPin(outcome.triesLeft) }, effects: [{ type: 'signal', signal: 'error' }] };
        case 'locked':
          return { screen: message(w.refundsLocked(clockTime(ctx, outcome.lockedUntil)), { title: w.refund }), effects: [{ type: 'signal', signal: 'error' }] };
        case 'not_provisioned':
          return { screen: message(w.noPin, { title: w.refund }) };
        case 'error':
          return { screen: message(w.refused.storage, { title: w.refund }), effects: [{ type: 'signal', signal: 'error' }] };
      }
    }
    if (event.type !== 'key' || screen.checking) return null;
    if (event.key === 'CANCEL') return { screen: { id: 'refund.check', flow: screen.flow } };
    if (event.key === 'OK') {
      if (screen.digits.length === 0) return null;
      return { screen: { ...screen, checking: true, error: undefined }, effects: [{ type: 'verifyPin', role: 'supervisor', pin: screen.digits }] };
    }
    const digits = enterDigits(screen.digits, event.key, 12);
    return digits === null ? null : { screen: { ...screen, digits, error: undefined } };
  },
  view(screen, ctx) {
    const w = t(ctx);
    const lines = [`${w.orderNumber}: ${screen.flow.order.orderId}`, '', `${w.supervisorPin}: ${'*'.repeat(screen.digits.length)}_`];
    if (screen.checking) lines.push('', w.checkingPin);
    if (screen.error) lines.push('', screen.error);
    return { title: w.refund, lines, footer: screen.checking ? w.hintWait : w.hintOkCancel };
  },
};
