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
// - restart (devices, time zone, replay timing): stored and reported
//   `applied`, then the terminal restarts itself and starts with them.
import { createHash } from 'node:crypto';
import type { Config } from '../../config/schema.ts';
import type { Link } from '../../hal/network/types.ts';
import type { ConfigSettings } from '../../screens/types.ts';
import { SerialQueue } from '../ledger/serial.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Logger } from '../runtime/log.ts';
import { contextFrom } from '../runtime/terminal.ts';
import { brokerSettings, changesBetween, layered, localOnlyIn, mergePatches } from './config-layers.ts';
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
}

type Report = Omit<ConfigReport, 'v' | 'at'>;

export class ConfigAgent {
  readonly #o: ConfigAgentOptions;
  readonly #queue = new SerialQueue();
  #stops: Array<() => void> = [];
  /** The last report, until the broker has taken it (reports are retained: the latest is what counts). */
  #unsent: Record<string, unknown> | undefined;
  #deferredReported: number | undefined;
  #applying = false;
  #stopped = false;
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
    const { link } = this.#o;
    this.#stops.push(
      link.onMessage((topic, payload) => {
        if (topic === 'config/desired') void this.#queue.run(() => this.#receive(payload)).catch((err: unknown) => this.#o.logger.error({ err }, 'config push failed'));
      }),
      link.onStatus((s) => {
        if (s.connected && this.#unsent) void this.#publish(this.#unsent);
      }),
    );
  }

  /** Applies a push left pending by the last run (once), and watches for the end of transactions. */
  start(): void {
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

  #poll(): void {
    if (this.#stopped || this.#applying || !this.#o.store.data.pending || this.#o.busy()) return;
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
    const { applied, pending, rolledBack } = store.data;
    // The retained envelope comes back at every reconnect, expired or not: the same push is the same answer.
    if (applied?.version === push.version && applied.digest === digest) return this.#report({ version: push.version, status: 'applied' });
    if (rolledBack?.version === push.version && rolledBack.digest === digest) {
      return this.#report({ version: push.version, status: 'rolled_back', reason: 'broker_unreachable' });
    }
    if (pending?.version === push.version && pending.digest === digest) return this.#poll();
    if (Date.parse(push.expiresAt) <= this.#o.now()) return this.#reject(push.version, 'expired', `expired at ${push.expiresAt}`);
    if (applied && push.version <= applied.version) return this.#reject(push.version, 'version_too_low', `version ${applied.version} is applied`);
    if (pending && push.version <= pending.version) return this.#reject(push.version, 'version_too_low', `version ${pending.version} is waiting to be applied`);
    const local = localOnlyIn(push.config);
    if (local.length) return this.#reject(push.version, 'local_only', `only the terminal's own config file may set ${local.join(', ')}`);
    // A push that arrives while an older one waits takes it along: the older one's settings are not lost.
    const patch = mergePatches(pending?.patch ?? {}, push.config);
    const candidate = layered(this.#o.local, mergePatches(applied?.patch ?? {}, patch), this.#o.baseDir);
    if (!candidate.ok) return this.#reject(push.version, 'schema_error', candidate.errors.join('; '));
    await store.write({ ...store.data, pending: { version: push.version, digest, patch, receivedAt: new Date(this.#o.now()).toISOString() } });
    logger.info({ version: push.version, keyId: opened.keyId }, 'config push received');
    if (this.#o.busy()) return this.#defer(push.version);
    this.#poll();
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
    const restart = [...changes.restart, ...(changes.broker && !this.#o.link.reconfigure ? ['mqtt'] : [])];
    await store.write({ applied: { version: pending.version, digest: pending.digest, patch: merged, at: new Date(this.#o.now()).toISOString() }, pending: null, rolledBack: store.data.rolledBack });
    Object.assign(live, next.config);
    if (changes.changed.includes('log.level')) logger.level = live.log.level;
    this.#o.onLive(live);
    logger.info({ version: pending.version, changed: changes.changed, restart }, 'config applied');
    await this.#report({ version: pending.version, status: 'applied' });
    if (restart.length) this.#o.restart(`config ${pending.version} changed ${restart.join(', ')}`);
  }

  /** Moves the link to the new broker settings; false (and back on the old ones) when they do not connect in time. */
  async #tryBroker(next: Config, pending: PendingConfig): Promise<boolean> {
    const { link, live, store, logger } = this.#o;
    if (!link.reconfigure) return true; // applied at the restart that follows
    const trialMs = this.#o.brokerTrialMs ?? 30_000;
    await link.reconfigure(brokerSettings(next));
    if (await connectedWithin(link, trialMs, this.#abort.signal)) return true;
    // Stopping: the push stays pending and is tried again at the next start (the link starts on the old settings).
    if (this.#stopped) return false;
    logger.warn({ version: pending.version, url: next.mqtt.url, trialMs }, 'new broker settings did not connect: rolled back');
    await link.reconfigure(brokerSettings(live));
    await store.write({ ...store.data, pending: null, rolledBack: { version: pending.version, digest: pending.digest } });
    await this.#report({ version: pending.version, status: 'rolled_back', reason: 'broker_unreachable', detail: `${next.mqtt.url} did not connect within ${trialMs} ms` });
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
