// Shapes shared by the terminal, the screens and the reference host.
// They follow PROTOCOL.md exactly: money is integer cents, times are ISO 8601 UTC.

export type Channel = 'wechat' | 'alipay' | 'unionpay';
export const CHANNELS: readonly Channel[] = ['wechat', 'alipay', 'unionpay'];

export type OrderStatus = 'paid' | 'refund_pending' | 'partially_refunded' | 'refunded' | 'cancelled';

export interface Contact {
  phone?: string;
  email?: string;
}

export interface Order {
  orderId: string;
  amountCents: number;
  currency: string;
  channel: Channel;
  status: OrderStatus;
  paidAt: string;
  refundedCents: number;
  refundCount: number;
  contact?: Contact;
}

export type TxnType = 'refund' | 'sale';

/** A transaction as sent in `txn.submit`; `id` is the refund/sale number (idempotency key). */
export interface Txn {
  id: string;
  type: TxnType;
  orderId: string;
  amountCents: number;
  currency: string;
  channel: Channel;
  payCode: string;
  createdAt: string;
  offline: boolean;
  terminalId: string;
  operator: string;
}

export type ResultStatus = 'approved' | 'declined' | 'processing';

export type DeclineCode =
  | 'AUTH_CODE_INVALID'
  | 'AUTH_CODE_USED'
  | 'CHANNEL_MISMATCH'
  | 'ORDER_NOT_FOUND'
  | 'ORDER_CANCELLED'
  | 'ORDER_TOO_OLD'
  | 'REFUND_EXCEEDS_ORDER'
  | 'REFUND_COUNT_EXCEEDED'
  | 'INSUFFICIENT_BALANCE'
  | 'SYSTEM_ERROR';

export interface TxnResult {
  id: string;
  status: ResultStatus;
  /** `OK` when approved, a decline code otherwise (hosts may send codes we do not know). */
  code: string;
  message: string;
  hostRef?: string;
  order?: Order;
}

/**
 * Where a transaction stands on this terminal.
 * - `queued`: recorded, not yet answered by the host (offline, or sent with no answer yet);
 * - `processing`: the host said the result follows; settled by `txn.query`;
 * - `approved` / `declined`: the host's final answer.
 */
export type TxnState = 'queued' | 'processing' | 'approved' | 'declined';

export interface TxnRecord {
  txn: Txn;
  state: TxnState;
  result?: TxnResult;
  /** Submissions tried so far (0 while never sent). */
  attempts: number;
  updatedAt: string;
}

export const isFinal = (state: TxnState): boolean => state === 'approved' || state === 'declined';
