// The configuration schema. config/default.json holds every default; a
// terminal's own file is merged over it and the result must pass this schema.
// Objects are strict so that a misspelt key is reported instead of ignored.
// As a namespace (not `import { z }`, which keeps all of zod alive): the
// bundle then holds only the parts used, a quarter of zod, and a board's
// start-up compiles that much less. Every import of zod in the bundle must do so.
import * as z from 'zod';

const pinHash = z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'not a hash made by `scanpos hash-pin`');

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown time zone');

const regex = z.string().refine((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const ms = z.number().int().positive();
/** A line offset on the GPIO chip (the BCM number on a Raspberry Pi), not a global sysfs number. */
const gpioLine = z.number().int().min(0).max(1023);
const indicatorLine = z.strictObject({ line: gpioLine, activeLow: z.boolean().optional() });
const KEY_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'OK', 'CLEAR', 'CANCEL', 'F1', 'F2', 'F3', 'F4'] as const;
const cents = z.number().int().nonnegative();

export const configSchema = z.strictObject({
  version: z.number().int().positive(),
  terminal: z.strictObject({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and -, at most 32'),
    number: z.string().regex(/^\d{4}$/, 'four digits (part of every order number this terminal makes)'),
    locale: z.enum(['en', 'zh-CN']),
    timezone,
    currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code such as CNY'),
    merchantName: z.string().min(1).max(64),
  }),
  storage: z.strictObject({
    dir: z.string().min(1),
    /** Settled day segments older than this are pruned. */
    keepDays: z.number().int().min(7),
    /** Below this much free space the terminal warns and takes no offline refund. */
    minFreeBytes: z.number().int().nonnegative(),
  }),
  network: z.strictObject({
    driver: z.enum(['mqtt', 'sim']),
    topicPrefix: z.string().regex(/^[A-Za-z0-9_-]+$/),
    rpcTimeoutMs: ms,
    /** Reconnect delays: exponential backoff with full jitter between these bounds. */
    reconnectMinMs: ms,
    reconnectMaxMs: ms,
    /** Submissions in flight at once while the outbox drains. */
    replayWindow: z.number().int().min(1).max(64),
    /** Longest random wait before the first replay after start (a fleet powered up together). */
    bootJitterMs: z.number().int().nonnegative(),
  }),
  mqtt: z.strictObject({
    url: z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\/.+/, 'an mqtt://, mqtts://, ws:// or wss:// URL'),
    username: z.string().optional(),
    password: z.string().optional(),
    ca: z.string().optional(),
    cert: z.string().optional(),
    key: z.string().optional(),
  }),
  display: z.strictObject({
    driver: z.enum(['tty', 'sim']),
    path: z.string().optional(),
    rows: z.number().int().min(4).max(40),
    cols: z.number().int().min(16).max(80),
  }),
  keypad: z
    .strictObject({
      driver: z.enum(['tty', 'sim', 'gpio']),
      /** GPIO chip label (default: the Raspberry Pi header chips). */
      chip: z.string().min(1).optional(),
      rows: z.array(gpioLine).min(1).max(8).optional(),
      cols: z.array(gpioLine).min(1).max(8).optional(),
      /** keymap[row][col], null where a crossing has no key. */
      keymap: z.array(z.array(z.enum(KEY_NAMES).nullable())).optional(),
      scanIntervalMs: z.number().int().min(1).max(100).optional(),
      debounceMs: z.number().int().min(1).max(200).optional(),
    })
    .superRefine((k, ctx) => {
      if (k.driver !== 'gpio') return;
      if (!k.rows || !k.cols || !k.keymap) {
        ctx.addIssue({ code: 'custom', message: 'the gpio keypad needs rows, cols and keymap' });
        return;
      }
      const rows = k.rows;
      const cols = k.cols;
      if (k.keymap.length !== rows.length || k.keymap.some((r) => r.length !== cols.length)) {
        ctx.addIssue({ code: 'custom', path: ['keymap'], message: `must be ${rows.length} rows of ${cols.length} keys (rows × cols)` });
      }
      const lines = [...rows, ...cols];
      if (new Set(lines).size !== lines.length) ctx.addIssue({ code: 'custom', message: 'a GPIO line is used twice in rows/cols' });
    }),
  scanner: z
    .strictObject({
      driver: z.enum(['serial', 'sim']),
      path: z.string().min(1).optional(),
      baudRate: z.number().int().positive().optional(),
      /** A read with no terminator ends after this much silence. */
      interByteTimeoutMs: z.number().int().min(5).max(1000).optional(),
      maxLength: z.number().int().min(16).max(4096).optional(),
      /** The same code read again within this window is a double read. */
      repeatWindowMs: z.number().int().min(0).max(10_000).optional(),
      reopenMinMs: z.number().int().min(50).optional(),
      reopenMaxMs: z.number().int().min(50).max(60_000).optional(),
    })
    .superRefine((s, ctx) => {
      if (s.driver === 'serial' && !s.path) ctx.addIssue({ code: 'custom', path: ['path'], message: 'a serial scanner needs its device path (e.g. /dev/ttyACM0)' });
    }),
  printer: z
    .strictObject({
    driver: z.enum(['escpos', 'sim']),
    interface: z.enum(['serial', 'tcp']).optional(),
    path: z.string().optional(),
    baudRate: z.number().int().positive().optional(),
    rtscts: z.boolean().optional(),
    host: z.string().optional(),
    port: z.number().int().min(1).max(65535).optional(),
    columns: z.number().int().min(24).max(64),
    /** gb18030: a printer with a Chinese font; pc437: one without. */
    codePage: z.enum(['gb18030', 'pc437']).optional(),
    /** false for a printer that cannot answer DLE EOT status queries. */
    statusQuery: z.boolean().optional(),
    connectTimeoutMs: ms.optional(),
    statusTimeoutMs: ms.optional(),
    sendTimeoutMs: ms.optional(),
    /** The simulator writes each printed document as a text file here (relative to storage.dir). */
    outputDir: z.string().optional(),
    })
    .superRefine((p, ctx) => {
      if (p.driver !== 'escpos') return;
      if (p.interface === 'serial' && !p.path) ctx.addIssue({ code: 'custom', path: ['path'], message: 'a serial printer needs its device path' });
      if (p.interface === 'tcp' && !p.host) ctx.addIssue({ code: 'custom', path: ['host'], message: 'a network printer needs its host' });
      if (!p.interface) ctx.addIssue({ code: 'custom', path: ['interface'], message: 'serial or tcp' });
    }),
  indicators: z.strictObject({
    driver: z.enum(['none', 'sim', 'gpio']),
    chip: z.string().min(1).optional(),
    green: indicatorLine.optional(),
    red: indicatorLine.optional(),
    buzzer: indicatorLine.optional(),
  }),
  security: z.strictObject({
    supervisorPinHash: pinHash.optional(),
    technicianPinHash: pinHash.optional(),
    pinMaxTries: z.number().int().min(1).max(10),
    pinLockoutMs: ms,
    opsPublicKeys: z.array(z.strictObject({ keyId: z.string().min(1), publicKey: z.string().min(1) })),
  }),
  ui: z.strictObject({
    /** Back to the home screen after this long without a key (not while waiting on the host). */
    idleTimeoutMs: ms,
    /** How long the scan step waits for the customer's code. */
    scanTimeoutMs: ms,
  }),
  receipt: z.strictObject({
    header: z.array(z.string().max(64)).max(6),
    footer: z.array(z.string().max(64)).max(6),
    merchantCopy: z.boolean(),
    customerCopy: z.boolean(),
  }),
  paycodes: z
    .array(z.strictObject({ channel: z.enum(['wechat', 'alipay', 'unionpay']), pattern: regex, confirmed: z.boolean() }))
    .min(1),
  refund: z.strictObject({
    maxAgeDays: z.number().int().positive(),
    maxRefundsPerOrder: z.number().int().positive(),
  }),
  offline: z.strictObject({
    maxRefundCents: cents,
    maxTotalCents: cents,
    maxCount: z.number().int().nonnegative(),
    alertAfterMs: ms,
  }),
  log: z.strictObject({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    /** Log file (relative to the config file); stdout when absent. */
    file: z.string().optional(),
  }),
});

export type Config = z.infer<typeof configSchema>;
export type PaycodeRule = Config['paycodes'][number];

/** Every problem at once, one line each, with its path: `terminal.id: letters, digits…`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(top)';
    return `${path}: ${issue.message}`;
  });
}
