// End-of-day settlement ("audit the accounts"): totals per network and type
// of the approved transactions of a batch, reconciled line by line with the
// host's own totals (`settlement.totals`). Pure: used by the terminal's X/Z
// reports and checked against the reference host's figures.
import type { Channel, TxnRecord, TxnType } from './types.ts';

export interface TotalsLine {
  channel: Channel;
  type: TxnType;
  count: number;
  amountCents: number;
}

export interface QueuedItem {
  id: string;
  orderId: string;
  type: TxnType;
  amountCents: number;
  createdAt: string;
}

export interface Difference {
  channel: Channel;
  type: TxnType;
  terminal: { count: number; amountCents: number };
  host: { count: number; amountCents: number };
}

export type Reconciliation = { status: 'agreed' } | { status: 'not_agreed'; differences: Difference[] } | { status: 'unavailable'; reason: string };

export interface SettlementReport {
  kind: 'X' | 'Z';
  batch: number;
  terminalId: string;
  /** [from, to): the batch's span, UTC. */
  from: string;
  to: string;
  lines: TotalsLine[];
  /** Recorded here, not yet answered by the host: listed apart, in no total. */
  queued: QueuedItem[];
  /** Z reports only. */
  reconciliation?: Reconciliation;
}

const key = (l: { channel: string; type: string }) => `${l.channel}/${l.type}`;
const order = (a: TotalsLine, b: TotalsLine) => key(a).localeCompare(key(b));

/** Approved transactions only, one line per network and type. */
export function totals(records: readonly TxnRecord[]): TotalsLine[] {
  const lines = new Map<string, TotalsLine>();
  for (const { txn, state } of records) {
    if (state !== 'approved') continue;
    const k = key(txn);
    const line = lines.get(k) ?? { channel: txn.channel, type: txn.type, count: 0, amountCents: 0 };
    line.count += 1;
    line.amountCents += txn.amountCents;
    lines.set(k, line);
  }
  return [...lines.values()].sort(order);
}

export function queuedItems(records: readonly TxnRecord[]): QueuedItem[] {
  return records
    .filter((r) => r.state === 'queued' || r.state === 'processing')
    .map(({ txn }) => ({ id: txn.id, orderId: txn.orderId, type: txn.type, amountCents: txn.amountCents, createdAt: txn.createdAt }));
}

/** Line by line: a line missing on one side counts as zero there. */
export function reconcile(terminal: readonly TotalsLine[], host: readonly TotalsLine[]): Reconciliation {
  const all = new Map<string, Difference>();
  const put = (side: 'terminal' | 'host', l: TotalsLine) => {
    const d = all.get(key(l)) ?? { channel: l.channel, type: l.type, terminal: { count: 0, amountCents: 0 }, host: { count: 0, amountCents: 0 } };
    d[side] = { count: d[side].count + l.count, amountCents: d[side].amountCents + l.amountCents };
    all.set(key(l), d);
  };
  for (const l of terminal) put('terminal', l);
  for (const l of host) put('host', l);
  const differences = [...all.values()]
    .filter((d) => d.terminal.count !== d.host.count || d.terminal.amountCents !== d.host.amountCents)
    .sort((a, b) => key(a).localeCompare(key(b)));
  return differences.length ? { status: 'not_agreed', differences } : { status: 'agreed' };
}

/** Net of the lines: sales minus refunds. */
export const netCents = (lines: readonly TotalsLine[]): number =>
  lines.reduce((sum, l) => sum + (l.type === 'sale' ? l.amountCents : -l.amountCents), 0);
