// Drives the pure screen machine the way the runtime would, with a simulated
// clock, collecting effects and reading the frame as text.
import { parseKeys } from '../../hal/keypad/sim.ts';
import { frameText } from '../../hal/display/sim.ts';
import { parseConfig } from '../../config/load.ts';
import { initialMachine, transition, view, type Machine } from '../../screens/machine.ts';
import type { Ctx, Effect, Event } from '../../screens/types.ts';
import { contextFrom } from '../../src/runtime/terminal.ts';
import type { Order, TxnRecord, TxnResult } from '../../src/domain/types.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export const T0 = Date.parse('2026-11-27T08:00:00Z');

export function testCtx(over: Partial<Ctx> = {}): Ctx {
  const parsed = parseConfig({ security: { supervisorPinHash: 'scrypt$16384$8$1$AAAA$AAAA' } }, '/tmp');
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return { ...contextFrom(parsed.config, true), ...over };
}

export function order(over: Partial<Order> = {}): Order {
  return {
    orderId: '2026112600000001',
    amountCents: 8800,
    currency: 'CNY',
    channel: 'wechat',
    status: 'paid',
    paidAt: '2026-11-26T09:30:00Z',
    refundedCents: 0,
    refundCount: 0,
    ...over,
  };
}

export const WECHAT = '134567890123456789';
export const ALIPAY = '281234567890123456';

export class Driver {
  machine: Machine;
  at = T0;
  effects: Effect[] = [];

  constructor(ctx: Ctx = testCtx()) {
    this.machine = initialMachine(ctx, this.at);
  }

  send(event: DistributiveOmit<Event, 'at'> & { at?: number }): this {
    const { machine, effects } = transition(this.machine, { ...event, at: event.at ?? this.at } as Event);
    this.machine = machine;
    this.effects.push(...effects.filter((e) => !(e.type === 'signal' && e.signal === 'click')));
    return this;
  }

  keys(text: string): this {
    for (const key of parseKeys(text)) this.send({ type: 'key', key });
    return this;
  }

  scan(code: string): this {
    return this.send({ type: 'scan', code });
  }

  /** Moves the clock, with a tick every second as the runtime does. */
  advance(ms: number): this {
    const end = this.at + ms;
    while (this.at < end) {
      this.at = Math.min(end, this.at + 1000);
      this.send({ type: 'tick' });
    }
    return this;
  }

  get screen(): string {
    return this.machine.screen.id;
  }

  /** The frame's words as one line (rows joined, spaces collapsed), so wrapping does not matter. */
  text(): string {
    return frameText(view(this.machine)).split('\n').map((r) => r.trim()).join(' ').replace(/\s+/g, ' ');
  }

  /** The frame as the display shows it, row by row. */
  rows(): string[] {
    return view(this.machine).rows;
  }

  /** Effects of one type since the last call, then forgotten. */
  take<T extends Effect['type']>(type: T): Array<Extract<Effect, { type: T }>> {
    const found = this.effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
    this.effects = this.effects.filter((e) => e.type !== type);
    return found;
  }

  /** Answers the pending lookup with an order (as the runtime would). */
  answerOrder(o: Order, pending = { cents: 0, count: 0 }): this {
    return this.send({ type: 'order', orderId: o.orderId, lookup: { ok: true, order: o, pending, source: 'host' } });
  }

  /** Walks a refund of `o` to the amount step (PIN accepted). */
  toAmount(o: Order = order(), pending = { cents: 0, count: 0 }): this {
    this.keys('2').keys(o.orderId).keys('[OK]').answerOrder(o, pending).keys('[OK]').keys('246810[OK]');
    return this.send({ type: 'pin', outcome: { result: 'ok' } });
  }

  /** Answers the pending submit with a record in `state`. */
  answerSubmit(state: TxnRecord['state'], result?: Partial<TxnResult>, notified?: string): TxnRecord {
    const submit = this.take('submit')[0];
    if (!submit) throw new Error('no submit effect pending');
    const d = submit.draft;
    const record: TxnRecord = {
      txn: {
        id: '0193e0c2-7f1a-7b4e-9a51-3c2d9b1e0a11',
        type: d.type,
        orderId: d.orderId ?? '90001261127080000001',
        amountCents: d.amountCents,
        currency: 'CNY',
        channel: d.channel,
        payCode: d.payCode,
        createdAt: new Date(this.at).toISOString(),
        offline: state === 'queued',
        terminalId: 'T1001',
        operator: d.operator,
      },
      state,
      attempts: 1,
      updatedAt: new Date(this.at).toISOString(),
      ...(result ? { result: { id: '0193e0c2-7f1a-7b4e-9a51-3c2d9b1e0a11', status: state === 'queued' ? 'processing' : (state as 'approved'), code: 'OK', message: '', ...result } } : {}),
    };
    this.send({ type: 'txn', record, ...(notified ? { notified } : {}) });
    return record;
  }
}
