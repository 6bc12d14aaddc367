// PIN entry shared by the refund (supervisor) and self-test (technician)
// steps. Both roles take the same keys and answer the runtime's check the
// same way, so a merchant learns one behaviour; only the words and where a
// right PIN or CANCEL leads differ.
import { clockTime, message, t, type Step } from './common.ts';
import { enterDigits } from './entry.ts';
import type { View } from './layout.ts';
import type { Screen } from './state.ts';
import type { Ctx, Event } from './types.ts';

export interface PinEntry {
  digits: string;
  checking: boolean;
  error?: string;
}

export interface PinRole {
  role: 'supervisor' | 'technician';
  /** Title of the screen and of its messages. */
  title: string;
  /** Where a right PIN leads (computed only then). */
  ok(): Screen;
  cancel: Screen;
  /** The lockout message, given the `HH:MM` it ends. */
  locked(until: string): string;
  notProvisioned: string;
  /** The message when the check itself failed (storage). */
  storage: string;
}

export function onPinEntry<S extends Screen & PinEntry>(screen: S, event: Event, ctx: Ctx, r: PinRole): Step | null {
  // This same screen with other entry fields (its own fields, e.g. a refund's flow, kept).
  const again = (entry: Partial<PinEntry>): S => ({ ...screen, ...entry });
  if (event.type === 'pin' && screen.checking) {
    const { outcome } = event;
    switch (outcome.result) {
      case 'ok':
        return { screen: r.ok() };
      case 'wrong':
        return { screen: again({ digits: '', checking: false, error: t(ctx).wrongPin(outcome.triesLeft) }), effects: [{ type: 'signal', signal: 'error' }] };
      case 'locked':
        return { screen: message(r.locked(clockTime(ctx, outcome.lockedUntil)), { title: r.title }), effects: [{ type: 'signal', signal: 'error' }] };
      case 'not_provisioned':
        return { screen: message(r.notProvisioned, { title: r.title }) };
      case 'error':
        return { screen: message(r.storage, { title: r.title }), effects: [{ type: 'signal', signal: 'error' }] };
    }
  }
  if (event.type !== 'key' || screen.checking) return null;
  if (event.key === 'CANCEL') return { screen: r.cancel };
  if (event.key === 'OK') {
    if (screen.digits.length === 0) return null;
    return { screen: again({ checking: true, error: undefined }), effects: [{ type: 'verifyPin', role: r.role, pin: screen.digits }] };
  }
  const digits = enterDigits(screen.digits, event.key, 12);
  return digits === null ? null : { screen: again({ digits, error: undefined }) };
}

/** `lines` above the masked PIN (`label: ***_`), then the checking note or the last error. */
export function pinView(screen: PinEntry, ctx: Ctx, options: { title: string; label: string; lines?: string[] }): View {
  const w = t(ctx);
  const lines = [...(options.lines ?? []), `${options.label}: ${'*'.repeat(screen.digits.length)}_`];
  if (screen.checking) lines.push('', w.checkingPin);
  if (screen.error) lines.push('', screen.error);
  return { title: options.title, lines, footer: screen.checking ? w.hintWait : w.hintOkCancel };
}
