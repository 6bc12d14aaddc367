// What the ops tests share: an ops key pair, a terminal config that trusts
// it, signed pushes and commands delivered through the simulated link's back
// door, and the terminal's answers read from what it published.
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config/schema.ts';
import type { SimLink } from '../../hal/network/sim.ts';
import { hashPin } from '../../src/domain/pin.ts';
import { generateOpsKeyPair, signEnvelope } from '../../src/ops/envelope.ts';
import type { CommandResult, ConfigReport } from '../../src/ops/payloads.ts';
import { SUPERVISOR_PIN, simConfig, type TestTerminal } from '../support/terminal.ts';

export const KEY_ID = 'ops-test';
export const KEYS = generateOpsKeyPair();
export const KEY = { keyId: KEY_ID, privateKey: KEYS.privateKey };
const PIN_HASH = hashPin(SUPERVISOR_PIN);

export const security = (keys = [{ keyId: KEY_ID, publicKey: KEYS.publicKey }]) => ({ supervisorPinHash: PIN_HASH, opsPublicKeys: keys });

/** A simulated terminal that trusts KEYS. */
export function opsConfig(dir: string, over: Record<string, unknown> = {}): Config {
  return simConfig(dir, { security: security(), ...over });
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A config push payload for `tid`, valid for an hour unless told otherwise. */
export function configPush(tid: string, version: number, config: Record<string, unknown>, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { target: tid, version, issuedAt: iso(Date.now()), expiresAt: iso(Date.now() + 3_600_000), config, ...over };
}

export function command(tid: string, cmd: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { target: tid, id: randomUUID(), cmd, issuedAt: iso(Date.now()), ...over };
}

export const envelopeBytes = (payload: Record<string, unknown>, key = KEY): Buffer => Buffer.from(JSON.stringify(signEnvelope(payload, key)));

const linkOf = (t: TestTerminal): SimLink => t.devices.link!;

export function published<T>(t: TestTerminal, topic: string): T[] {
  return linkOf(t)
    .published()
    .filter((m) => m.topic === topic)
    .map((m) => m.payload as T);
}

export const reports = (t: TestTerminal) => published<ConfigReport>(t, 'config/reported');
export const answers = (t: TestTerminal) => published<CommandResult>(t, 'cmd/res');
export const events = (t: TestTerminal) => published<{ type: string; reason?: string; version?: number | null }>(t, 'events');

/** Resolves with `probe()`'s first defined value, polling; fails naming `what` after `ms`. */
export async function waitFor<T>(probe: () => T | undefined, what: string, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits until the terminal has checked its clock with the host: commands are refused until then. */
export const clockChecked = (t: TestTerminal, ms = 3000): Promise<true> =>
  waitFor(() => (t.running.terminal.clockCheck.checked() ? true : undefined), 'the clock checked with the host', ms);

/** Delivers raw bytes on `config/desired` and waits for the next config report. */
export async function pushRaw(t: TestTerminal, bytes: Buffer): Promise<ConfigReport> {
  const before = reports(t).length;
  linkOf(t).deliver('config/desired', bytes);
  return waitFor(() => reports(t)[before], 'a config report');
}

export const push = (t: TestTerminal, payload: Record<string, unknown>, key = KEY) => pushRaw(t, envelopeBytes(payload, key));

/** Delivers a command and waits for its answer. */
export async function sendCommand(t: TestTerminal, bytes: Buffer, ms = 3000): Promise<CommandResult> {
  const before = answers(t).length;
  linkOf(t).deliver('cmd', bytes);
  return waitFor(() => answers(t)[before], 'a command answer', ms);
}

/** The retained status the terminal would publish now (`configVersion`). */
export function configVersion(t: TestTerminal): number | null {
  return t.running.ops.config.version();
}
