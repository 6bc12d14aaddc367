// Schemas of the RPC payloads of PROTOCOL.md, shared by the terminal (which
// checks the host's answers) and the reference host (which checks requests).
// Objects are not strict: the protocol grows by adding optional fields, so a
// field we do not know is ignored (dropped from the parsed value), never an error.
// As a namespace (not `import { z }`, which keeps all of zod alive): the
// bundle then holds only the parts used, a quarter of zod, and a board's
// start-up compiles that much less. Every import of zod in the bundle must do so.
import * as z from 'zod';
import type { RpcMethod } from '../../hal/network/types.ts';
import type { Channel, Order, OrderStatus, ResultStatus, Txn, TxnResult, TxnType } from './types.ts';

/** Integer cents; safe integers only, so sums stay exact. */
export const centsSchema = z.number().int('must be a whole number of cents').nonnegative('must not be negative');
export const orderIdSchema = z.string().regex(/^\d{6,32}$/, 'must be 6–32 digits');
export const terminalIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, _ or -');
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY');
/** ISO 8601 date and time; PROTOCOL.md asks for UTC, an explicit offset is understood too. */
export const timeSchema = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date and time, e.g. 2026-11-26T09:30:00Z' });
/** Refund/sale numbers: UUIDv7 or an equivalent id made on the terminal. */
export const txnIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'must be 1–64 letters, digits, _ . : or -');

export const channelSchema = z.enum(['wechat', 'alipay', 'unionpay']);
export const orderStatusSchema = z.enum(['paid', 'refund_pending', 'partially_refunded', 'refunded', 'cancelled']);
export const txnTypeSchema = z.enum(['refund', 'sale']);
export const resultStatusSchema = z.enum(['approved', 'declined', 'processing']);
export const rpcMethodSchema = z.enum(['order.get', 'txn.submit', 'txn.query', 'settlement.totals', 'notify.send', 'time.get']);

export const contactSchema = z.object({
  phone: z.string().regex(/^\+?[0-9][0-9 -]{3,30}$/, 'must be a phone number such as +8613800000000').optional(),
  email: z.email('must be an e-mail address').optional(),
});

export const orderSchema = z
  .object({
    orderId: orderIdSchema,
    amountCents: centsSchema,
    currency: currencySchema,
    channel: channelSchema,
    status: orderStatusSchema,
    paidAt: timeSchema,
    refundedCents: centsSchema,
    refundCount: z.number().int('must be a whole number').nonnegative('must not be negative'),
    contact: contactSchema.optional(),
  })
  .refine((order) => order.refundedCents <= order.amountCents, {
    message: 'refundedCents is more than amountCents',
    path: ['refundedCents'],
  });

export const txnSchema = z.object({
  id: txnIdSchema,
  type: txnTypeSchema,
  orderId: orderIdSchema,
  // A transaction of nothing is not a transaction; the other amounts may be 0.
  amountCents: centsSchema.positive('must be more than 0'),
  currency: currencySchema,
  channel: channelSchema,
  // Any text up to a sane length: whether it is a code of some network is the
  // host's answer (AUTH_CODE_INVALID), not a malformed request.
  payCode: z.string().min(1, 'must not be empty').max(64, 'is too long'),
  createdAt: timeSchema,
  offline: z.boolean(),
  terminalId: terminalIdSchema,
  operator: z.string().max(64, 'is too long'),
});

export const txnResultSchema = z.object({
  id: txnIdSchema,
  status: resultStatusSchema,
  // Hosts may send codes this software does not know yet: any short text.
  code: z.string().min(1).max(64),
  message: z.string().max(500),
  hostRef: z.string().min(1).max(64).optional(),
  order: orderSchema.optional(),
});

// ── envelopes ────────────────────────────────────────────────────────────────

export const rpcErrorSchema = z.object({ code: z.string().min(1).max(64), message: z.string().max(500) });

/** `{v: 1, id, method, params}`; `method` is any text here so that an unknown one can be answered UNKNOWN_METHOD. */
export const rpcRequestSchema = z.object({
  v: z.literal(1),
  id: z.string().min(1).max(128),
  method: z.string().min(1).max(64),
  params: z.record(z.string(), z.unknown()),
});

export const rpcResponseSchema = z.discriminatedUnion('ok', [
  z.object({ v: z.literal(1), id: z.string().min(1).max(128), ok: z.literal(true), result: z.record(z.string(), z.unknown()) }),
  z.object({ v: z.literal(1), id: z.string().min(1).max(128), ok: z.literal(false), error: rpcErrorSchema }),
]);

// ── params and results of each method ────────────────────────────────────────

const rangeSchema = z
  .object({ from: timeSchema, to: timeSchema })
  .refine((range) => Date.parse(range.from) <= Date.parse(range.to), { message: '`from` is after `to`', path: ['to'] });

export const paramsSchemas = {
  'order.get': z.object({ orderId: orderIdSchema }),
  'txn.submit': z.object({ txn: txnSchema }),
  'txn.query': z.object({ id: txnIdSchema }),
  'settlement.totals': rangeSchema,
  'notify.send': z.object({
    txnId: txnIdSchema,
    orderId: orderIdSchema,
    contact: contactSchema.refine((c) => c.phone !== undefined || c.email !== undefined, 'needs a phone or an email'),
    text: z.string().min(1, 'must not be empty').max(1000, 'is too long'),
  }),
  'time.get': z.object({}),
} satisfies Record<RpcMethod, z.ZodType>;

export const settlementTotalSchema = z.object({
  channel: channelSchema,
  type: txnTypeSchema,
  count: z.number().int().nonnegative(),
  amountCents: centsSchema,
});

export const resultSchemas = {
  'order.get': z.object({ order: orderSchema }),
  'txn.submit': z.object({ result: txnResultSchema }),
  'txn.query': z.object({ result: txnResultSchema }),
  'settlement.totals': z.object({ totals: z.array(settlementTotalSchema) }),
  'notify.send': z.object({ queued: z.literal(true) }),
  'time.get': z.object({ now: timeSchema }),
} satisfies Record<RpcMethod, z.ZodType>;

export type WireOrder = z.infer<typeof orderSchema>;
export type WireTxn = z.infer<typeof txnSchema>;
export type WireTxnResult = z.infer<typeof txnResultSchema>;
export type RpcRequest = z.infer<typeof rpcRequestSchema>;
export type RpcResponse = z.infer<typeof rpcResponseSchema>;
export type RpcParams<M extends RpcMethod> = z.infer<(typeof paramsSchemas)[M]>;
export type RpcResult<M extends RpcMethod> = z.infer<(typeof resultSchemas)[M]>;
export type SettlementTotal = z.infer<typeof settlementTotalSchema>;

// The domain types are written by hand (they document the protocol); these
// lines fail to compile the day a schema and its type drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;
export type WireTypesAgree = [
  Expect<Same<WireOrder, Order>>,
  Expect<Same<WireTxn, Txn>>,
  Expect<Same<WireTxnResult, TxnResult>>,
  Expect<Same<z.infer<typeof channelSchema>, Channel>>,
  Expect<Same<z.infer<typeof orderStatusSchema>, OrderStatus>>,
  Expect<Same<z.infer<typeof txnTypeSchema>, TxnType>>,
  Expect<Same<z.infer<typeof resultStatusSchema>, ResultStatus>>,
  Expect<Same<z.infer<typeof rpcMethodSchema>, RpcMethod>>,
];

/** `txn.amountCents: must be more than 0; txn.currency: must be an ISO 4217 code…` — one line for a log or an error message. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
        '',
      );
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
