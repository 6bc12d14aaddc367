// `scanpos ops status`: the fleet from the retained topics — online / offline
// / lost, what is queued and since when, the config version, the last
// self-test. Nothing is sent to the terminals.
import { BROKER_OPTIONS, brokerOptions, parse, str, targets, type Io } from './args.ts';
import { readFleet, type FleetEntry } from './fleet.ts';
import { age, renderTable, type Column } from './table.ts';
import { EXIT, connectOrExplain } from './exit.ts';

export async function statusCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...BROKER_OPTIONS, to: { type: 'string' } });
  const broker = brokerOptions(values);
  const only = str(values.to) ? targets(values) : undefined;
  const client = await connectOrExplain(broker, io);
  if (!client) return EXIT.broker;
  let entries: FleetEntry[];
  try {
    const fleet = await readFleet(client);
    entries = [...fleet.values()].sort((a, b) => a.id.localeCompare(b.id));
    if (only && !only.all) entries = only.ids.map((id) => fleet.get(id) ?? { id });
  } finally {
    await client.close();
  }
  const now = io.now();
  if (values.json) io.out(JSON.stringify({ at: new Date(now).toISOString(), terminals: entries.map(toJson) }, null, 2) + '\n');
  else if (!entries.length) io.out(`No terminal has reported a status under ${broker.prefix}/+/status on ${broker.url}.\n`);
  else io.out(statusTable(entries, now, io.width) + '\n' + summary(entries) + '\n');
  if (!entries.length) return EXIT.incomplete;
  // A terminal known only from a push waiting for it is not a fault of the
  // fleet, unless it was asked for by name.
  const named = only !== undefined && !only.all;
  const unwell = entries.some((e) => e.status?.state === 'lost' || (!e.status && named) || e.selftest?.ok === false);
  return unwell ? EXIT.failed : EXIT.ok;
}

const COLUMNS: Column[] = [
  { title: 'TERMINAL' },
  { title: 'STATE' },
  { title: 'UPDATED', align: 'right' },
  { title: 'QUEUE', align: 'right' },
  { title: 'OLDEST', align: 'right' },
  { title: 'CONFIG', shrink: true },
  { title: 'SELF-TEST', shrink: true },
];

export function statusTable(entries: readonly FleetEntry[], now: number, width: number): string {
  const since = (at: string | null | undefined) => (at ? age(now - Date.parse(at)) : '-');
  // A lost terminal's status is its last will, written when it connected:
  // its time and queue are from then, not from when it was lost.
  const will = (e: FleetEntry, cell: string) => (e.status?.state === 'lost' && cell !== '-' ? `${cell}*` : cell);
  const table = renderTable(
    COLUMNS,
    entries.map((e) => [
      e.id,
      e.status?.state ?? 'unknown',
      will(e, since(e.status?.at)),
      will(e, e.status?.pending === undefined ? '-' : String(e.status.pending)),
      e.status?.pending ? will(e, since(e.status.oldestAt)) : '-',
      configCell(e),
      selftestCell(e, since),
    ]),
    width,
  );
  const lost = entries.some((e) => e.status?.state === 'lost');
  return lost ? `${table}\n* lost: as it stood at its last connect (its will), not when lost` : table;
}

/**
 * The version running, then what differs from it: the last report (a
 * rejection, a deferral) and a push still waiting on the broker. The status
 * message's configVersion dates from its last publication, so an applied
 * report of a later version counts as running too.
 */
export function configCell(e: FleetEntry): string {
  const r = e.reported;
  let running = e.status?.configVersion ?? null;
  if (r?.status === 'applied' && r.version !== null && r.version > (running ?? 0)) running = r.version;
  const parts = running === null ? [] : [`v${running}`];
  if (r && !(r.status === 'applied' && r.version === running)) parts.push(`v${r.version ?? '?'} ${r.status}${r.reason ? `: ${r.reason}` : ''}`);
  const seen = Math.max(running ?? 0, r?.version ?? 0);
  if (e.desiredVersion !== undefined && e.desiredVersion > seen) parts.push(`v${e.desiredVersion} pushed`);
  return parts.join(', ') || '-';
}

function selftestCell(e: FleetEntry, since: (at: string | undefined) => string): string {
  const t = e.selftest;
  if (!t) return '-';
  return t.ok ? `pass ${since(t.at)} ago` : `FAIL ${t.failed.join(',') || '?'} ${since(t.at)} ago`;
}

function summary(entries: readonly FleetEntry[]): string {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.status?.state ?? 'unknown', (counts.get(e.status?.state ?? 'unknown') ?? 0) + 1);
  const parts = ['online', 'offline', 'lost', 'unknown'].filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
  for (const [s, n] of counts) if (!parts.some((p) => p.endsWith(` ${s}`))) parts.push(`${n} ${s}`);
  return `${entries.length} terminal${entries.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

function toJson(e: FleetEntry): Record<string, unknown> {
  return {
    id: e.id,
    state: e.status?.state ?? 'unknown',
    at: e.status?.at ?? null,
    app: e.status?.app ?? null,
    configVersion: e.status?.configVersion ?? null,
    queue: { pending: e.status?.pending ?? null, oldestAt: e.status?.oldestAt ?? null },
    config: e.reported ?? null,
    selftest: e.selftest ?? null,
  };
}
