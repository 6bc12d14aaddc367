// Config pushed by ops on `config/desired` (PROTOCOL.md "Signed envelopes"):
// verified, checked, stored durably as pending, applied when no transaction
// is in progress, and reported on `config/reported` (retained) at each step.
//
// Applying: the patch is merged over every patch applied before it, and the
// result over the local file (config-layers.ts). Then, by class of setting:
// - broker (`mqtt.*`): the link moves to the new settings; if it is not
//   connected within the trial time it moves back and the push is reported
//   `rolled_back` (nothing of it applied);
// - live (receipt, limits, PIN hashes, locale, time-outs, offline limits…):
//   the running config object — the one every part of the runtime reads its
//   settings from — is updated in place, and the screens get a `config`
//   event for what they keep in their context;
// - restart (devices, time zone, replay timing): stored as on trial and
//   reported `deferred` (`restart`), then the terminal restarts itself with
//   it; once that start has completed the push is applied and reported
//   `applied`, and if it never completes (a device path with a typo) the
//   start after it goes back to the previous config and reports
//   `rolled_back` (`start_failed`) — bootConfig in start.ts.
//
// Expiry is judged on the host-checked clock only: an envelope received
// before the clock has been checked (the retained one arrives at connect,
// with the check) waits for the check — the latest one only.
import { createHash } from 'node:crypto';
import type { Config } from '../../config/schema.ts';
import type { Link } from '../../hal/network/types.ts';
import type { ConfigSettings } from '../../screens/types.ts';
import { SerialQueue } from '../ledger/serial.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Logger } from '../runtime/log.ts';
import { contextFrom } from '../runtime/terminal.ts';
import { brokerSettings, changesBetween, devicePathProblems, layered, localOnlyIn, mergePatches, unsafeKeysIn } from './config-layers.ts';
import type { OpsConfigStore, PendingConfig } from './config-store.ts';
import { openEnvelope, peekUnverified } from './envelope.ts';
import { configPushSchema, issuesText, type ConfigRejection, type ConfigReport } from './payloads.ts';

export interface ConfigAgentOptions {
  terminalId: string;
  /** The local file's config as loaded: every push is merged over it. */
  local: Config;
  /** The running config, shared by the whole runtime: updated in place when a push is applied. */
  live: Config;
  store: OpsConfigStore;
  link: Link;
  /** Host-checked time (epoch ms): expiry is judged on it. */
  now: () => number;
  /** Whether `now` has been checked against the host yet; an envelope waits for it. */
  clockCheck: ClockChecked;
  clock: Clock;
  logger: Logger;
  /** True while a transaction is in progress: a push waits for it to end. */
  busy: () => boolean;
  /** Tells the screens about applied settings. */
  onLive: (live: Config) => void;
  /** Settings read only at start changed: the terminal must restart (it is idle). */
  restart: (reason: string) => void;
  /** Relative paths in a pushed config are resolved against this folder (the storage folder). */
  baseDir: string;
  /** How long new broker settings have to connect before they are rolled back (default 30 s). */
  brokerTrialMs?: number;
  /** How often a deferred push looks whether the terminal is idle (default 500 ms). */
  pollMs?: number;
  /** What this start has to report first (a push rolled back because the start that tried it never completed). */
  bootReport?: Report;
}

/** The part of the clock check the agents wait on (src/sync/clock-check.ts). */
export interface ClockChecked {
  checked(): boolean;
  onChecked(listener: () => void): () => void;
  /** Asks the host again (a check that failed at connect is not retried before the next connect). */
  check(): Promise<unknown>;
}

export type Report = Omit<ConfigReport, 'v' | 'at'>;

export class ConfigAgent {
  readonly #o: ConfigAgentOptions;
  readonly #queue = new SerialQueue();
  #stops: Array<() => void> = [];
  /** The last report, until the broker has taken it (reports are retained: the latest is what counts). */
  #unsent: Record<string, unknown> | undefined;
  #deferredReported: number | undefined;
  #applying = false;
  #stopped = false;
  /** The latest envelope received before the clock was checked: judged once it is. */
  #held: Buffer | undefined;
  /** Ends a broker trial in progress when the terminal stops. */
  readonly #abort = new AbortController();

  constructor(options: ConfigAgentOptions) {
    this.#o = options;
  }

  /** The version applied (what `status` carries as `configVersion`). */
  version(): number | null {
    return this.#o.store.data.applied?.version ?? null;
  }

  /** Listens to `config/desired`; call before the link starts, so the retained envelope is not missed. */
  listen(): void {
    const { link, clockCheck } = this.#o;
    this.#stops.push(
      link.onMessage((topic, payload) => {
        if (topic === 'config/desired') this.#enqueue(payload);
      }),
      link.onStatus((s) => {
        if (s.connected && this.#unsent) void this.#publish(this.#unsent);
      }),
      clockCheck.onChecked(() => {
        const held = this.#held;
        this.#held = undefined;
        if (held) this.#enqueue(held);
      }),
    );
    if (this.#o.bootReport) void this.#report(this.#o.bootReport);
  }

  /**
   * Confirms a push this start was trying (it has completed: screen drawn,
   * link started), applies a push left pending by the last run (once), and
   * watches for the end of transactions.
   */
  start(): void {
    void this.#queue.run(() => this.#confirmTrial()).catch((err: unknown) => this.#o.logger.error({ err }, 'config trial confirmation failed'));
    this.#stops.push(this.#o.clock.every(this.#o.pollMs ?? 500, () => this.#poll()));
    this.#poll();
  }

  stop(): void {
    this.#stopped = true;
    this.#abort.abort();
    for (const stop of this.#stops.splice(0)) stop();
  }

  /** Resolves when every push received so far has been dealt with (tests). */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  #enqueue(raw: Buffer): void {
    void this.#queue.run(() => this.#receive(raw)).catch((err: unknown) => this.#o.logger.error({ err }, 'config push failed'));
  }

  #poll(): void {
    const { pending, trial } = this.#o.store.data;
    // A push on trial waits for its restart; one pending after it is applied once the trial start has completed.
    if (this.#stopped || this.#applying || !pending || trial || this.#o.busy()) return;
    this.#applying = true;
    void this.#queue
      .run(() => this.#applyPending())
      .catch((err: unknown) => this.#o.logger.error({ err }, 'config apply failed'))
      .finally(() => (this.#applying = false));
  }

  async #receive(raw: Buffer): Promise<void> {
    const { live, store, logger } = this.#o;
    logger.debug({ bytes: raw.length }, 'config envelope received');
    const opened = openEnvelope(raw, live.security.opsPublicKeys);
    if (!opened.ok) {
      const readable = opened.reason !== 'malformed' && opened.reason !== 'oversize';
      return this.#reject(readable ? versionIn(peekUnverified(raw)) : null, opened.reason, opened.detail);
    }
    const parsed = configPushSchema.safeParse(opened.payload);
    if (!parsed.success) return this.#reject(versionIn(opened.payload), 'malformed', `not a config push: ${issuesText(parsed.error)}`);
    const push = parsed.data;
    const digest = createHash('sha256').update(JSON.stringify(opened.payload)).digest('hex');
    if (push.target !== '*' && push.target !== this.#o.terminalId) return this.#reject(push.version, 'other_target', `for ${push.target}`);
    const { applied, pending, rolledBack, trial } = store.data;
    // The retained envelope comes back at every reconnect, expired or not: the same push is the same answer.
    if (applied?.version === push.version && applied.digest === digest) return this.#report({ version: push.version, status: 'applied' });
    if (rolledBack?.version === push.version && rolledBack.digest === digest) {
      const { reason = 'broker_unreachable', detail } = rolledBack;
      return this.#report({ version: push.version, status: 'rolled_back', reason, ...(detail ? { detail } : {}) });
    }
    // On trial: its restart says how it went (`applied`, or `rolled_back`).
    if (trial?.version === push.version && trial.digest === digest) return;
    if (pending?.version === push.version && pending.digest === digest) return this.#poll();
    if (!this.#o.clockCheck.checked()) return this.#hold(raw, push.version);
    if (Date.parse(push.expiresAt) <= this.#o.now()) return this.#reject(push.version, 'expired', `expired at ${push.expiresAt}`);
    if (applied && push.version <= applied.version) return this.#reject(push.version, 'version_too_low', `version ${applied.version} is applied`);
    if (trial && push.version <= trial.version) return this.#reject(push.version, 'version_too_low', `version ${trial.version} is waiting for a restart`);
    if (pending && push.version <= pending.version) return this.#reject(push.version, 'version_too_low', `version ${pending.version} is waiting to be applied`);
    // On the payload as it came (the schema's copy has already turned a `__proto__` key into a prototype).
    const unsafe = unsafeKeysIn((opened.payload as { config: unknown }).config);
    if (unsafe.length) return this.#reject(push.version, 'schema_error', unsafe.map((p) => `${p}: not a setting`).join('; '));
    const local = localOnlyIn(push.config);
    if (local.length) return this.#reject(push.version, 'local_only', `only the terminal's own config file may set ${local.join(', ')}`);
    const devices = devicePathProblems(push.config);
    if (devices.length) return this.#reject(push.version, 'schema_error', devices.join('; '));
    // A push that arrives while an older one waits takes it along: the older one's settings are not lost.
    const patch = mergePatches(pending?.patch ?? {}, push.config);
    const candidate = layered(this.#o.local, mergePatches((trial ?? applied)?.patch ?? {}, patch), this.#o.baseDir);
    if (!candidate.ok) return this.#reject(push.version, 'schema_error', candidate.errors.join('; '));
    await store.write({ ...store.data, pending: { version: push.version, digest, patch, receivedAt: new Date(this.#o.now()).toISOString() } });
    logger.info({ version: push.version, keyId: opened.keyId }, 'config push received');
    if (this.#o.busy()) return this.#defer(push.version);
    this.#poll();
  }

  /** Keeps the envelope (the latest only) until the clock has been checked, and asks the host again. */
  #hold(raw: Buffer, version: number): void {
    this.#held = raw;
    this.#o.logger.info({ version }, 'config push waits for the clock check: its expiry cannot be judged yet');
    void this.#o.clockCheck.check().catch(() => undefined);
  }

  async #defer(version: number): Promise<void> {
    if (this.#deferredReported === version) return;
    this.#deferredReported = version;
    this.#o.logger.info({ version }, 'config push deferred: a transaction is in progress');
    await this.#report({ version, status: 'deferred', reason: 'busy' });
  }

  async #applyPending(): Promise<void> {
    const { store, live, logger } = this.#o;
    const pending = store.data.pending;
    if (!pending || this.#stopped) return;
    if (this.#o.busy()) return this.#defer(pending.version);
    const merged = mergePatches(store.data.applied?.patch ?? {}, pending.patch);
    const next = layered(this.#o.local, merged, this.#o.baseDir);
    if (!next.ok) {
      // Only when the local file changed under a pending push (across a restart).
      await store.write({ ...store.data, pending: null });
      return this.#reject(pending.version, 'schema_error', next.errors.join('; '));
    }
    const changes = changesBetween(live, next.config);
    if (changes.broker && !(await this.#tryBroker(next.config, pending))) return;
    // The broker trial takes its time, and a transaction may have started meanwhile: never apply under it.
    if (!(await this.#untilIdle(pending.version))) return;
    const restart = [...changes.restart, ...(changes.broker && !this.#o.link.reconfigure ? ['mqtt'] : [])];
    if (restart.length) {
      // Settings read at start: tried by a restart, applied once the terminal has started with them.
      await store.write({ ...store.data, pending: null, trial: { version: pending.version, digest: pending.digest, patch: merged, started: false } });
      logger.info({ version: pending.version, changed: changes.changed, restart }, 'config stored: the terminal restarts to try it');
      await this.#report({ version: pending.version, status: 'deferred', reason: 'restart' });
      this.#o.restart(`config ${pending.version} changed ${restart.join(', ')}`);
      return;
    }
    await store.write({ ...store.data, applied: { version: pending.version, digest: pending.digest, patch: merged, at: new Date(this.#o.now()).toISOString() }, pending: null });
    Object.assign(live, next.config);
    if (changes.changed.includes('log.level')) logger.level = live.log.level;
    this.#o.onLive(live);
    logger.info({ version: pending.version, changed: changes.changed }, 'config applied');
    await this.#report({ version: pending.version, status: 'applied' });
  }

  /** This start tried a push (bootConfig) and has completed: it is the applied one now. */
  async #confirmTrial(): Promise<void> {
    const { store, logger } = this.#o;
    const trial = store.data.trial;
    if (!trial?.started) return;
    const { version, digest, patch } = trial;
    await store.write({ ...store.data, applied: { version, digest, patch, at: new Date(this.#o.now()).toISOString() }, trial: null });
    logger.info({ version }, 'config applied: the terminal started with it');
    this.#o.onLive(this.#o.live);
    await this.#report({ version, status: 'applied' });
  }

  /** Resolves true once no transaction is in progress (reported `deferred` meanwhile), false if the agent stops first. */
  async #untilIdle(version: number): Promise<boolean> {
    if (this.#stopped) return false;
    if (!this.#o.busy()) return true;
    void this.#defer(version);
    return new Promise((resolve) => {
      const done = (idle: boolean) => {
        stop();
        this.#abort.signal.removeEventListener('abort', aborted);
        resolve(idle);
      };
      const aborted = () => done(false);
      const stop = this.#o.clock.every(this.#o.pollMs ?? 500, () => !this.#o.busy() && done(true));
      this.#abort.signal.addEventListener('abort', aborted);
    });
  }

  /** Moves the link to the new broker settings; false (and back on the old ones) when they cannot be used or do not connect in time. */
  async #tryBroker(next: Config, pending: PendingConfig): Promise<boolean> {
    const { link, live, store, logger } = this.#o;
    if (!link.reconfigure) return true; // applied at the restart that follows
    const trialMs = this.#o.brokerTrialMs ?? 30_000;
    let moved = false;
    let detail: string;
    try {
      await link.reconfigure(brokerSettings(next));
      moved = true;
      if (await connectedWithin(link, trialMs, this.#abort.signal)) return true;
      // Stopping: the push stays pending and is tried again at the next start (the link starts on the old settings).
      if (this.#stopped) return false;
      detail = `${next.mqtt.url} did not connect within ${trialMs} ms`;
    } catch (err) {
      // A TLS file that cannot be read: the link refuses before it leaves the broker it is on.
      detail = `the new broker settings cannot be used: ${(err as Error)?.message ?? String(err)}`;
    }
    logger.warn({ version: pending.version, url: next.mqtt.url, detail }, 'new broker settings rolled back');
    // Back on the settings that worked, unless the link never left them.
    if (moved || !link.status().connected) {
      try {
        await link.reconfigure(brokerSettings(live));
      } catch (err) {
        logger.error({ err }, 'the previous broker settings cannot be used either');
      }
    }
    await store.write({ ...store.data, pending: null, rolledBack: { version: pending.version, digest: pending.digest, reason: 'broker_unreachable', detail } });
    await this.#report({ version: pending.version, status: 'rolled_back', reason: 'broker_unreachable', detail });
    return false;
  }

  async #reject(version: number | null, reason: ConfigRejection, detail: string): Promise<void> {
    const { link, logger } = this.#o;
    logger.warn({ version, reason, detail }, 'config push rejected');
    await this.#report({ version, status: 'rejected', reason, detail });
    void link.publish('events', { v: 1, type: 'config_rejected', at: new Date(this.#o.now()).toISOString(), version, reason, detail });
  }

  async #report(report: Report): Promise<void> {
    await this.#publish({ v: 1, ...report, at: new Date(this.#o.now()).toISOString() });
  }

  async #publish(message: Record<string, unknown>): Promise<void> {
    this.#unsent = message;
    const sent = await this.#o.link.publish('config/reported', message, { retain: true });
    this.#o.logger.debug({ status: message.status, version: message.version, sent }, 'config report');
    if (sent && this.#unsent === message) this.#unsent = undefined;
  }
}

/** What the screens keep of the config (their context), from the running config. */
export function configSettings(config: Config): ConfigSettings {
  const { locale, currency, merchantName, pins, idleTimeoutMs, scanTimeoutMs, receipt, paycodes, limits } = contextFrom(config, false);
  return { locale, currency, merchantName, pins, idleTimeoutMs, scanTimeoutMs, receipt, paycodes, limits };
}

function versionIn(payload: unknown): number | null {
  const version = (payload as { version?: unknown } | undefined)?.version;
  return typeof version === 'number' && Number.isInteger(version) && version > 0 ? version : null;
}

/** True as soon as the link is connected, false when `ms` pass first. */
function connectedWithin(link: Link, ms: number, signal: AbortSignal): Promise<boolean> {
  if (link.status().connected) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (up: boolean) => {
      clearTimeout(timer);
      off();
      signal.removeEventListener('abort', aborted);
      resolve(up);
    };
    const aborted = () => done(false);
    const timer = setTimeout(() => done(false), ms);
    const off = link.onStatus((s) => s.connected && done(true));
    signal.addEventListener('abort', aborted);
    if (signal.aborted) done(false);
  });
}
