// Runs self-test checks one after the other, timing each: a check that
// throws or hangs is a failed test with the reason, never a stuck self-test.
import type { SelfTestName, SelfTestResult, SelfTestStatus } from '../../domain/selftest.ts';

export interface CheckOutcome {
  status: SelfTestStatus;
  detail: string;
}

export type Check = () => Promise<CheckOutcome>;

export interface RunOptions {
  /** Epoch ms, from the terminal's clock. */
  now: () => number;
  /** Longest a check may take before it counts as failed (a dying SD card can block a write for minutes). */
  timeoutMs: number;
}

export async function runCheck(name: SelfTestName, check: Check, options: RunOptions): Promise<SelfTestResult> {
  const started = options.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'fail', detail: `no result within ${Math.round(options.timeoutMs / 1000)} s` }), options.timeoutMs);
  });
  const outcome = await Promise.race([
    check().catch((err: unknown): CheckOutcome => ({ status: 'fail', detail: `the test itself failed: ${err instanceof Error ? err.message : String(err)}` })),
    timeout,
  ]).finally(() => clearTimeout(timer));
  return { name, status: outcome.status, ms: Math.max(0, Math.round(options.now() - started)), detail: outcome.detail };
}

/** In order, so that each test's time is its own. */
export async function runChecks(plan: ReadonlyArray<readonly [SelfTestName, Check]>, options: RunOptions): Promise<SelfTestResult[]> {
  const results: SelfTestResult[] = [];
  for (const [name, check] of plan) results.push(await runCheck(name, check, options));
  return results;
}
