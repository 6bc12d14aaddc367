// Remote commands on `cmd` (PROTOCOL.md): a signed envelope naming one
// command, carried out once and answered on `cmd/res` `{v, id, ok, result?,
// error?}`. Refused: anything the envelope check refuses, another target,
// an id seen before (ids are written durably before the command runs, so not
// even a power cut makes one run twice), an `issuedAt` more than 10 minutes
// old or ahead of the terminal's clock by more than the allowance — both on
// the host-checked clock, since a board has no real-time clock. Until the
// clock has been checked every command is refused `clock_unchecked` (and the
// host asked again), for ops to send it again a little later.
import type { Link } from '../../hal/network/types.ts';
import type { Logger } from '../runtime/log.ts';
import type { CommandIds } from './command-ids.ts';
import type { ClockChecked } from './config-agent.ts';
import { openEnvelope, peekUnverified, type OpsPublicKey } from './envelope.ts';
import { commandSchema, issuesText, type Command, type CommandError, type CommandName } from './payloads.ts';

export const MAX_COMMAND_AGE_MS = 10 * 60 * 1000;
/** How far ahead of the terminal's clock an `issuedAt` may be (two clocks never agree exactly). */
export const FUTURE_ALLOWANCE_MS = 2 * 60 * 1000;

export type CommandOutcome =
  /** `afterAnswer` runs once the answer is with the broker (a reboot must not cut its own answer off). */
  | { ok: true; result: unknown; afterAnswer?: () => void }
  | { ok: false; code: CommandError; message: string };

/** What each command does; main wiring gives the terminal's own. Absent: answered `unsupported`. */
export type CommandHandlers = { [C in CommandName]?: (command: Command) => Promise<CommandOutcome> };

export interface CommandAgentOptions {
  terminalId: string;
  /** The ops keys of the local config. */
  keys: () => ReadonlyArray<OpsPublicKey>;
  link: Link;
  ids: CommandIds;
  /** Host-checked time, epoch ms. */
  now: () => number;
  /** Whether `now` has been checked against the host yet: no command is judged before. */
  clockCheck: ClockChecked;
  logger: Logger;
  handlers: CommandHandlers;
}

export class CommandAgent {
  readonly #o: CommandAgentOptions;
  /** Checks and id records one at a time (two copies of one command must not both pass). */
  #checking: Promise<unknown> = Promise.resolve();
  readonly #running = new Set<Promise<void>>();
  #stop: (() => void) | undefined;

  constructor(options: CommandAgentOptions) {
    this.#o = options;
  }

  listen(): void {
    this.#stop = this.#o.link.onMessage((topic, payload) => {
      if (topic !== 'cmd') return;
      const job = this.handle(payload).catch((err: unknown) => this.#o.logger.error({ err }, 'command failed'));
      this.#running.add(job);
      void job.finally(() => this.#running.delete(job));
    });
  }

  stop(): void {
    this.#stop?.();
  }

  /** Resolves when every command received so far has been answered (tests). */
  async idle(): Promise<void> {
    while (this.#running.size) await Promise.allSettled([...this.#running]);
  }

  /** Checks one envelope, runs its command, answers on `cmd/res`. */
  async handle(raw: Buffer): Promise<void> {
    const checked = this.#checking.then(() => this.#check(raw));
    this.#checking = checked.catch(() => undefined);
    const verdict = await checked;
    if (!verdict.ok) return this.#answer(verdict.id, { ok: false, code: verdict.code, message: verdict.message });
    const { command } = verdict;
    const handler = this.#o.handlers[command.cmd];
    this.#o.logger.info({ id: command.id, cmd: command.cmd }, 'ops command');
    let outcome: CommandOutcome;
    try {
      outcome = handler ? await handler(command) : { ok: false, code: 'unsupported', message: `${command.cmd} is not available on this terminal` };
    } catch (err) {
      outcome = { ok: false, code: 'failed', message: (err as Error)?.message ?? String(err) };
    }
    await this.#answer(command.id, outcome);
    if (outcome.ok) outcome.afterAnswer?.();
  }

  async #check(raw: Buffer): Promise<{ ok: true; command: Command } | { ok: false; id: string | null; code: CommandError; message: string }> {
    const { ids, now } = this.#o;
    const opened = openEnvelope(raw, this.#o.keys());
    if (!opened.ok) return { ok: false, id: idIn(peekUnverified(raw)), code: opened.reason, message: opened.detail };
    const parsed = commandSchema.safeParse(opened.payload);
    if (!parsed.success) return { ok: false, id: idIn(opened.payload), code: 'malformed', message: `not a command: ${issuesText(parsed.error)}` };
    const command = parsed.data;
    const refuse = (code: CommandError, message: string) => ({ ok: false as const, id: command.id, code, message });
    if (command.target !== '*' && command.target !== this.#o.terminalId) return refuse('other_target', `for ${command.target}`);
    if (!this.#o.clockCheck.checked()) {
      void this.#o.clockCheck.check().catch(() => undefined);
      return refuse('clock_unchecked', "this terminal's clock has not been checked with the host yet: send the command again in a moment");
    }
    const at = now();
    const age = at - Date.parse(command.issuedAt);
    if (age > MAX_COMMAND_AGE_MS) return refuse('too_old', `issued ${Math.round(age / 1000)} s ago; commands older than ${MAX_COMMAND_AGE_MS / 60_000} minutes are refused`);
    if (-age > FUTURE_ALLOWANCE_MS) return refuse('issued_in_future', `issued ${Math.round(-age / 1000)} s ahead of this terminal's clock`);
    if (ids.has(command.id)) return refuse('id_reused', `command id ${command.id} was used before`);
    await ids.add(command.id, at);
    return { ok: true, command };
  }

  async #answer(id: string | null, outcome: CommandOutcome): Promise<void> {
    if (!outcome.ok) this.#o.logger.warn({ id, code: outcome.code, message: outcome.message }, 'ops command refused or failed');
    const message = outcome.ok ? { v: 1, id, ok: true, result: outcome.result } : { v: 1, id, ok: false, error: { code: outcome.code, message: outcome.message } };
    const sent = await this.#o.link.publish('cmd/res', message);
    if (!sent) this.#o.logger.warn({ id }, 'command answer not sent: the link is down');
  }
}

function idIn(payload: unknown): string | null {
  const id = (payload as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id.length <= 128 ? id : null;
}
