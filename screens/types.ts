// The screen machine's vocabulary: what it knows (Ctx), what happens to it
// (Event) and what it asks the runtime to do (Effect). All plain data: the
// machine never touches hardware, storage, the network or the clock.
import type { Key } from '../hal/keypad/types.ts';
import type { Signal } from '../hal/indicators/types.ts';
import type { PrintDocument } from '../hal/printer/types.ts';
import type { Frame } from '../hal/display/types.ts';
import type { Locale } from '../src/domain/money.ts';
import type { PaycodeRule } from '../src/domain/paycode.ts';
import type { Pending, RefundLimits } from '../src/domain/refund-rules.ts';
import type { Channel, Order, TxnRecord, TxnType } from '../src/domain/types.ts';
import type { SettlementReport } from '../src/domain/settlement.ts';
import type { SelfTestReport, SelfTestResult } from '../src/domain/selftest.ts';

/** Facts the runtime keeps the machine informed of. */
export interface Ctx {
  terminalId: string;
  locale: Locale;
  currency: string;
  timezone: string;
  merchantName: string;
  display: { rows: number; cols: number };
  /** Keys this terminal's keypad has (the keypad self-test asks for each); absent: all of them. */
  keypadKeys?: Key[];
  online: boolean;
  /** Transactions in the outbox (recorded, not yet settled with the host). */
  queued: number;
  pins: { supervisor: boolean; technician: boolean };
  /** Epoch ms until which refunds are locked after too many wrong PINs. */
  refundLockedUntil?: number;
  idleTimeoutMs: number;
  scanTimeoutMs: number;
  receipt: { header: string[]; footer: string[]; merchantCopy: boolean; customerCopy: boolean };
  paycodes: PaycodeRule[];
  limits: RefundLimits;
  /** Warnings for the home screen (storage recovered, replay declined…). */
  notices: string[];
}

export type OrderLookup =
  | { ok: true; order: Order; pending: Pending; source: 'host' | 'cache' }
  | { ok: false; reason: 'not_found' | 'offline_unknown' | 'error'; detail?: string };

export type PinOutcome =
  | { result: 'ok' }
  | { result: 'wrong'; triesLeft: number }
  | { result: 'locked'; lockedUntil: number }
  | { result: 'not_provisioned' }
  /** The check itself failed (storage): nothing is unlocked. */
  | { result: 'error' };

export type Refusal =
  | { reason: 'needs_network' }
  | { reason: 'offline_refund_limit'; maxCents: number }
  | { reason: 'offline_total_limit'; maxCents: number }
  | { reason: 'offline_count_limit'; max: number }
  | { reason: 'storage'; detail?: string }
  /** Free space is low: offline refunds are the first thing refused. */
  | { reason: 'storage_low' };

/** The part of Ctx that comes from settings a pushed config may change live. */
export type ConfigSettings = Pick<Ctx, 'locale' | 'currency' | 'merchantName' | 'pins' | 'idleTimeoutMs' | 'scanTimeoutMs' | 'receipt' | 'paycodes' | 'limits'>;

/** Everything carries `at` (epoch ms from the injected clock): the machine's only time source. */
export type Event =
  | { type: 'key'; key: Key; at: number }
  | { type: 'scan'; code: string; at: number }
  | { type: 'tick'; at: number }
  | { type: 'link'; online: boolean; at: number }
  | { type: 'queue'; queued: number; at: number }
  | { type: 'lock'; until?: number; at: number }
  | { type: 'notices'; notices: string[]; at: number }
  | { type: 'order'; orderId: string; lookup: OrderLookup; at: number }
  /** `role`: whose PIN was checked (a technician lockout does not lock refunds). */
  | { type: 'pin'; outcome: PinOutcome; role?: 'supervisor' | 'technician'; at: number }
  /** The automatic self-test tests are done: the whole report (already handed to ops). */
  | { type: 'selfTestReport'; report: SelfTestReport; at: number }
  /** A transaction this machine asked for was recorded, or changed state (always already on disk). */
  | { type: 'txn'; record: TxnRecord; notified?: string; at: number }
  | { type: 'refused'; refusal: Refusal; at: number }
  | { type: 'txns'; records: TxnRecord[]; at: number }
  /** An X or Z report, worked out (a Z report is already stored and its batch closed). */
  | { type: 'report'; report: SettlementReport; at: number }
  | { type: 'report_failed'; reason: 'needs_network' | 'storage'; at: number }
  /** The queue was submitted on request; what is still in it. */
  | { type: 'synced'; queued: number; at: number }
  /** Ops pushed a config and it was applied (never sent while a transaction is in progress). */
  | { type: 'config'; settings: ConfigSettings; at: number };

export interface SubmitDraft {
  type: TxnType;
  /** Refunds: the order refunded. Sales: absent, the runtime makes the order number. */
  orderId?: string;
  amountCents: number;
  /** Refunds: the order's currency. Sales: absent, the terminal's. */
  currency?: string;
  channel: Channel;
  payCode: string;
  operator: string;
}

export type Effect =
  | { type: 'lookupOrder'; orderId: string }
  | { type: 'verifyPin'; role: 'supervisor' | 'technician'; pin: string }
  /** The automatic self-test tests after the interactive results in `done` (`automatic: false`: none, just the report). */
  | { type: 'selfTest'; done: SelfTestResult[]; automatic: boolean }
  | { type: 'submit'; draft: SubmitDraft }
  | { type: 'print'; doc: PrintDocument }
  | { type: 'signal'; signal: Signal }
  | { type: 'loadTxns'; limit: number }
  /** The merchant has read the home screen's notices. */
  /** `notice`: the one on screen when CLEAR was pressed (only that one goes). */
  | { type: 'dismissNotices'; notice: string | undefined }
  /** Print the receipts kept because the printer could not print them (OK on home). */
  | { type: 'printKept' }
  | { type: 'settle'; kind: 'X' | 'Z' }
  /** Submit the queue now (before a Z report). */
  | { type: 'sync' };

export type { Frame };
