// Records tests that could not run here, with the reason (a missing tool).
const reasons: string[] = [];

export function skipBecause(reason: string): void {
  reasons.push(reason);
}

export const skipped = (): readonly string[] => reasons;
