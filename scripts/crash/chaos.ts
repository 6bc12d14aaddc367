// The shop's network and the acquirer, misbehaving on a seeded schedule while
// the harness works the terminal: the cable pulled and put back at random
// moments, now and then the host stopped and started again on its data.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Random } from './random.ts';
import type { Stack } from './stack.ts';

export interface Chaos {
  drops: number;
  hostRestarts: number;
  /** Stops the schedule; resolves when the last step is over (the cable may be left down). */
  stop(): Promise<void>;
}

export function startChaos(stack: Stack, random: Random): Chaos {
  const abort = new AbortController();
  const counts = { drops: 0, hostRestarts: 0 };
  const pause = (ms: number) => sleep(ms, undefined, { signal: abort.signal }).catch(() => {});
  const loop = (async () => {
    while (!abort.signal.aborted) {
      await pause(random.int(50, 1200));
      if (abort.signal.aborted) return;
      if (!stack.cable.connected()) stack.cable.restore();
      else if (random.chance(0.4)) {
        stack.cable.drop();
        counts.drops++;
      }
      if (random.chance(0.03)) {
        // A host that stops answering: the terminal's requests time out, which is offline too.
        await stack.stopHost();
        await pause(random.int(50, 800));
        await stack.startHost();
        counts.hostRestarts++;
      }
    }
  })();
  return {
    get drops() {
      return counts.drops;
    },
    get hostRestarts() {
      return counts.hostRestarts;
    },
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
