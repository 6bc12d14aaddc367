// The fleet as the broker remembers it: one entry per terminal id seen in
// the retained topics (status, config/reported, selftest, config/desired).
// Read leniently: a field a terminal leaves out, or a newer terminal's extra
// fields, never hide the rest of the fleet.
import { json, type Message, type OpsClient } from './broker.ts';

export interface TerminalStatus {
  state: string;
  at?: string;
  app?: string;
  configVersion?: number | null;
  pending?: number;
  oldestAt?: string | null;
}

export interface Reported {
  version: number | null;
  status: string;
  reason?: string;
  /** Human-readable detail (schema problems…), when the terminal gives one. */
  detail?: string;
  at?: string;
}

export interface SelfTest {
  at?: string;
  ok: boolean;
  trigger?: string;
  failed: string[];
}

export interface FleetEntry {
  id: string;
  status?: TerminalStatus;
  reported?: Reported;
  selftest?: SelfTest;
  /** The version inside the retained config/desired envelope (read, not verified). */
  desiredVersion?: number;
}

export const FLEET_TOPICS = ['status', 'config/reported', 'selftest', 'config/desired'] as const;

/** Subscribes to the fleet topics and reads what is retained there. */
export async function readFleet(client: OpsClient): Promise<Map<string, FleetEntry>> {
  const fleet = new Map<string, FleetEntry>();
  for (const m of await client.snapshot(FLEET_TOPICS)) absorb(fleet, m);
  return fleet;
}

/** Folds one message into the fleet (later messages replace earlier ones). */
export function absorb(fleet: Map<string, FleetEntry>, m: Message): void {
  const body = json(m.payload);
  const entry = () => {
    let e = fleet.get(m.tid);
    if (!e) fleet.set(m.tid, (e = { id: m.tid }));
    return e;
  };
  if (!body) return; // an empty retained message clears a topic; junk says nothing
  switch (m.suffix) {
    case 'status': {
      if (typeof body.state !== 'string') return;
      const queue = obj(body.queue);
      entry().status = {
        state: body.state,
        ...(typeof body.at === 'string' ? { at: body.at } : {}),
        ...(typeof body.app === 'string' ? { app: body.app } : {}),
        configVersion: typeof body.configVersion === 'number' ? body.configVersion : null,
        ...(typeof queue?.pending === 'number' ? { pending: queue.pending } : {}),
        oldestAt: typeof queue?.oldestAt === 'string' ? queue.oldestAt : null,
      };
      return;
    }
    case 'config/reported': {
      const r = reported(body);
      if (r) entry().reported = r;
      return;
    }
    case 'selftest': {
      if (typeof body.ok !== 'boolean') return;
      const tests = Array.isArray(body.tests) ? body.tests.map(obj) : [];
      entry().selftest = {
        ok: body.ok,
        ...(typeof body.at === 'string' ? { at: body.at } : {}),
        ...(typeof body.trigger === 'string' ? { trigger: body.trigger } : {}),
        failed: tests.filter((t) => t?.status === 'fail').map((t) => String(t?.name ?? '?')),
      };
      return;
    }
    case 'config/desired': {
      const version = envelopeVersion(body);
      if (version !== undefined) entry().desiredVersion = version;
      return;
    }
  }
}

export function reported(body: Record<string, unknown>): Reported | undefined {
  if (typeof body.status !== 'string') return undefined;
  return {
    version: typeof body.version === 'number' ? body.version : null,
    status: body.status,
    ...(typeof body.reason === 'string' ? { reason: body.reason } : {}),
    ...(typeof body.detail === 'string' ? { detail: body.detail } : {}),
    ...(typeof body.at === 'string' ? { at: body.at } : {}),
  };
}

/** The highest config version anyone has seen in the fleet (pushed, reported or running). */
export function highestVersion(fleet: Iterable<FleetEntry>): number {
  let high = 0;
  for (const e of fleet) {
    for (const v of [e.desiredVersion, e.reported?.version, e.status?.configVersion]) {
      if (typeof v === 'number' && Number.isSafeInteger(v) && v > high) high = v;
    }
  }
  return high;
}

/** The `version` of a config envelope's payload: base64 JSON, read without checking the signature. */
function envelopeVersion(envelope: Record<string, unknown>): number | undefined {
  if (typeof envelope.payload !== 'string') return undefined;
  const payload = json(Buffer.from(envelope.payload, 'base64'));
  return typeof payload?.version === 'number' ? payload.version : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
