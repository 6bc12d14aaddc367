// How a crash run is told: the summary line (the one CI and people grep
// for) and the evidence behind it.
import type { CrashReport } from './harness.ts';

export function summary(r: CrashReport): string {
  return `kills ${r.kills}, refunds shown ${r.shown}, at host ${r.atHost}, lost ${r.lost}, duplicated ${r.duplicated}, unrecorded ${r.unrecorded}`;
}

export function describe(r: CrashReport): string[] {
  const lines = [
    `lives ${r.lives} (${r.midSubmission} killed right after OK on confirm), cable pulled ${r.drops} times, host restarted ${r.hostRestarts} times, ${(r.ms / 1000).toFixed(1)} s`,
    `shown: ${Object.entries(r.words).map(([word, n]) => `${word} ${n}`).join(', ') || 'nothing'}; queued refunds declined later and told on the home screen: ${r.notices}`,
    `files: ${r.files.checked} read, ${r.files.bad.length} bad, ${r.files.interrupted} with a write a kill interrupted`,
    ...r.files.notes.map((n) => `  recovered (interrupted write): ${n}`),
    ...r.files.bad.map((b) => `  BAD FILE: ${b}`),
    ...r.details.filter((d) => !d.startsWith('DISAGREE')),
    ...r.problems.map((p) => `PROBLEM: ${p}`),
    ...(r.stalls.length ? [`stalls: ${r.stalls.length} (a screen did not follow a key in time)`, ...r.stalls.slice(0, 10).map((s) => `  ${s}`)] : []),
  ];
  if (r.dir) lines.push(`run folder kept: ${r.dir}`);
  return lines;
}
