// The reference acquirer host, transport-free: one call per RPC of
// PROTOCOL.md. The MQTT transport and the terminal's network simulator both
// wrap `handle()`. The terminal id comes from the transport (the topic the
// broker let that terminal publish on), never from the payload alone.
import { createHash } from 'node:crypto';
import defaults from '../../config/default.json' with { type: 'json' };
import { maskCode, maskEmail, maskPhone } from '../../src/domain/mask.ts';
import { PaycodeTable, type PaycodeRule } from '../../src/domain/paycode.ts';
import { NETWORK_LIMITS, type RefundLimits } from '../../src/domain/refund-rules.ts';
import type { Order, Txn, TxnResult } from '../../src/domain/types.ts';
import { channelSchema, describeZodError, paramsSchemas, rpcMethodSchema, terminalIdSchema, type RpcParams } from '../../src/domain/wire.ts';
import type { RpcMethod } from '../../hal/network/types.ts';
import { SerialQueue } from '../../src/ledger/serial.ts';
import { silentLogger, type Logger } from '../../src/runtime/log.ts';
import { decideRefund, decideSale, type CodeFacts } from './decide.ts';
import { settlementTotals } from './settlement.ts';
import type { DemoBehaviour, HostStore, StoredTxn } from './store.ts';

export type HostAnswer = { ok: true; result: Record<string, unknown> } | { ok: false; error: { code: string; message: string } };

/** Error codes of `ok: false` answers (PROTOCOL.md "RPC methods"). */
export type HostErrorCode = 'BAD_REQUEST' | 'UNKNOWN_METHOD' | 'ORDER_NOT_FOUND' | 'TXN_NOT_FOUND' | 'DUPLICATE_MISMATCH';

/** A customer notification the host would send; contacts are already masked. */
export interface Notification {
  terminalId: string;
  txnId: string;
  orderId: string;
  /** e.g. `SMS +86*******0001`, `e-mail l*****@example.com`. */
  to: string[];
  text: string;
}

export interface HostServiceOptions {
  store: HostStore;
  now: () => Date;
  /** Pay-code table; the default is `paycodes` of config/default.json. */
  paycodes?: readonly PaycodeRule[];
  limits?: RefundLimits;
  /** How long a `processing` demo refund stays processing, from its first submission (default 5 s). */
  processingDelayMs?: number;
  log?: Logger;
  /** Shows a notification (the host's console); the host only logs it otherwise. */
  notify?: (notification: Notification) => void;
}

export const DEFAULT_PROCESSING_DELAY_MS = 5000;

export function defaultPaycodes(): PaycodeRule[] {
  return defaults.paycodes.map((rule) => ({ ...rule, channel: channelSchema.parse(rule.channel) }));
}

const ok = (result: Record<string, unknown>): HostAnswer => ({ ok: true, result });
const fail = (code: HostErrorCode, message: string): HostAnswer => ({ ok: false, error: { code, message } });

/** Final: approved, or declined for good. SYSTEM_ERROR and processing may still change (PROTOCOL.md). */
const isFinalResult = (result: TxnResult) => result.status === 'approved' || (result.status === 'declined' && result.code !== 'SYSTEM_ERROR');

const hashCode = (code: string) => createHash('sha256').update(code.trim()).digest('hex');
const formatHostRef = (n: number) => `H${String(n).padStart(6, '0')}`;

export class HostService {
  private readonly store: HostStore;
  private readonly now: () => Date;
  private readonly codes: PaycodeTable;
  private readonly limits: RefundLimits;
  private readonly processingDelayMs: number;
  private readonly log: Logger;
  private readonly notify: ((notification: Notification) => void) | undefined;
  /**
   * Money-changing calls run one at a time. Deciding is synchronous today, but
   * a decision must not be made on a change whose write may still fail and be
   * undone (the store puts memory back), nor be written with it.
   */
  private readonly queue = new SerialQueue();

  constructor(options: HostServiceOptions) {
    this.store = options.store;
    this.now = options.now;
    this.codes = new PaycodeTable(options.paycodes ?? defaultPaycodes());
    this.limits = options.limits ?? NETWORK_LIMITS;
    this.processingDelayMs = options.processingDelayMs ?? DEFAULT_PROCESSING_DELAY_MS;
    this.log = options.log ?? silentLogger();
    this.notify = options.notify;
  }

  async handle(terminalId: string, method: string, params: unknown): Promise<HostAnswer> {
    if (!terminalIdSchema.safeParse(terminalId).success) return fail('BAD_REQUEST', `terminal id ${JSON.stringify(terminalId)} is not valid`);
    const known = rpcMethodSchema.safeParse(method);
    if (!known.success) {
      return fail('UNKNOWN_METHOD', `unknown method ${JSON.stringify(method)}; known: ${rpcMethodSchema.options.join(', ')}`);
    }
    const m = known.data;
    const parsed = paramsSchemas[m].safeParse(params);
    if (!parsed.success) return fail('BAD_REQUEST', `${m} params: ${describeZodError(parsed.error)}`);
    // safeParse over the union of schemas gives the union of their outputs; each case narrows to its own.
    const p = <M extends RpcMethod>(_: M) => parsed.data as RpcParams<M>;
    switch (m) {
      case 'order.get':
        return this.orderGet(p(m));
      case 'txn.submit':
        return this.queue.run(() => this.submit(terminalId, p(m).txn));
      case 'txn.query':
        return this.queue.run(() => this.query(terminalId, p(m).id));
      case 'settlement.totals':
        return ok({ totals: settlementTotals(this.store.allTxns(), { terminalId, ...p(m) }) });
      case 'notify.send':
        return this.notifySend(terminalId, p(m));
      case 'time.get':
        return ok({ now: this.now().toISOString() });
    }
  }

  private orderGet({ orderId }: RpcParams<'order.get'>): HostAnswer {
    const found = this.store.order(orderId);
    return found ? ok({ order: found.order }) : fail('ORDER_NOT_FOUND', `order ${orderId} is not known to the host`);
  }

  private async submit(terminalId: string, txn: Txn): Promise<HostAnswer> {
    if (txn.terminalId !== terminalId) {
      return fail('BAD_REQUEST', `txn.terminalId ${txn.terminalId} is not the terminal that sent it (${terminalId})`);
    }
    const hash = hashCode(txn.payCode);
    const stored = this.store.txn(txn.id);
    if (stored) {
      const differs = differences(stored, txn, hash);
      if (differs.length) {
        const fields = differs.join(', ');
        return fail('DUPLICATE_MISMATCH', `transaction ${txn.id} was first submitted with a different ${fields}; a new transaction needs a new number`);
      }
      if (isFinalResult(stored.result)) return ok({ result: stored.result });
      if (stored.result.status === 'processing') return ok({ result: await this.settle(stored) });
    }
    const order = this.store.order(txn.orderId)?.order;
    if (txn.type === 'refund' && order && order.currency !== txn.currency) {
      return fail('BAD_REQUEST', `the refund is in ${txn.currency}, order ${order.orderId} in ${order.currency}`);
    }
    try {
      return ok({ result: await this.decide(txn, hash, stored) });
    } catch (error) {
      // Nothing was recorded (the store put memory back): a SYSTEM_ERROR tells the terminal to retry with the same number.
      this.log.error({ err: error, txnId: txn.id }, 'could not record a transaction');
      const message = 'the host could not record the transaction; retry with the same number';
      return ok({ result: { id: txn.id, status: 'declined', code: 'SYSTEM_ERROR', message } });
    }
  }

  /** First submission, or one after a SYSTEM_ERROR: the network's answer, recorded before it is given. */
  private async decide(txn: Txn, hash: string, previous: StoredTxn | undefined): Promise<TxnResult> {
    const now = this.now();
    const hostOrder = this.store.order(txn.orderId);
    const code = this.codeFacts(txn, hash);
    const verdict =
      txn.type === 'refund'
        ? decideRefund({ txn, hostOrder, code, now, limits: this.limits })
        : decideSale({ txn, existing: hostOrder?.order, code, now });
    const record: Omit<StoredTxn, 'result'> = {
      // The code itself is not kept: its hash answers "same code?" and "used?".
      txn: { ...txn, payCode: maskCode(txn.payCode.trim()) },
      payCodeHash: hash,
      firstSubmittedAt: previous?.firstSubmittedAt ?? now.toISOString(),
      submissions: (previous?.submissions ?? 0) + 1,
    };
    const answer = (status: TxnResult['status'], code: string, message: string, order: Order | undefined): TxnResult => ({
      id: txn.id,
      status,
      code,
      message,
      ...(order && { order }),
    });
    if (verdict.kind === 'decline') return this.record({ ...record, result: answer('declined', verdict.code, verdict.message, verdict.order) });
    const behaviour = txn.type === 'refund' ? hostOrder?.behaviour : undefined;
    const current = hostOrder?.order;
    if (behaviour === 'system_error_once' && !previous) {
      const message = 'the payment network had a system error; retry with the same number';
      return this.record({ ...record, result: answer('declined', 'SYSTEM_ERROR', message, current) });
    }
    if (behaviour === 'processing' && !previous) {
      const result = answer('processing', 'PROCESSING', 'refund accepted, result to follow', current);
      // The code is taken now: the network holds it while it processes.
      await this.store.commit({ txn: { ...record, channel: verdict.channel, result }, useCode: { hash, txnId: txn.id } });
      this.logTxn(record.txn, result);
      return result;
    }
    return this.approve({ record: { ...record, channel: verdict.channel }, order: verdict.order, message: verdict.message, behaviour });
  }

  /** A processing refund: still processing until the delay has passed, then decided on the order as it is now. */
  private async settle(stored: StoredTxn): Promise<TxnResult> {
    const now = this.now();
    if (now.getTime() - Date.parse(stored.firstSubmittedAt) < this.processingDelayMs) return stored.result;
    const hostOrder = this.store.order(stored.txn.orderId);
    const verdict = decideRefund({ txn: stored.txn, hostOrder, code: { channel: stored.channel, usedByOther: false }, now, limits: this.limits });
    try {
      if (verdict.kind === 'decline') {
        const { code, message, order } = verdict;
        return await this.record({ ...stored, result: { id: stored.txn.id, status: 'declined', code, message, ...(order && { order }) } });
      }
      return await this.approve({ record: stored, order: verdict.order, message: verdict.message, behaviour: hostOrder?.behaviour });
    } catch (error) {
      this.log.error({ err: error, txnId: stored.txn.id }, 'could not record the outcome of a processing refund');
      return stored.result;
    }
  }

  /** Takes the code, moves the order on, hands out the next hostRef: all in one write. */
  private async approve(options: {
    record: Omit<StoredTxn, 'result'>;
    order: Order;
    message: string;
    /** Kept with the order: a demo order stays one after its refunds. */
    behaviour: DemoBehaviour | undefined;
  }): Promise<TxnResult> {
    const { record, order, message, behaviour } = options;
    const hostRef = this.store.lastHostRef + 1;
    const result: TxnResult = { id: record.txn.id, status: 'approved', code: 'OK', message, hostRef: formatHostRef(hostRef), order };
    await this.store.commit({
      orders: [behaviour ? { order, behaviour } : { order }],
      txn: { ...record, result },
      useCode: { hash: record.payCodeHash, txnId: record.txn.id },
      lastHostRef: hostRef,
    });
    this.logTxn(record.txn, result);
    return result;
  }

  private async record(record: StoredTxn): Promise<TxnResult> {
    await this.store.commit({ txn: record });
    this.logTxn(record.txn, record.result);
    return record.result;
  }

  private async query(terminalId: string, id: string): Promise<HostAnswer> {
    const stored = this.store.txn(id);
    // Another terminal's transaction is not this one's business: not found.
    if (!stored || stored.txn.terminalId !== terminalId) return fail('TXN_NOT_FOUND', `transaction ${id} is not known to the host`);
    return ok({ result: stored.result.status === 'processing' ? await this.settle(stored) : stored.result });
  }

  /**
   * Tells a customer about an approved refund. Only for a refund this
   * terminal made and the host approved, and only to the contact the host has
   * on the order: the host must not become an SMS relay for anything a
   * terminal cares to send to anyone.
   */
  private notifySend(terminalId: string, params: RpcParams<'notify.send'>): HostAnswer {
    const stored = this.store.txn(params.txnId);
    if (!stored || stored.txn.terminalId !== terminalId) return fail('TXN_NOT_FOUND', `transaction ${params.txnId} is not known for ${terminalId}`);
    if (stored.txn.type !== 'refund' || stored.result.status !== 'approved' || stored.txn.orderId !== params.orderId) {
      return fail('BAD_REQUEST', `transaction ${params.txnId} is not an approved refund of order ${params.orderId}`);
    }
    const contact = this.store.order(params.orderId)?.order.contact ?? {};
    const phone = params.contact.phone && params.contact.phone === contact.phone ? contact.phone : undefined;
    const email = params.contact.email && params.contact.email === contact.email ? contact.email : undefined;
    if (!phone && !email) return fail('BAD_REQUEST', `order ${params.orderId} has no such contact`);
    if (params.text.length > 500) return fail('BAD_REQUEST', 'text: at most 500 characters');
    const to = [...(phone ? [`SMS ${maskPhone(phone)}`] : []), ...(email ? [`e-mail ${maskEmail(email)}`] : [])];
    this.log.info({ terminalId, txnId: params.txnId, orderId: params.orderId, to }, 'customer notification queued');
    this.notify?.({ terminalId, txnId: params.txnId, orderId: params.orderId, to, text: params.text });
    return ok({ queued: true });
  }

  private codeFacts(txn: Txn, hash: string): CodeFacts {
    const recognised = this.codes.recognise(txn.payCode);
    const usedBy = this.store.codeUsedBy(hash);
    return { channel: recognised.ok ? recognised.channel : undefined, usedByOther: usedBy !== undefined && usedBy !== txn.id };
  }

  private logTxn(txn: Txn, result: TxnResult): void {
    const { id, type, orderId, amountCents, terminalId, payCode } = txn;
    const { status, code, hostRef } = result;
    this.log.info({ terminalId, txnId: id, type, orderId, amountCents, payCode, status, code, hostRef }, 'transaction answered');
  }
}

/** Fields that must not change between tries of one transaction (PROTOCOL.md); a terminal with another id is a mismatch too. */
function differences(stored: StoredTxn, txn: Txn, hash: string): string[] {
  const out: string[] = [];
  for (const key of ['type', 'orderId', 'amountCents', 'currency'] as const) if (stored.txn[key] !== txn[key]) out.push(key);
  if (stored.payCodeHash !== hash) out.push('payCode');
  if (stored.txn.terminalId !== txn.terminalId) out.push('terminalId');
  return out;
}
