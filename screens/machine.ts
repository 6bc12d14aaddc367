// The screen machine: pure `transition(machine, event) → { machine, effects }`
// and `view(machine) → frame`, as data (in the manner of XState's pure
// transition). The runtime feeds it events and carries out its effects.
import type { Frame } from '../hal/display/types.ts';
import { layout } from './layout.ts';
import type { ScreenDef, Step } from './common.ts';
import type { Screen, ScreenId } from './state.ts';
import type { Ctx, Effect, Event } from './types.ts';
import { home, messageScreen } from './home.ts';
import { saleAmount } from './sale/amount.ts';
import { saleScan } from './sale/scan.ts';
import { saleConfirm } from './sale/confirm.ts';
import { saleProcessing } from './sale/processing.ts';
import { saleResult } from './sale/result.ts';
import { refundOrder } from './refund/order.ts';
import { refundLookup } from './refund/lookup.ts';
import { refundCheck } from './refund/check.ts';
import { refundPin } from './refund/pin.ts';
import { refundAmount } from './refund/amount.ts';
import { refundScan } from './refund/scan.ts';
import { refundConfirm } from './refund/confirm.ts';
import { refundProcessing } from './refund/processing.ts';
import { refundResult } from './refund/result.ts';
import { txnsList } from './txns/list.ts';
import { txnsDetail } from './txns/detail.ts';
import { settleMenu, settleQueued } from './settle/menu.ts';
import { settleWorking } from './settle/working.ts';
import { settleResult } from './settle/result.ts';
import { selftestPin } from './selftest/pin.ts';
import { selftestMenu } from './selftest/menu.ts';
import { selftestDisplay } from './selftest/display.ts';
import { selftestKeypad } from './selftest/keypad.ts';
import { selftestScanner } from './selftest/scanner.ts';
import { selftestRunning } from './selftest/running.ts';
import { selftestResult } from './selftest/result.ts';

const screens: { [I in ScreenId]: ScreenDef<I> } = {
  home,
  message: messageScreen,
  'sale.amount': saleAmount,
  'sale.scan': saleScan,
  'sale.confirm': saleConfirm,
  'sale.processing': saleProcessing,
  'sale.result': saleResult,
  'refund.order': refundOrder,
  'refund.lookup': refundLookup,
  'refund.check': refundCheck,
  'refund.pin': refundPin,
  'refund.amount': refundAmount,
  'refund.scan': refundScan,
  'refund.confirm': refundConfirm,
  'refund.processing': refundProcessing,
  'refund.result': refundResult,
  'txns.list': txnsList,
  'txns.detail': txnsDetail,
  'settle.menu': settleMenu,
  'settle.queued': settleQueued,
  'settle.working': settleWorking,
  'settle.result': settleResult,
  'selftest.pin': selftestPin,
  'selftest.menu': selftestMenu,
  'selftest.display': selftestDisplay,
  'selftest.keypad': selftestKeypad,
  'selftest.scanner': selftestScanner,
  'selftest.running': selftestRunning,
  'selftest.result': selftestResult,
};

export interface Machine {
  ctx: Ctx;
  screen: Screen;
  /** Last key or scan (epoch ms): idle screens return home `ctx.idleTimeoutMs` after it. */
  lastInputAt: number;
}

export interface Transition {
  machine: Machine;
  effects: Effect[];
}

export const initialMachine = (ctx: Ctx, at: number): Machine => ({ ctx, screen: { id: 'home' }, lastInputAt: at });

const defOf = (screen: Screen) => screens[screen.id] as unknown as ScreenDef<ScreenId>;

/** True while the terminal is in the middle of a transaction (a config change waits for this to end). */
export const isBusy = (machine: Machine): boolean => machine.screen.id !== 'home' && machine.screen.id !== 'message';

export function transition(machine: Machine, event: Event): Transition {
  const ctx = updateCtx(machine.ctx, event);
  let lastInputAt = machine.lastInputAt;
  const effects: Effect[] = [];
  if (event.type === 'key' || event.type === 'scan') {
    lastInputAt = event.at;
    if (event.type === 'key') effects.push({ type: 'signal', signal: 'click' });
  }
  const step: Step | null = defOf(machine.screen).on(machine.screen as never, event, ctx);
  if (step) {
    // A screen that changes by itself (a time-out message) restarts the idle
    // time, so the merchant gets to read what it says.
    if (event.type === 'tick') lastInputAt = event.at;
    const entered = step.screen.id !== machine.screen.id ? (defOf(step.screen).enter?.(step.screen as never, ctx) ?? []) : [];
    return { machine: { ctx, screen: step.screen, lastInputAt }, effects: [...effects, ...(step.effects ?? []), ...entered] };
  }
  if (event.type === 'tick' && defOf(machine.screen).idle && event.at - lastInputAt >= ctx.idleTimeoutMs) {
    return { machine: { ctx, screen: { id: 'home' }, lastInputAt }, effects };
  }
  return { machine: { ctx, screen: machine.screen, lastInputAt }, effects };
}

function updateCtx(ctx: Ctx, event: Event): Ctx {
  switch (event.type) {
    case 'link':
      return { ...ctx, online: event.online };
    case 'queue':
      return { ...ctx, queued: event.queued };
    case 'lock':
      return { ...ctx, refundLockedUntil: event.until };
    case 'notices':
      return { ...ctx, notices: event.notices };
    case 'pin':
      return event.outcome.result === 'locked' && event.role !== 'technician' ? { ...ctx, refundLockedUntil: event.outcome.lockedUntil } : ctx;
    case 'config':
      return { ...ctx, ...event.settings };
    default:
      return ctx;
  }
}

export function view(machine: Machine): Frame {
  return layout(defOf(machine.screen).view(machine.screen as never, machine.ctx), machine.ctx.display);
}
