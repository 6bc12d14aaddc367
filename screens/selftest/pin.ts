// Self-test, step 1: the technician PIN (tries and lockout are the runtime's,
// per role: a technician lockout never locks refunds).
import { clockTime, HOME, message, t, type ScreenDef } from '../common.ts';
import { enterDigits } from '../entry.ts';

export const selftestPin: ScreenDef<'selftest.pin'> = {
  idle: true,
  on(screen, event, ctx) {
    const w = t(ctx);
    if (event.type === 'pin' && screen.checking) {
      const { outcome } = event;
      switch (outcome.result) {
        case 'ok':
          return { screen: { id: 'selftest.menu' } };
        case 'wrong':
          return { screen: { ...screen, digits: '', checking: false, error: w.wrongPin(outcome.triesLeft) }, effects: [{ type: 'signal', signal: 'error' }] };
        case 'locked':
          return { screen: message(w.selftest.locked(clockTime(ctx, outcome.lockedUntil)), { title: w.technician }), effects: [{ type: 'signal', signal: 'error' }] };
        case 'not_provisioned':
          return { screen: message(w.noTechPin, { title: w.technician }) };
        case 'error':
          return { screen: message(w.refused.storage, { title: w.technician }), effects: [{ type: 'signal', signal: 'error' }] };
      }
    }
    if (event.type !== 'key' || screen.checking) return null;
    if (event.key === 'CANCEL') return { screen: HOME };
    if (event.key === 'OK') {
      if (screen.digits.length === 0) return null;
      return { screen: { ...screen, checking: true, error: undefined }, effects: [{ type: 'verifyPin', role: 'technician', pin: screen.digits }] };
    }
    const digits = enterDigits(screen.digits, event.key, 12);
    return digits === null ? null : { screen: { ...screen, digits, error: undefined } };
  },
  view(screen, ctx) {
    const w = t(ctx);
    const lines = [`${w.selftest.pin}: ${'*'.repeat(screen.digits.length)}_`];
    if (screen.checking) lines.push('', w.checkingPin);
    if (screen.error) lines.push('', screen.error);
    return { title: w.technician, lines, footer: screen.checking ? w.hintWait : w.hintOkCancel };
  },
};
