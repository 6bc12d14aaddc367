// `settlement.totals`: what the host counts for one terminal, to be agreed
// with the terminal's own end-of-day report.
import { CHANNELS, type Channel, type TxnType } from '../../src/domain/types.ts';
import type { SettlementTotal } from '../../src/domain/wire.ts';
import type { StoredTxn } from './store.ts';

const TYPES: readonly TxnType[] = ['sale', 'refund'];

/** Approved transactions of `terminalId` whose `createdAt` is in [from, to), one line per network and type. */
export function settlementTotals(txns: Iterable<StoredTxn>, options: { terminalId: string; from: string; to: string }): SettlementTotal[] {
  const from = Date.parse(options.from);
  const to = Date.parse(options.to);
  const sums = new Map<string, SettlementTotal>();
  for (const stored of txns) {
    const { txn, result } = stored;
    if (txn.terminalId !== options.terminalId || result.status !== 'approved') continue;
    // Compared as instants: a terminal may write UTC, another an offset.
    const at = Date.parse(txn.createdAt);
    if (!(at >= from && at < to)) continue;
    const channel: Channel = stored.channel ?? result.order?.channel ?? txn.channel;
    const key = `${channel}/${txn.type}`;
    const line = sums.get(key) ?? { channel, type: txn.type, count: 0, amountCents: 0 };
    line.count += 1;
    line.amountCents += txn.amountCents;
    sums.set(key, line);
  }
  // A fixed order, so two reports of the same day read alike.
  return CHANNELS.flatMap((channel) => TYPES.flatMap((type) => sums.get(`${channel}/${type}`) ?? []));
}
