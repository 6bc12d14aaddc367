// Settlement: X report (totals so far) or Z report (close the batch,
// reconciled with the host). Queued transactions are not in any total: the
// merchant is warned and offered to submit them first.
import { HOME, message, t, type ScreenDef, type Step } from '../common.ts';
import type { Ctx } from '../types.ts';

export const settleMenu: ScreenDef<'settle.menu'> = {
  idle: true,
  on(_screen, event, ctx) {
    if (event.type !== 'key') return null;
    if (event.key === 'CANCEL') return { screen: HOME };
    if (event.key === '1') return { screen: { id: 'settle.working', kind: 'X' }, effects: [{ type: 'settle', kind: 'X' }] };
    if (event.key === '2') return ctx.queued > 0 ? { screen: { id: 'settle.queued', queued: ctx.queued } } : startZ(ctx);
    return null;
  },
  view(_screen, ctx) {
    const w = t(ctx);
    return { title: w.settlement, lines: w.settleMenu, footer: w.hintCancel };
  },
};

export function startZ(ctx: Ctx): Step {
  const w = t(ctx);
  if (!ctx.online) return { screen: message(w.settleNeedsNetwork, { title: w.settlement, back: { id: 'settle.menu' } }), effects: [{ type: 'signal', signal: 'error' }] };
  return { screen: { id: 'settle.working', kind: 'Z' }, effects: [{ type: 'settle', kind: 'Z' }] };
}

export const settleQueued: ScreenDef<'settle.queued'> = {
  idle: true,
  on(_screen, event, ctx) {
    if (event.type !== 'key') return null;
    if (event.key === 'CANCEL') return { screen: { id: 'settle.menu' } };
    if (event.key === '1') return { screen: { id: 'settle.working', kind: 'sync' }, effects: [{ type: 'sync' }] };
    if (event.key === '2') return startZ(ctx);
    return null;
  },
  view(screen, ctx) {
    const w = t(ctx);
    return { title: w.report.z, lines: [w.settleQueued(screen.queued), '', ...w.settleQueuedChoice], footer: w.hintCancel };
  },
};
