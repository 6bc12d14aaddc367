// Refund, step 3: the supervisor PIN. Counting tries and the lockout belong
// to the runtime (they must survive a restart); this screen only asks.
import { remainingCents } from '../../src/domain/refund-rules.ts';
import { t, type ScreenDef } from '../common.ts';
import { onPinEntry, pinView } from '../pin-entry.ts';

export const refundPin: ScreenDef<'refund.pin'> = {
  idle: true,
  on(screen, event, ctx) {
    const w = t(ctx);
    return onPinEntry(screen, event, ctx, {
      role: 'supervisor',
      title: w.refund,
      ok: () => ({ id: 'refund.amount', flow: screen.flow, cents: remainingCents(screen.flow.order, screen.flow.pending), proposed: true }),
      cancel: { id: 'refund.check', flow: screen.flow },
      locked: w.refundsLocked,
      notProvisioned: w.noPin,
      storage: w.refused.storage,
    });
  },
  view(screen, ctx) {
    const w = t(ctx);
    return pinView(screen, ctx, { title: w.refund, label: w.supervisorPin, lines: [`${w.orderNumber}: ${screen.flow.order.orderId}`, ''] });
  },
};
