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
