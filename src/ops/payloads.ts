// The ops side of PROTOCOL.md: what a signed envelope carries (a config push
// or a command) and what the terminal answers on `config/reported` and
// `cmd/res`. Shared by the terminal, which checks what it receives, and the
// ops CLI, which builds the payloads and reads the answers. Objects are not
// strict: the protocol grows by optional fields, an unknown one is ignored.
import * as z from 'zod';
import { terminalIdSchema, timeSchema } from '../domain/wire.ts';
import type { OpenFailure } from './envelope.ts';

/** `{tid}` of one terminal, or `*` for every terminal that receives it. */
export const targetSchema = z.union([z.literal('*'), terminalIdSchema]);

/** A config version: increases with every push of a fleet's (or a terminal's) config. */
export const configVersionSchema = z.number().int('must be a whole number').positive('must be 1 or more');

/** Payload of a config push: a partial config, merged over the terminal's. */
export const configPushSchema = z.object({
  v: z.literal(1).optional(),
  target: targetSchema,
  version: configVersionSchema,
  issuedAt: timeSchema,
  expiresAt: timeSchema,
  config: z.record(z.string(), z.unknown()),
});
export type ConfigPush = z.infer<typeof configPushSchema>;

export const COMMANDS = ['selftest', 'sync', 'settle', 'reboot', 'status'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** Command ids are never reused: an id already seen is refused. */
export const commandIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'must be 1–128 letters, digits, _ . : or -');

/** Payload of a command. */
export const commandSchema = z.object({
  v: z.literal(1).optional(),
  target: targetSchema,
  id: commandIdSchema,
  cmd: z.enum(COMMANDS),
  issuedAt: timeSchema,
});
export type Command = z.infer<typeof commandSchema>;

/** Why a config push was refused (`reason` of a `rejected` report, and of the `config_rejected` event). */
export type ConfigRejection =
  | OpenFailure
  /** Signed, but not a config push (fields missing or of the wrong type). */
  | 'malformed'
  | 'other_target'
  | 'expired'
  /** Lower than the version applied (or already waiting), or the applied version with other contents. */
  | 'version_too_low'
  /** The merged config fails the terminal's config schema; `detail` lists every problem. */
  | 'schema_error'
  /** The patch touches a setting that only the terminal's own file may set (`detail` names it). */
  | 'local_only';

export const CONFIG_REPORT_STATUSES = ['applied', 'rejected', 'deferred', 'rolled_back'] as const;

/** `pos/{tid}/config/reported` (retained). `version` is null when the envelope could not be read. */
export const configReportSchema = z.object({
  v: z.literal(1),
  version: configVersionSchema.nullable(),
  status: z.enum(CONFIG_REPORT_STATUSES),
  /**
   * rejected: a ConfigRejection; rolled_back: `broker_unreachable` (new broker
   * settings did not connect, or cannot be used) or `start_failed` (the
   * terminal could not start with settings read at start); deferred: `busy`
   * (a transaction is in progress) or `restart` (the terminal restarts to try
   * settings read at start: `applied` or `rolled_back` follows).
   */
  reason: z.string().optional(),
  /** Human-readable detail (schema problems one per line, the key that failed…). Optional addition to the wire contract. */
  detail: z.string().optional(),
  at: timeSchema,
});
export type ConfigReport = z.infer<typeof configReportSchema>;

/** `error.code` of a refused or failed command. */
export type CommandError =
  | OpenFailure
  | 'malformed'
  | 'other_target'
  /** issuedAt more than 10 minutes ago (on the host-checked clock). */
  | 'too_old'
  /** issuedAt ahead of the terminal's clock by more than the allowance. */
  | 'issued_in_future'
  /** The id was seen before (ids are remembered durably). */
  | 'id_reused'
  /** The terminal's clock has not been checked with the host yet (just after a start or a reconnect): send it again. */
  | 'clock_unchecked'
  /** The command ran and could not do its job (`message` says why: needs_network, storage…). */
  | 'failed'
  /** This build of the terminal cannot do it. */
  | 'unsupported';

/** `pos/{tid}/cmd/res`. `id` is null only when no id could be read from the envelope. */
export const commandResultSchema = z.object({
  v: z.literal(1),
  id: z.string().nullable(),
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type CommandResult = z.infer<typeof commandResultSchema>;

/** One line per problem with its path, as the config file's errors are written. */
export function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`).join('; ');
}
