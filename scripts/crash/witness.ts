// What the merchant was shown, from every frame of every life of the
// terminal: each refund result (by its amount, unique in a run) with the
// words it was shown with, and the amounts the harness typed and confirmed.
import { refundsShown, type ShownWord } from './screens.ts';

export interface Seen {
  orderId: string;
  words: Set<ShownWord>;
}

export class Witness {
  /** By amount in cents. */
  readonly shown = new Map<number, Seen>();
  /** Amount → order of every refund whose amount was typed, and whether OK was pressed on its confirm screen. */
  readonly typed = new Map<number, { orderId: string; confirmed: boolean }>();
  /** Amounts of queued refunds whose later decline was told by a home-screen notice. */
  readonly noticed = new Set<number>();
  /** Frames the harness could not read (a harness bug, or a screen that changed). */
  readonly unreadable: string[] = [];

  frame(text: string): void {
    let refunds;
    try {
      refunds = refundsShown(text);
    } catch (err) {
      this.unreadable.push((err as Error).message);
      return;
    }
    for (const r of refunds) {
      const seen = this.shown.get(r.amountCents) ?? { orderId: r.orderId, words: new Set<ShownWord>() };
      seen.words.add(r.word);
      if (r.notice) this.noticed.add(r.amountCents);
      if (seen.orderId !== r.orderId) this.unreadable.push(`amount ${r.amountCents} shown for orders ${seen.orderId} and ${r.orderId}`);
      this.shown.set(r.amountCents, seen);
    }
  }

  typedAmount(orderId: string, amountCents: number): void {
    this.typed.set(amountCents, { orderId, confirmed: false });
  }

  confirmedAmount(orderId: string, amountCents: number): void {
    this.typed.set(amountCents, { orderId, confirmed: true });
  }

  /** How many refunds were shown with each word (a refund shown QUEUED, then DECLINED counts under both). */
  tally(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const seen of this.shown.values()) for (const word of seen.words) counts[word] = (counts[word] ?? 0) + 1;
    return counts;
  }

  /** Refunds shown APPROVED or QUEUED: those that must reach the host exactly once. */
  promised(): Array<[number, Seen]> {
    return [...this.shown].filter(([, s]) => s.words.has('APPROVED') || s.words.has('QUEUED'));
  }
}
