// Figures of a benchmark: percentiles of samples, and a figure with its
// baseline measured in the same run (the ratio is what is compared).

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** What the value is compared with, measured in the same run. */
  baseline?: { name: string; value: number };
  ratio?: number;
  target?: string;
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function figure(name: string, value: number, unit: string, baseline?: { name: string; value: number }, target?: string): Figure {
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    name,
    value: round(value),
    unit,
    ...(baseline ? { baseline: { name: baseline.name, value: round(baseline.value) }, ratio: round(value / baseline.value) } : {}),
    ...(target ? { target } : {}),
  };
}

export function table(figures: Figure[]): string {
  const rows = figures.map((f) => [f.name, `${f.value} ${f.unit}`, f.baseline ? `${f.baseline.value} ${f.unit} (${f.baseline.name})` : '', f.ratio !== undefined ? `${f.ratio}×` : '', f.target ?? '']);
  const head = ['figure', 'value', 'baseline', 'ratio', 'target'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
