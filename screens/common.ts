// Small helpers shared by the screens.
import { messages, type Messages } from '../src/domain/i18n/index.ts';
import { formatCents } from '../src/domain/money.ts';
import { PaycodeTable, type PaycodeRule, type Recognition } from '../src/domain/paycode.ts';
import type { Ctx, Effect, Event } from './types.ts';
import type { Screen, ScreenId, ScreenOf } from './state.ts';
import type { View } from './layout.ts';

export interface Step {
  screen: Screen;
  effects?: Effect[];
}

export interface ScreenDef<I extends ScreenId> {
  /** Returns home after `ctx.idleTimeoutMs` without a key (false while waiting on the runtime). */
  idle: boolean;
  /** The next screen and effects, or null when the event means nothing here. */
  on(screen: ScreenOf<I>, event: Event, ctx: Ctx): Step | null;
  view(screen: ScreenOf<I>, ctx: Ctx): View;
  /** Effects whenever the machine arrives on this screen from another (e.g. load what it shows). */
  enter?(screen: ScreenOf<I>, ctx: Ctx): Effect[];
}

export const t = (ctx: Ctx): Messages => messages(ctx.locale);
export const money = (ctx: Ctx, cents: number): string => formatCents(cents, ctx.locale, ctx.currency);
export const HOME: Screen = { id: 'home' };

export function message(text: string, options: { title: string; back?: Screen; tone?: 'info' | 'bad' }): Screen {
  return { id: 'message', title: options.title, text, tone: options.tone ?? 'bad', back: options.back ?? HOME };
}

/** Recognising compiles the table's patterns once per table (the table comes from config and rarely changes). */
const tables = new WeakMap<PaycodeRule[], PaycodeTable>();
export function recognise(ctx: Ctx, code: string): Recognition {
  let table = tables.get(ctx.paycodes);
  if (!table) {
    table = new PaycodeTable(ctx.paycodes);
    tables.set(ctx.paycodes, table);
  }
  return table.recognise(code);
}

/** `HH:MM` of an epoch time in the terminal's time zone. */
export function clockTime(ctx: Ctx, at: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: ctx.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(at),
  );
}

export const isKey = (event: Event, key: string): boolean => event.type === 'key' && event.key === key;

/** Signal effect helper: `beep('error')`. */
export const beep = (signal: 'success' | 'error' | 'attention'): Effect => ({ type: 'signal', signal });
