// Shared fixtures for the ledger tests: real temp folders and plain transactions.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Order, Txn, TxnResult } from '../../src/domain/types.ts';
import { JournalFile } from '../../src/ledger/journal-file.ts';
import { Ledger, type LedgerOptions } from '../../src/ledger/ledger.ts';

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'scanpos-ledger-'));

export const PAY_CODE = '134567890123456789';

export function txn(overrides: Partial<Txn> = {}): Txn {
  return {
    id: 'R0001',
    type: 'refund',
    orderId: 'O-1',
    amountCents: 600,
    currency: 'CNY',
    channel: 'wechat',
    payCode: PAY_CODE,
    createdAt: '2026-11-27T02:00:00.000Z',
    offline: true,
    terminalId: 'T1001',
    operator: 'supervisor',
    ...overrides,
  };
}

export function result(id: string, overrides: Partial<TxnResult> = {}): TxnResult {
  return { id, status: 'approved', code: 'OK', message: 'refund accepted', hostRef: `H-${id}`, ...overrides };
}

export function order(orderId: string, overrides: Partial<Order> = {}): Order {
  return {
    orderId,
    amountCents: 1000,
    currency: 'CNY',
    channel: 'wechat',
    status: 'paid',
    paidAt: '2026-11-20T08:00:00.000Z',
    refundedCents: 0,
    refundCount: 0,
    ...overrides,
  };
}

/** A clock the test moves by hand. */
export function clock(start: string): { now: () => Date; set: (iso: string) => void } {
  let current = new Date(start);
  return { now: () => current, set: (iso) => void (current = new Date(iso)) };
}

export const readJson = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

/** Every file under a folder with its text, to prove what is (not) stored anywhere. */
export function allFiles(dir: string): Array<{ path: string; text: string }> {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [{ path, text: readFileSync(path, 'utf8') }];
  });
}

/**
 * The values of a journaled store as a reboot would find them (snapshot +
 * journals), read through the journal adapter itself: `field` is the
 * document's list, `key` names an entry.
 */
export async function storeValues(file: string, format: string, field: string, key: (value: any) => string): Promise<any[]> {
  const adapter = new JournalFile<Record<string, unknown[]>>({
    file,
    format,
    version: 2,
    migrations: { 1: (data) => data },
    codec: {
      entries: (doc) => (doc[field] ?? []).map((value) => [key(value), value] as const),
      document: (entries) => ({ [field]: entries.map(([, value]) => value) }),
    },
  });
  const doc = await adapter.read();
  await adapter.close();
  return doc?.[field] ?? [];
}

/** Business days that have files in a ledger's days/ folder. */
export const segmentDays = (dir: string): string[] =>
  [...new Set(readdirSync(join(dir, 'days')).map((name) => name.slice(0, 10)))].sort();

/** Opens a ledger in `dir` (time zone Asia/Shanghai unless `extra` says otherwise). */
export async function openLedger(dir: string, extra: Partial<LedgerOptions> = {}): Promise<Ledger> {
  return (await Ledger.open({ dir, timezone: 'Asia/Shanghai', ...extra })).ledger;
}

/** Opens the ledger once more, reads something, and closes it again. */
export async function peek<R>(dir: string, read: (ledger: Ledger) => R, extra: Partial<LedgerOptions> = {}): Promise<R> {
  const ledger = await openLedger(dir, extra);
  try {
    return read(ledger);
  } finally {
    await ledger.close();
  }
}
