// Self-test, step 1: the technician PIN (tries and lockout are the runtime's,
// per role: a technician lockout never locks refunds).
import { HOME, t, type ScreenDef } from '../common.ts';
import { onPinEntry, pinView } from '../pin-entry.ts';

export const selftestPin: ScreenDef<'selftest.pin'> = {
  idle: true,
  on(screen, event, ctx) {
    const w = t(ctx);
    return onPinEntry(screen, event, ctx, {
      role: 'technician',
      title: w.technician,
      ok: () => ({ id: 'selftest.menu' }),
      cancel: HOME,
      locked: w.selftest.locked,
      notProvisioned: w.noTechPin,
      storage: w.refused.storage,
    });
  },
  view(screen, ctx) {
    const w = t(ctx);
    return pinView(screen, ctx, { title: w.technician, label: w.selftest.pin });
  },
};
