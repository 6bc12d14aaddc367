// Every screen's state, as data. A refund carries its `RefundFlow` from step
// to step so that any step can be returned to (a decline sends the merchant
// back to the scan or the amount with everything else kept).
import type { Channel, Order, TxnRecord } from '../src/domain/types.ts';
import type { SettlementReport } from '../src/domain/settlement.ts';
import type { Pending } from '../src/domain/refund-rules.ts';
import type { OrderRefusal } from '../src/domain/refund-rules.ts';
import type { InteractiveTest, SelfTestReport, SelfTestResult } from '../src/domain/selftest.ts';
import type { Key } from '../hal/keypad/types.ts';

export interface RefundFlow {
  order: Order;
  /** Refunds of this order queued on this terminal, not yet known to the host. */
  pending: Pending;
  /** Where the order came from: a refund from the transaction list goes back there. */
  from: 'home' | 'txns';
}

/** A self-test at the terminal: the interactive tests still to do, then (optionally) the automatic ones. */
export interface SelfTestFlow {
  todo: InteractiveTest[];
  automatic: boolean;
  done: SelfTestResult[];
}

/** What the scanner test read, as shown (a payment code masked). */
export interface TestRead {
  text: string;
  /** The network's name, `order number`, or `not a payment code`. */
  network: string;
  /** The same in English, for the report ops read. */
  report: string;
}

export interface ScannedCode {
  payCode: string;
  channel: Channel;
  confirmed: boolean;
}

export type Screen =
  | { id: 'home' }
  | { id: 'message'; title: string; text: string; tone: 'info' | 'bad'; back: Screen }
  | { id: 'sale.amount'; cents: number; error?: string }
  | { id: 'sale.scan'; cents: number; deadline: number; error?: string }
  | { id: 'sale.confirm'; cents: number; code: ScannedCode }
  | { id: 'sale.processing'; cents: number; code: ScannedCode; recordId?: string }
  | { id: 'sale.result'; record: TxnRecord }
  | { id: 'refund.order'; digits: string; error?: string }
  | { id: 'refund.lookup'; orderId: string; from: RefundFlow['from'] }
  | { id: 'refund.check'; flow: RefundFlow; refusal?: OrderRefusal }
  | { id: 'refund.pin'; flow: RefundFlow; digits: string; checking: boolean; error?: string }
  /** `proposed`: the amount shown is the remaining one, and the first digit typed replaces it. */
  | { id: 'refund.amount'; flow: RefundFlow; cents: number; proposed: boolean; error?: string }
  | { id: 'refund.scan'; flow: RefundFlow; cents: number; deadline: number; error?: string }
  | { id: 'refund.confirm'; flow: RefundFlow; cents: number; code: ScannedCode }
  | { id: 'refund.processing'; flow: RefundFlow; cents: number; code: ScannedCode; recordId?: string }
  | { id: 'refund.result'; flow: RefundFlow; cents: number; code: ScannedCode; record: TxnRecord; notified?: string }
  | { id: 'txns.list'; records?: TxnRecord[]; index: number }
  | { id: 'txns.detail'; records: TxnRecord[]; index: number; note?: string }
  | { id: 'settle.menu' }
  /** Transactions are still queued: submit them first, or close anyway. */
  | { id: 'settle.queued'; queued: number }
  | { id: 'settle.working'; kind: 'X' | 'Z' | 'sync' }
  | { id: 'settle.result'; report: SettlementReport }
  | { id: 'selftest.pin'; digits: string; checking: boolean; error?: string }
  | { id: 'selftest.menu' }
  /** Each interactive test: `startedAt` times it, `deadline` fails it when nobody answers. */
  | { id: 'selftest.display'; flow: SelfTestFlow; startedAt: number; deadline: number }
  | { id: 'selftest.keypad'; flow: SelfTestFlow; startedAt: number; deadline: number; missing: Key[] }
  | { id: 'selftest.scanner'; flow: SelfTestFlow; startedAt: number; deadline: number; read?: TestRead }
  | { id: 'selftest.running'; flow: SelfTestFlow }
  /** `page` 0: the summary; n: the n-th test's detail. */
  | { id: 'selftest.result'; report: SelfTestReport; page: number };

export type ScreenId = Screen['id'];
export type ScreenOf<I extends ScreenId> = Extract<Screen, { id: I }>;
