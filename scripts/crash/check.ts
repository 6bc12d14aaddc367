// The verdict of a run, from three independent records: what the merchant
// was shown (the witness), what the host holds, and what the terminal's
// ledger holds once it has been started again and has drained its outbox.
//   lost        a refund shown APPROVED or QUEUED that the host does not hold
//               as the terminal said (missing, another order, declined while
//               shown APPROVED, or declined without the terminal showing it)
//   duplicated  a host transaction beyond the first for one refund
//   unrecorded  a host transaction of this terminal its ledger does not know,
//               or for an amount the harness never confirmed
import type { StoredTxn } from '../host/store.ts';
import type { TxnRecord } from '../../src/domain/types.ts';
import type { Witness } from './witness.ts';

export interface Verdict {
  shown: number;
  atHost: number;
  lost: number;
  duplicated: number;
  unrecorded: number;
  /** One line per problem, for the evidence. */
  details: string[];
}

export interface VerdictInput {
  witness: Witness;
  /** The host's transactions of this terminal. */
  hostTxns: StoredTxn[];
  /** The terminal's ledger entry for a transaction id (undefined when it has none). */
  ledgerRecord: (id: string) => Promise<TxnRecord | undefined>;
}

const money = (cents: number) => (cents / 100).toFixed(2);

export async function verdict({ witness, hostTxns, ledgerRecord }: VerdictInput): Promise<Verdict> {
  const details: string[] = [];
  const byAmount = new Map<number, StoredTxn[]>();
  for (const stored of hostTxns) byAmount.set(stored.txn.amountCents, [...(byAmount.get(stored.txn.amountCents) ?? []), stored]);

  let lost = 0;
  const promised = witness.promised();
  for (const [cents, seen] of promised) {
    const words = [...seen.words].join('/');
    const at = byAmount.get(cents) ?? [];
    const first = at[0];
    const problem = !first
      ? 'not at the host'
      : first.txn.orderId !== seen.orderId
        ? `at the host under order ${first.txn.orderId}`
        : first.result.status === 'processing'
          ? 'still processing at the host'
          : first.result.status === 'declined' && seen.words.has('APPROVED')
            ? `declined at the host (${first.result.code})`
            : first.result.status === 'declined' && !seen.words.has('DECLINED')
              ? `declined at the host (${first.result.code}) and the terminal never showed it`
              : undefined;
    if (problem) {
      lost++;
      const here = first && (await ledgerRecord(first.txn.id));
      const ledger = here ? `; the terminal's ledger has ${first!.txn.id} ${here.state}` : '';
      details.push(`LOST: refund ${money(cents)} of order ${seen.orderId} shown ${words}: ${problem}${ledger}`);
    }
  }

  let duplicated = 0;
  for (const [cents, txns] of byAmount) {
    if (txns.length < 2) continue;
    duplicated += txns.length - 1;
    details.push(`DUPLICATED: refund ${money(cents)} reached the host ${txns.length} times: ${txns.map((t) => `${t.txn.id} (${t.result.status})`).join(', ')}`);
  }

  let unrecorded = 0;
  for (const stored of hostTxns) {
    const { id, amountCents, orderId } = stored.txn;
    const record = await ledgerRecord(id);
    const typed = witness.typed.get(amountCents);
    let problem: string | undefined;
    if (!record) problem = 'not in the terminal’s ledger';
    else if (!typed?.confirmed) problem = 'for an amount never confirmed on the terminal';
    else if (typed.orderId !== orderId) problem = `for order ${orderId}, confirmed for ${typed.orderId}`;
    if (problem) {
      unrecorded++;
      details.push(`UNRECORDED: host transaction ${id} (refund ${money(amountCents)} of ${orderId}, ${stored.result.status}) ${problem}`);
      continue;
    }
    // Not counted above, but a terminal that disagrees with its host is a finding.
    if (record!.state !== stored.result.status) {
      details.push(`DISAGREE: ${id} (refund ${money(amountCents)}) is ${record!.state} on the terminal, ${stored.result.status} at the host`);
    }
  }
  return { shown: promised.length, atHost: hostTxns.length, lost, duplicated, unrecorded, details };
}
