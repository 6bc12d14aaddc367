// Tells systemd how the terminal is doing when it runs as a `Type=notify`
// service (scripts/board/scanpos.service): READY=1 once the home screen is
// drawn, WATCHDOG=1 while the event loop turns, STOPPING=1 when it shuts down.
// Nothing happens unless systemd gave us NOTIFY_SOCKET.
//
// How the datagrams are sent. The notify socket is a unix *datagram* socket
// and Node has none (`dgram` is UDP only; `net` is stream only, and a stream
// connect to a datagram socket fails with EPROTOTYPE). The options were:
// - a native addon (`sd-notify` binds libsystemd, `unix-dgram` the socket
//   calls): one more compiled package on every board, for three messages;
// - a long-lived helper (python3, socat) holding the socket: one more
//   process and one more runtime on a 512 MB board;
// - `systemd-notify`, run for each message. Its known race — it exits before
//   systemd reads the message, systemd can no longer tell which unit the
//   dead PID belonged to and drops it (systemd issue #2739) — is fixed since
//   systemd 246: it now waits by default until the manager has processed the
//   message (sd_notify_barrier(3)). Debian 11+ and Raspberry Pi OS bullseye+
//   ship systemd 247 or later.
// We use systemd-notify. It needs `NotifyAccess=all` in the unit, since the
// sender is our child and not the main process. One fork every half watchdog
// period (15 s with WatchdogSec=30s) is cheap; a ping is skipped, not queued,
// while the previous one is still on its way.
//
// The watchdog pings come from a timer of this process: when the event loop
// is stuck (a busy loop, a synchronous call that never returns) they stop,
// and systemd kills and restarts the terminal after WatchdogSec.
import { execFile } from 'node:child_process';
import type { Logger } from './log.ts';

/** Sends one notification (`KEY=value` fields); resolves when it was delivered. */
export type NotifySender = (fields: readonly string[]) => Promise<void>;

export interface ServiceNotifyOptions {
  /** Where NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** The systemd-notify program (default: found on PATH). */
  command?: string;
  /** How a message is sent (default: systemd-notify with `env`). */
  send?: NotifySender;
}

/** The watchdog period systemd asked for, in ms, or undefined when it asked for none (sd_watchdog_enabled(3)). */
export function watchdogMs(env: NodeJS.ProcessEnv, pid: number = process.pid): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isSafeInteger(usec) || usec <= 0) return undefined;
  // WATCHDOG_PID names the process the watchdog is for; a child that inherited it is not that process.
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 1000));
}

/** systemd-notify with the environment that names the socket; it waits until systemd has read the message. */
export function systemdNotifySender(env: NodeJS.ProcessEnv, command = 'systemd-notify'): NotifySender {
  return (fields) =>
    new Promise((resolve, reject) => {
      // The barrier waits up to 5 s for the manager; more than that is a stuck child.
      execFile(command, [...fields], { env, timeout: 10_000 }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`${command} ${fields.join(' ')}: ${stderr.trim() || err.message}`));
        else resolve();
      });
    });
}

export class ServiceNotifier {
  readonly #send: NotifySender;
  readonly #logger: Logger | undefined;
  readonly #watchdogMs: number | undefined;
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;
  #timer: NodeJS.Timeout | undefined;
  #failed = false;

  constructor(options: { send: NotifySender; watchdogMs?: number; logger?: Logger }) {
    this.#send = options.send;
    this.#logger = options.logger;
    this.#watchdogMs = options.watchdogMs;
  }

  /** The period systemd expects pings within, if any. */
  get watchdogMs(): number | undefined {
    return this.#watchdogMs;
  }

  /** Start-up is complete; pings start now (systemd arms its watchdog when start-up completes). */
  ready(status: string): Promise<void> {
    const sent = this.#notify(['READY=1', `STATUS=${status}`]);
    if (this.#watchdogMs !== undefined && !this.#timer) {
      // sd_watchdog_enabled(3): ping every half of the period.
      this.#timer = setInterval(() => this.#ping(), Math.max(1, Math.floor(this.#watchdogMs / 2)));
      // The watchdog never keeps a terminal that has finished alive.
      this.#timer.unref();
    }
    return sent;
  }

  /** Shutdown has begun: no more pings, and systemd knows the exit is wanted. */
  stopping(status = 'stopping'): Promise<void> {
    this.#stopWatchdog();
    return this.#notify(['STOPPING=1', `STATUS=${status}`]);
  }

  /** Stops the pings and waits for what is still being sent. */
  async close(): Promise<void> {
    this.#stopWatchdog();
    await this.#queue;
  }

  #stopWatchdog(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #ping(): void {
    // A ping still on its way says the same thing; piling up forks would not help.
    if (this.#pending > 0) return;
    void this.#notify(['WATCHDOG=1']);
  }

  /** Messages go out one at a time, in order; a failure is logged, never thrown. */
  #notify(fields: readonly string[]): Promise<void> {
    this.#pending++;
    const sent = this.#queue.then(() => this.#send(fields)).then(
      () => {
        if (this.#failed) this.#logger?.info('systemd notifications get through again');
        this.#failed = false;
      },
      (err: unknown) => {
        // Logged once per outage: a missing systemd-notify would otherwise fill the journal.
        if (!this.#failed) this.#logger?.error({ err: (err as Error).message }, 'cannot notify systemd: is systemd-notify installed, and NotifyAccess=all set in the unit?');
        this.#failed = true;
      },
    );
    this.#queue = sent.finally(() => this.#pending--);
    return this.#queue;
  }
}

/** A notifier when systemd asked for notifications (NOTIFY_SOCKET), else undefined. */
export function serviceNotifier(options: ServiceNotifyOptions = {}): ServiceNotifier | undefined {
  const env = options.env ?? process.env;
  if (!env.NOTIFY_SOCKET) return undefined;
  const period = watchdogMs(env);
  return new ServiceNotifier({
    send: options.send ?? systemdNotifySender(env, options.command),
    ...(period !== undefined ? { watchdogMs: period } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/** The part of a started terminal this needs (main.ts's Running). */
interface Stoppable {
  logger: Logger;
  stop(): Promise<void>;
}

/**
 * Called once the terminal has started (its home screen is drawn): tells
 * systemd it is ready, keeps its watchdog fed, and makes `stop()` announce
 * STOPPING=1 first. Without NOTIFY_SOCKET, returns `running` unchanged.
 */
export function underSystemd<R extends Stoppable>(running: R, options: Omit<ServiceNotifyOptions, 'logger'> & { status?: string } = {}): R {
  const notifier = serviceNotifier({ ...options, logger: running.logger });
  if (!notifier) return running;
  void notifier.ready(options.status ?? 'ready');
  running.logger.info({ watchdogMs: notifier.watchdogMs ?? null }, 'systemd: ready');
  const stop = running.stop.bind(running);
  let stopping: Promise<void> | undefined;
  return {
    ...running,
    stop() {
      stopping ??= (async () => {
        void notifier.stopping();
        try {
          await stop();
        } finally {
          await notifier.close();
        }
      })();
      return stopping;
    },
  };
}
