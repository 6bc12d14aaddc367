// Home: who and where the terminal is, what is queued, and the menu.
import { message, t, type ScreenDef } from './common.ts';
import { startRefund } from './start-refund.ts';
import type { Ctx } from './types.ts';

export const home: ScreenDef<'home'> = {
  idle: false,
  on(_screen, event, ctx) {
    if (event.type !== 'key') return null;
    const w = t(ctx);
    switch (event.key) {
      case 'CLEAR':
        return ctx.notices.length ? { screen: { id: 'home' }, effects: [{ type: 'dismissNotices', notice: ctx.notices[0] }] } : null;
      case 'OK':
        // Receipts the printer could not print wait for this (the notice says so); with none kept it does nothing.
        return ctx.notices.length ? { screen: { id: 'home' }, effects: [{ type: 'printKept' }] } : null;
      case '1':
        if (!ctx.online) return { screen: message(w.paymentNeedsNetwork, { title: w.sale }), effects: [{ type: 'signal', signal: 'error' }] };
        return { screen: { id: 'sale.amount', cents: 0 } };
      case '2':
        return startRefund(ctx, event.at);
      case '3':
        return { screen: { id: 'txns.list', index: 0 } };
      case '4':
        return { screen: { id: 'settle.menu' } };
      case '9':
        if (!ctx.pins.technician) return { screen: message(w.noTechPin, { title: w.technician }) };
        return { screen: { id: 'selftest.pin', digits: '', checking: false } };
      default:
        return null;
    }
  },
  view(_screen, ctx) {
    const w = t(ctx);
    return {
      title: `${w.appName} ${ctx.terminalId}`,
      status: ctx.online ? w.online : w.offline,
      // One notice at a time, so the menu always shows and none is cut off
      // unseen: CLEAR dismisses it and brings the next.
      lines: [w.queuedCount(ctx.queued), ...noticeLines(ctx), '', ...w.menu],
    };
  },
};

export const messageScreen: ScreenDef<'message'> = {
  idle: true,
  on(screen, event) {
    if (event.type === 'key' && (event.key === 'OK' || event.key === 'CANCEL')) return { screen: screen.back };
    return null;
  },
  view(screen, ctx) {
    return { title: screen.title, lines: [screen.text], footer: screen.back.id === 'home' ? t(ctx).okNext.home : t(ctx).hintOk };
  },
};

function noticeLines(ctx: Ctx): string[] {
  const [first] = ctx.notices;
  if (!first) return [];
  const w = t(ctx);
  const more = ctx.notices.length - 1;
  return [`! ${first}`, more > 0 ? w.moreNotices(more) : w.clearNotices];
}
