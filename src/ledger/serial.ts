// Promise chains that run async steps one at a time. A terminal does a few
// writes a minute, so strict ordering costs nothing and rules out lost updates.

/** Runs the functions given to `run` one after another, in call order. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<R>(step: () => Promise<R>): Promise<R> {
    const result = this.tail.then(step);
    // A failed step rejects its own caller only; the steps queued after it still run.
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every step queued so far has finished. */
  async idle(): Promise<void> {
    await this.tail;
  }
}

/** One SerialQueue per key, dropped when its last step ends (keys are unbounded: one per day). */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<R>(key: string, step: () => Promise<R>): Promise<R> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(step);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Group commit: calls made while a group waits for its turn join it, and
 * `flush` carries them out together — one write and one fsync for all of
 * them instead of one each. A replay keeps a window of transactions in
 * flight; their answers arrive together and settle together. Each call gets
 * its own outcome; a flush that throws fails every call of its group (none
 * of them is known to be durable).
 */
export class GroupQueue<I, R> {
  private waiting: Array<{ item: I; resolve: (value: R) => void; reject: (error: unknown) => void }> = [];

  constructor(
    /** Runs the flush in its turn among the other changes. */
    private readonly schedule: (run: () => Promise<void>) => Promise<void>,
    private readonly flush: (items: I[]) => Promise<Array<Outcome<R>>>,
  ) {}

  add(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length > 1) return;
      let group: typeof this.waiting = [];
      this.schedule(async () => {
        group = this.waiting.splice(0);
        const outcomes = await this.flush(group.map((call) => call.item));
        group.forEach((call, i) => {
          const outcome = outcomes[i]!;
          if (outcome.ok) call.resolve(outcome.value);
          else call.reject(outcome.error);
        });
      }).catch((error: unknown) => {
        // Not run at all (closed): the calls still waiting; failed: the group.
        for (const call of group.length ? group : this.waiting.splice(0)) call.reject(error);
      });
    });
  }
}
