// Drives refunds through the terminal's keys and scanner, reading each screen
// as a merchant would: order → check → PIN → amount → code → confirm → result.
// Any screen it did not expect (a refusal, the link gone) sends it home to
// start the next refund; a terminal that dies on the way ends the refund.
import { setTimeout as sleep } from 'node:timers/promises';
import { ChildGone, type TerminalChild } from './child.ts';
import { screenOf, type ScreenKind } from './screens.ts';
import { RPC_TIMEOUT_MS, SUPERVISOR_PIN } from './stack.ts';

/** Longest a screen may take to follow a key: a host that stays silent takes RPC_TIMEOUT_MS, twice for a retried SYSTEM_ERROR. */
export const STEP_MS = 4 * RPC_TIMEOUT_MS + 3000;

export interface RefundPlan {
  orderId: string;
  /** Called when the amount is about to be typed: the amount, unique in the run. */
  amount: () => number;
  code: string;
  /** Kill the terminal this many ms after OK on the confirm screen (mid-submission). */
  killAfterConfirmMs?: number;
}

export type RefundEnd =
  /** A result screen was reached (what it said is read from the frames). */
  | 'result'
  /** Refused before anything was recorded (order unknown offline, a limit…). */
  | 'refused'
  /** The terminal died (killed) on the way. */
  | 'gone'
  /** Killed on purpose right after OK on confirm. */
  | 'killed';

export interface DriverEvents {
  /** The amount was typed (it may reach the host from now on only once confirmed). */
  typed(orderId: string, amountCents: number): void;
  /** OK pressed on the confirm screen. */
  confirmed(orderId: string, amountCents: number): void;
  /** A screen that did not follow in time: what was expected and what was shown. */
  stalled(what: string, shown: string): void;
}

const isKind = (kinds: ScreenKind[]) => (text: string) => kinds.includes(screenOf(text));
const BUSY: ScreenKind[] = ['processing', 'lookup'];

export class Driver {
  constructor(
    private readonly child: TerminalChild,
    private readonly events: DriverEvents,
  ) {}

  /** One refund from the home screen; never throws for a terminal that dies meanwhile. */
  async refund(plan: RefundPlan): Promise<RefundEnd> {
    try {
      return await this.#refund(plan);
    } catch (err) {
      if (err instanceof ChildGone) return 'gone';
      throw err;
    }
  }

  async #refund(plan: RefundPlan): Promise<RefundEnd> {
    const t = this.child;
    if (!(await this.home())) return 'refused';
    t.keys(`2 ${plan.orderId} [OK]`);
    if ((await this.#step(['check', 'message', 'order-refused'], 'the order check')) !== 'check') return 'refused';
    t.keys(`[OK] ${SUPERVISOR_PIN} [OK]`);
    if ((await this.#step(['amount', 'message'], 'the amount')) !== 'amount') return 'refused';
    const cents = plan.amount();
    this.events.typed(plan.orderId, cents);
    t.keys(`${cents} [OK]`);
    if ((await this.#step(['scan', 'message'], 'the scan step')) !== 'scan') return 'refused';
    t.scan(plan.code);
    if ((await this.#step(['confirm', 'message'], 'the confirm screen')) !== 'confirm') return 'refused';
    t.keys('[OK]');
    this.events.confirmed(plan.orderId, cents);
    if (plan.killAfterConfirmMs !== undefined) {
      if (plan.killAfterConfirmMs > 0) await sleep(plan.killAfterConfirmMs);
      await t.kill(`${plan.killAfterConfirmMs} ms after OK on confirm (refund ${cents} cents)`);
      return 'killed';
    }
    return (await this.#step(['result', 'message'], 'the refund result')) === 'result' ? 'result' : 'refused';
  }

  /**
   * Back to the home screen with CANCEL (which every refund screen takes as
   * "one step back"), waiting out screens that take no keys. False when the
   * terminal would not get there.
   */
  async home(): Promise<boolean> {
    const t = this.child;
    for (let tries = 0; tries < 10; tries++) {
      const kind = screenOf(t.frame);
      if (kind === 'home' && /^! /m.test(t.frame)) {
        // Notices read (the witness saw the frame before this runs): dismissed, as a merchant would.
        const before = t.frame;
        t.keys('[CLEAR]');
        await t.waitFor((text) => text !== before, STEP_MS).catch(this.#stall('home after CLEAR'));
        continue;
      }
      if (kind === 'home') return true;
      if (BUSY.includes(kind) || /Checking…/.test(t.frame)) {
        await t.waitFor((text) => !BUSY.includes(screenOf(text)) && !/Checking…/.test(text), STEP_MS).catch(this.#stall('a screen after the wait'));
        continue;
      }
      const before = t.frame;
      t.keys('[CANCEL]');
      await t.waitFor((text) => text !== before, STEP_MS).catch(this.#stall('a screen after CANCEL'));
    }
    return screenOf(t.frame) === 'home';
  }

  /** Waits for one of `kinds`; a stall (the terminal alive but stuck) is reported and counts as refused. */
  async #step(kinds: ScreenKind[], what: string): Promise<ScreenKind | undefined> {
    const text = await this.child.waitFor(isKind(kinds), STEP_MS, what).catch(this.#stall(what));
    return text === undefined ? undefined : screenOf(text);
  }

  #stall(what: string) {
    return (err: unknown): undefined => {
      if (err instanceof ChildGone) throw err;
      if (this.child.alive) this.events.stalled(what, this.child.frame);
      return undefined;
    };
  }
}
