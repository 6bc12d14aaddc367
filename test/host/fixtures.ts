// Shared fixtures for the host tests: a host on the demo orders with a clock
// the test moves, and transactions as a terminal would submit them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { Channel, Order, Txn, TxnResult } from '../../src/domain/types.ts';
import { demoOrders, freshPayCode } from '../../scripts/host/demo-orders.ts';
import { HostService, type HostAnswer, type Notification } from '../../scripts/host/service.ts';
import { HostStore, type HostOrder } from '../../scripts/host/store.ts';

export const START = '2026-11-27T08:00:00.000Z';
export const TID = 'T1001';

/** Demo order numbers, as the start-up banner lists them. */
export const DEMO = {
  wechat: '2026000000000001',
  alipay: '2026000000000002',
  partial: '2026000000000003',
  pending: '2026000000000004',
  cancelled: '2026000000000005',
  old: '2026000000000006',
  refunded: '2026000000000007',
  insufficient: '2026000000000008',
  systemErrorOnce: '2026000000000009',
  processing: '2026000000000010',
  fortyNine: '2026000000000011',
} as const;

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'scanpos-host-'));

export interface Clock {
  now: () => Date;
  advance: (ms: number) => void;
}

export function manualClock(start = START): Clock {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

export interface TestHost {
  service: HostService;
  store: HostStore;
  clock: Clock;
  notifications: Notification[];
}

export async function makeHost(options: { dir?: string; orders?: HostOrder[]; clock?: Clock; processingDelayMs?: number } = {}): Promise<TestHost> {
  const clock = options.clock ?? manualClock();
  const store = await HostStore.open({ ...(options.dir ? { dir: options.dir } : {}), seed: () => options.orders ?? demoOrders({ now: clock.now() }) });
  const notifications: Notification[] = [];
  const service = new HostService({
    store,
    now: clock.now,
    notify: (n) => notifications.push(n),
    ...(options.processingDelayMs !== undefined ? { processingDelayMs: options.processingDelayMs } : {}),
  });
  return { service, store, clock, notifications };
}

export const code = (channel: Channel): string => freshPayCode({ channel });

/** A refund as the terminal submits it; a fresh id and a fresh WeChat code unless given. */
export function refund(fields: Partial<Txn> & Pick<Txn, 'orderId' | 'amountCents'>): Txn {
  return {
    id: uuidv7(),
    type: 'refund',
    currency: 'CNY',
    channel: 'wechat',
    payCode: code('wechat'),
    createdAt: START,
    offline: false,
    terminalId: TID,
    operator: 'supervisor',
    ...fields,
  };
}

export function sale(fields: Partial<Txn> & Pick<Txn, 'orderId' | 'amountCents'>): Txn {
  return refund({ type: 'sale', operator: 'cashier', ...fields });
}

/** txn.submit, expecting an answer with a result (not an ok:false error). */
export async function submit(host: TestHost, txn: Txn, terminalId = TID): Promise<TxnResult> {
  const answer = await host.service.handle(terminalId, 'txn.submit', { txn });
  return resultOf(answer);
}

export async function query(host: TestHost, id: string, terminalId = TID): Promise<TxnResult> {
  return resultOf(await host.service.handle(terminalId, 'txn.query', { id }));
}

export async function getOrder(host: TestHost, orderId: string): Promise<Order> {
  const answer = await host.service.handle(TID, 'order.get', { orderId });
  if (!answer.ok) throw new Error(`order.get failed: ${answer.error.code} ${answer.error.message}`);
  return answer.result.order as Order;
}

export function errorOf(answer: HostAnswer): { code: string; message: string } {
  if (answer.ok) throw new Error(`expected ok:false, got ${JSON.stringify(answer.result)}`);
  return answer.error;
}

function resultOf(answer: HostAnswer): TxnResult {
  if (!answer.ok) throw new Error(`expected a result, got ${answer.error.code}: ${answer.error.message}`);
  return answer.result.result as TxnResult;
}
