// Reading the terminal's display the way the merchant reads it (en locale):
// which screen it is, and what a refund result or a replay notice says.
// Rows are joined with spaces first, so word-wrapping does not matter.

export type ScreenKind =
  | 'home'
  | 'order'
  /** The order entry with an error under the number (not found, needs the network…): a refusal. */
  | 'order-refused'
  | 'lookup'
  | 'check'
  | 'pin'
  | 'amount'
  | 'scan'
  | 'confirm'
  | 'processing'
  | 'result'
  | 'message';

/** The words a result screen can carry (DESIGN.md "Operating surface"). */
export type ShownWord = 'APPROVED' | 'QUEUED' | 'DECLINED' | 'RESULT TO FOLLOW';

/** What one frame says about one refund, identified by its order and amount. */
export interface ShownRefund {
  orderId: string;
  amountCents: number;
  word: ShownWord;
  /** A decline of a queued refund, told on the home screen after the fact. */
  notice?: boolean;
}

export const flat = (text: string): string => text.split('\n').map((row) => row.trim()).join(' ').replace(/\s+/g, ' ').trim();

export function screenOf(text: string): ScreenKind {
  const title = text.split('\n')[0] ?? '';
  const all = flat(text);
  if (/^scanpos \S+ +(ONLINE|OFFLINE)$/.test(title.trim())) return 'home';
  if (/^Refund: (APPROVED|QUEUED|DECLINED|RESULT TO FOLLOW)/.test(title)) return 'result';
  if (/^Refund · Confirm/.test(title)) return 'confirm';
  if (/Processing…/.test(all)) return 'processing';
  if (/Looking up the order/.test(all)) return 'lookup';
  if (/Key the order number/.test(all)) return /Order: \d*_ \S.* OK continue/.test(all) ? 'order-refused' : 'order';
  if (/Supervisor PIN: /.test(all)) return 'pin';
  if (/Scan the customer/.test(all)) return 'scan';
  if (/Paid: /.test(all)) return 'check';
  if (/Left: .*Refund amount: /.test(all)) return 'amount';
  return 'message';
}

const cents = (shown: string): number => Math.round(Number(shown.replace(/,/g, '')) * 100);

/** The refund results a frame shows: a result screen, or replay-decline notices on home. */
export function refundsShown(text: string): ShownRefund[] {
  const all = flat(text);
  const kind = screenOf(text);
  if (kind === 'result') {
    const m = /^Refund: (APPROVED|QUEUED|DECLINED|RESULT TO FOLLOW) Order: (\d+) Refund amount: ([\d,]+\.\d\d)/.exec(all);
    if (!m) throw new Error(`a result screen the harness cannot read:\n${text}`);
    return [{ word: m[1] as ShownWord, orderId: m[2]!, amountCents: cents(m[3]!) }];
  }
  if (kind !== 'home') return [];
  const notices: ShownRefund[] = [];
  for (const m of all.matchAll(/Queued refund ([\d,]+\.\d\d) of order (\d+) DECLINED/g)) {
    notices.push({ word: 'DECLINED', orderId: m[2]!, amountCents: cents(m[1]!), notice: true });
  }
  return notices;
}
