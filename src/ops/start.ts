// Ops on a running terminal: the pushed-config store layered at boot, the
// config agent and the command agent wired to the terminal. The composition
// root calls bootConfig() before anything reads the config, then opsFor()
// once the terminal exists: listen() before the link starts, start() after.
import type { Config } from '../../config/schema.ts';
import type { Link } from '../../hal/network/types.ts';
import { isBusy } from '../../screens/machine.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Logger } from '../runtime/log.ts';
import { statusInfo, type Terminal } from '../runtime/terminal.ts';
import { CommandIds } from './command-ids.ts';
import { CommandAgent, type CommandHandlers, type CommandOutcome } from './commands.ts';
import { ConfigAgent, configSettings, type Report } from './config-agent.ts';
import { layered } from './config-layers.ts';
import { OpsConfigStore } from './config-store.ts';

/** Exit code of a restart asked for by ops (reboot, settings read at start): non-zero, so a service manager with Restart=on-failure starts the terminal again. */
export const RESTART_EXIT_CODE = 75;

export interface OpsTuning {
  /** How long new broker settings have to connect before they are rolled back (default 30 s). */
  brokerTrialMs?: number;
}

export interface Booted {
  config: Config;
  store: OpsConfigStore;
  problem?: string;
  /** A push this start rolled back (the start that tried it never completed): reported once connected. */
  rolledBack?: Report;
  /** Call when the start fails: a push on trial keeps why, for the report of the next start. */
  failed(err: unknown): Promise<void>;
}

/**
 * The config the terminal starts with: the local file's, with the pushed
 * config applied before (if it still passes the schema) — or with a push of
 * settings read at start on trial. Such a push is marked `started` here,
 * durably, before anything opens a device with it; ConfigAgent.start()
 * confirms it once the start has completed. A mark found at the next start
 * means the trial start never completed (a device that cannot be opened,
 * the crash loop a service manager would make of it): that start goes back
 * to the applied config, and the push is rolled back.
 */
export async function bootConfig(local: Config): Promise<Booted> {
  const store = await OpsConfigStore.open({ dir: local.storage.dir });
  const dir = local.storage.dir;
  let rolledBack: Report | undefined;
  let problem: string | undefined;
  const trial = store.data.trial;
  if (trial) {
    const outcome = trial.started ? undefined : layered(local, trial.patch, dir);
    if (outcome?.ok) {
      await store.write({ ...store.data, trial: { ...trial, started: true } });
      const failed = async (err: unknown) => {
        const current = store.data.trial;
        if (current?.version !== trial.version || !current.started) return;
        await store.write({ ...store.data, trial: { ...current, failure: (err as Error)?.message ?? String(err) } }).catch(() => undefined);
      };
      return { config: outcome.config, store, failed };
    }
    const detail = outcome ? `it no longer fits the local file: ${outcome.errors.join('; ')}` : `the terminal did not start with it${trial.failure ? `: ${trial.failure}` : ''}`;
    await store.write({ ...store.data, trial: null, rolledBack: { version: trial.version, digest: trial.digest, reason: 'start_failed', detail } });
    rolledBack = { version: trial.version, status: 'rolled_back', reason: 'start_failed', detail };
    problem = `pushed config ${trial.version} rolled back: ${detail}`;
  }
  const found = { store, failed: async () => undefined, ...(rolledBack ? { rolledBack } : {}) };
  const applied = store.data.applied;
  if (!applied) return { config: structuredClone(local), ...found, ...(problem ? { problem } : {}) };
  const outcome = layered(local, applied.patch, dir);
  if (outcome.ok) return { config: outcome.config, ...found, ...(problem ? { problem } : {}) };
  // The local file changed since (a technician's edit): it wins, and says why.
  const misfit = `pushed config ${applied.version} no longer fits the local file: ${outcome.errors.join('; ')}`;
  return { config: structuredClone(local), ...found, problem: problem ? `${problem}; ${misfit}` : misfit };
}

export interface OpsOptions extends OpsTuning {
  terminal: Terminal;
  link: Link;
  ledger: Ledger;
  local: Config;
  live: Config;
  store: OpsConfigStore;
  clock: Clock;
  logger: Logger;
  /** What this start has to report first (bootConfig's `rolledBack`). */
  bootReport?: Report;
  /** Stop cleanly and start again (the process exits with RESTART_EXIT_CODE by default). */
  restart: (reason: string) => void;
}

export interface Ops {
  config: ConfigAgent;
  commands: CommandAgent;
  /** Before the link starts: the retained config envelope must not be missed. */
  listen(): void;
  /** After the terminal started (home screen drawn, link started): a push on trial is confirmed, one left pending applied. */
  start(): void;
  stop(): void;
}

export async function opsFor(o: OpsOptions): Promise<Ops> {
  const { terminal, link, ledger, live, store, clock, logger } = o;
  const tid = live.terminal.id;
  const now = () => terminal.clockCheck.now();
  const busy = () => isBusy(terminal.machine);
  const config = new ConfigAgent({
    terminalId: tid,
    local: o.local,
    live,
    store,
    link,
    now,
    clockCheck: terminal.clockCheck,
    clock,
    logger,
    busy,
    baseDir: live.storage.dir,
    ...(o.bootReport ? { bootReport: o.bootReport } : {}),
    onLive: (c) => {
      terminal.post({ type: 'config', settings: configSettings(c), at: clock.now() });
      // The fleet view (retained status) shows the new version at once.
      void link.publish('status', { state: 'online', at: new Date(clock.now()).toISOString(), ...statusInfo(ledger, config.version()) }, { retain: true });
    },
    restart: o.restart,
    ...(o.brokerTrialMs ? { brokerTrialMs: o.brokerTrialMs } : {}),
  });
  const queue = () => statusInfo(ledger, config.version()).queue;
  const whenIdle = () => untilIdle(busy, clock);
  const handlers: CommandHandlers = {
    status: async () => ({
      ok: true,
      result: { state: link.status().connected ? 'online' : 'offline', at: new Date(now()).toISOString(), ...statusInfo(ledger, config.version()), clockOffsetMs: terminal.clockCheck.last()?.offsetMs ?? null },
    }),
    sync: async () => {
      await terminal.replayer.drain();
      return { ok: true, result: { queue: queue() } };
    },
    settle: async (): Promise<CommandOutcome> => {
      await whenIdle(); // a Z report never closes a batch under a transaction in progress
      const z = await terminal.settlement.z();
      return z.ok ? { ok: true, result: { report: z.report } } : { ok: false, code: 'failed', message: z.reason };
    },
    reboot: async () => ({
      ok: true,
      result: { restart: busy() ? 'after_transaction' : 'now' },
      afterAnswer: () => void whenIdle().then(() => o.restart('reboot asked by ops')),
    }),
    // The report is also published retained on `selftest` by the terminal itself.
    selftest: async () => ({ ok: true, result: await terminal.runSelfTest('remote') }),
  };
  const commands = new CommandAgent({ terminalId: tid, keys: () => live.security.opsPublicKeys, link, ids: await CommandIds.open({ dir: live.storage.dir, log: logger }), now, clockCheck: terminal.clockCheck, logger, handlers });
  return {
    config,
    commands,
    listen() {
      config.listen();
      commands.listen();
    },
    start: () => config.start(),
    stop() {
      commands.stop();
      config.stop();
    },
  };
}

/** Resolves once no transaction is in progress. */
function untilIdle(busy: () => boolean, clock: Clock): Promise<void> {
  if (!busy()) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = clock.every(250, () => {
      if (busy()) return;
      stop();
      resolve();
    });
  });
}
