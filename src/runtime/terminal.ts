// The terminal at run time: feeds device and runtime events to the screen
// machine, draws its frames, and carries out its effects. One object holds
// the running context; start() and stop() are its whole lifecycle.
import type { Config } from '../../config/schema.ts';
import type { Key } from '../../hal/keypad/types.ts';
import { initialMachine, isBusy, transition, view, type Machine } from '../../screens/machine.ts';
import type { Ctx, Effect, Event, PinOutcome } from '../../screens/types.ts';
import { receiptsFor } from '../../screens/receipts.ts';
import { messages } from '../domain/i18n/index.ts';
import { formatCents } from '../domain/money.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { HostClient } from '../sync/host-client.ts';
import { OrderLookup } from '../sync/orders.ts';
import { Replayer, type Settled } from '../sync/replay.ts';
import { Submitter } from '../sync/submit.ts';
import { ClockCheck } from '../sync/clock-check.ts';
import { Settlement } from '../sync/settlement.ts';
import { Housekeeping } from './housekeeping.ts';
import type { Alert, Alerts } from './alerts.ts';
import type { Clock } from './clock.ts';
import type { Devices } from './devices.ts';
import type { Logger } from './log.ts';
import { PinGuard } from './pin-guard.ts';
import { SelfTest } from '../ops/selftest/self-test.ts';
import type { SelfTestReport } from '../domain/selftest.ts';
import { keypadKeys } from '../ops/selftest/keypad-keys.ts';
import { PrinterWatch } from './printer-watch.ts';

export interface TerminalOptions {
  config: Config;
  devices: Devices;
  ledger: Ledger;
  host: HostClient;
  clock: Clock;
  logger: Logger;
  /** Warnings to show on the home screen from the start (e.g. storage recovered). */
  notices?: string[];
  /** Durable alerts (refunds declined after they were shown QUEUED). */
  alerts: Alerts;
  /** Files restored from their previous generation at boot (ops get `storage_recovered`). */
  recovered?: Array<{ file: string; reason: string }>;
  /** Keys the simulator console takes before the screens see them (F1 scan prompt, F2 network). */
  keyFilter?: (key: Key) => boolean;
  /** The version of the config ops pushed and the terminal applied (status `configVersion`). */
  configVersion?: () => number | null;
}

export function contextFrom(config: Config, online: boolean): Ctx {
  return {
    terminalId: config.terminal.id,
    locale: config.terminal.locale,
    currency: config.terminal.currency,
    timezone: config.terminal.timezone,
    merchantName: config.terminal.merchantName,
    display: { rows: config.display.rows, cols: config.display.cols },
    keypadKeys: keypadKeys(config),
    online,
    queued: 0,
    pins: { supervisor: !!config.security.supervisorPinHash, technician: !!config.security.technicianPinHash },
    idleTimeoutMs: config.ui.idleTimeoutMs,
    scanTimeoutMs: config.ui.scanTimeoutMs,
    receipt: config.receipt,
    paycodes: config.paycodes,
    limits: config.refund,
    notices: [],
  };
}

export class Terminal {
  readonly #o: TerminalOptions;
  readonly pins: PinGuard;
  readonly orders: OrderLookup;
  readonly submitter: Submitter;
  readonly replayer: Replayer;
  readonly clockCheck: ClockCheck;
  readonly settlement: Settlement;
  readonly housekeeping: Housekeeping;
  /** The technician's self-test, ops' `selftest` command and the start-up check. */
  readonly selfTest: SelfTest;
  /** Printer problems on the home screen and to ops; receipts it could not print, kept. */
  readonly printerWatch: PrinterWatch;
  /** Files restored from their previous generation at this start: told to ops once connected. */
  #recovered: Array<{ file: string; reason: string }>;
  #machine: Machine;
  #lastFrame = '';
  #stops: Array<() => void> = [];
  #running = false;
  #stopping = false;
  /** Passing notices (storage, a sale whose result followed); alerts live in `alerts`. */
  #transient: string[] = [];
  /** Effects still running (their events are posted when they finish); stop() waits for them. */
  #inFlight = new Set<Promise<void>>();

  constructor(options: TerminalOptions) {
    this.#o = options;
    this.#recovered = [...(options.recovered ?? [])];
    const { config, ledger, clock, logger, devices, host } = options;
    this.pins = new PinGuard({
      ledger,
      hashes: () => ({ supervisor: config.security.supervisorPinHash, technician: config.security.technicianPinHash }),
      // Read at each check: a pushed config changes them live.
      get maxTries() {
        return config.security.pinMaxTries;
      },
      get lockoutMs() {
        return config.security.pinLockoutMs;
      },
      now: () => clock.now(),
      logger,
      onLockout: (role, until) =>
        void devices.link.publish('events', { type: 'pin_lockout', at: new Date(clock.now()).toISOString(), role, until: new Date(until).toISOString() }),
    });
    this.orders = new OrderLookup({ ledger, host, logger });
    this.housekeeping = new Housekeeping({
      config,
      ledger,
      link: devices.link,
      clock,
      logger,
      onStorageLow: (low) => this.#notice(low ? messages(config.terminal.locale).storageLow : undefined, messages(config.terminal.locale).storageLow),
    });
    this.submitter = new Submitter({
      config,
      ledger,
      host,
      clock,
      logger,
      storageLow: () => this.housekeeping.storageLow(),
      beforeBackgroundDecline: async (record, result) => {
        await options.alerts.add({
          id: record.txn.id,
          orderId: record.txn.orderId,
          amountCents: record.txn.amountCents,
          currency: record.txn.currency,
          code: result.code,
          at: new Date(clock.now()).toISOString(),
        });
        this.#publishNotices();
      },
    });
    this.replayer = new Replayer({
      ledger,
      submitter: this.submitter,
      link: devices.link,
      logger,
      minDelayMs: config.network.reconnectMinMs,
      maxDelayMs: config.network.reconnectMaxMs,
      window: config.network.replayWindow,
      bootJitterMs: config.network.bootJitterMs,
    });
    this.clockCheck = new ClockCheck({
      host,
      localNow: () => clock.now(),
      logger,
      onSkew: (skewMs) => void devices.link.publish('events', { type: 'clock_skew', at: new Date(clock.now()).toISOString(), skewMs }),
    });
    this.settlement = new Settlement({ config, ledger, host, link: devices.link, clock, logger });
    this.printerWatch = new PrinterWatch({
      printer: devices.printer,
      link: devices.link,
      clock,
      logger,
      dir: config.storage.dir,
      locale: () => this.#machine.ctx.locale,
      notice: (add, remove) => this.#notice(add, remove),
    });
    this.selfTest = new SelfTest({
      config,
      devices,
      ledger,
      host,
      clock,
      logger,
      busy: () => isBusy(this.#machine),
      notice: (add, remove) => this.#notice(add, remove),
      // One status query at start-up, not one for the watch and one for the boot check.
      printer: { status: () => this.printerWatch.status(), print: (doc) => devices.printer.print(doc) },
    });
    const ctx = contextFrom(config, host.online());
    this.#transient = [...(options.notices ?? [])];
    this.#machine = initialMachine({ ...ctx, notices: this.#noticeTexts(ctx.locale) }, clock.now());
  }

  get machine(): Machine {
    return this.#machine;
  }

  async start(): Promise<void> {
    const { devices, clock, ledger } = this.#o;
    await devices.display.start();
    await devices.indicators.start();
    await devices.printer.start();
    await devices.scanner.start();
    await devices.keypad.start();
    this.#running = true;
    const { host } = this.#o;
    this.#stops.push(
      devices.keypad.onKey((key) => {
        // The keypad self-test must see every key, the simulator's own F1/F2 too.
        if (this.#stopping || (this.#machine.screen.id !== 'selftest.keypad' && this.#o.keyFilter?.(key))) return;
        this.post({ type: 'key', key, at: clock.now() });
      }),
      devices.scanner.onCode((code) => {
        if (!this.#stopping) this.post({ type: 'scan', code, at: clock.now() });
      }),
      devices.link.onStatus((s) => {
        if (!s.connected) return;
        void this.clockCheck.check();
        void this.#reportRecovered();
      }),
      host.onOnlineChange((online) => this.post({ type: 'link', online, at: clock.now() })),
      this.submitter.onQueueChange(() => {
        this.post({ type: 'queue', queued: ledger.outboxSize(), at: clock.now() });
        // A list on screen shows states as they change (a result that followed).
        if (this.#machine.screen.id === 'txns.list') this.#run({ type: 'loadTxns', limit: 50 });
        void devices.link.publish('status', { state: 'online', at: new Date(clock.now()).toISOString(), ...statusInfo(ledger, this.#o.configVersion?.() ?? null) }, { retain: true });
      }),
      this.replayer.onSettled((settled) => this.#settledInBackground(settled)),
      devices.scanner.onStatus((s) => this.#scannerStatus(s.present)),
      clock.every(1000, () => this.post({ type: 'tick', at: clock.now() })),
    );
    this.post({ type: 'lock', until: this.pins.lockedUntil('supervisor'), at: clock.now() });
    this.post({ type: 'queue', queued: ledger.outboxSize(), at: clock.now() });
    if (!devices.scanner.status().present) this.#scannerStatus(false);
    await devices.link.start();
    this.post({ type: 'link', online: host.online(), at: clock.now() });
    if (devices.link.status().connected) void this.clockCheck.check();
    this.replayer.start();
    await this.housekeeping.start();
    await this.printerWatch.start();
    if (devices.link.status().connected) void this.#reportRecovered();
    this.#render();
    this.#track(this.runSelfTest('boot').then(() => undefined));
  }

  /**
   * The self-test without a technician (ops' `selftest` command, or the
   * start-up check): interactive tests are skipped, a transaction on screen is
   * left alone; the report is published retained on `selftest`.
   */
  runSelfTest(trigger: 'remote' | 'boot'): Promise<SelfTestReport> {
    return this.selfTest.run(trigger);
  }

  /** `storage_recovered` for each file restored at boot, once the broker can hear it. */
  async #reportRecovered(): Promise<void> {
    const { devices, clock } = this.#o;
    const pending = this.#recovered.splice(0);
    for (const r of pending) {
      const sent = await devices.link.publish('events', { type: 'storage_recovered', at: new Date(clock.now()).toISOString(), file: r.file, reason: r.reason });
      if (!sent) this.#recovered.push(r);
    }
  }

  /** The display says when the scanner is missing (and ops hear of it). */
  #scannerStatus(present: boolean): void {
    const text = messages(this.#o.config.terminal.locale).scannerMissing;
    this.#notice(present ? undefined : text, text);
    if (!present) void this.#o.devices.link.publish('events', { type: 'scanner_missing', at: new Date(this.#o.clock.now()).toISOString() });
  }

  /** Adds or removes a passing home-screen notice (not an alert). */
  #notice(add: string | undefined, remove?: string): void {
    this.#transient = this.#transient.filter((n) => n !== remove);
    if (add) this.#transient.push(add);
    this.#publishNotices();
  }

  /** Alerts first (they outlive a restart), then passing notices. */
  #noticeTexts(locale: Ctx['locale']): string[] {
    return [...this.#o.alerts.list().map((a) => alertText(a, locale)), ...this.#transient];
  }

  #publishNotices(): void {
    this.post({ type: 'notices', notices: this.#noticeTexts(this.#machine.ctx.locale), at: this.#o.clock.now() });
  }

  /** The merchant read the notice on screen (CLEAR on home): an alert is forgotten durably. */
  async #dismiss(shown: string | undefined): Promise<void> {
    // The notice the merchant saw, not whatever is first by now: a second
    // CLEAR pressed before the first one's write is done (the screen still
    // shows the same notice) must not dismiss the next alert unseen.
    const alert = this.#o.alerts.list().find((a) => alertText(a, this.#machine.ctx.locale) === shown);
    if (alert) await this.#o.alerts.remove(alert.id);
    else if (shown !== undefined && this.#transient.includes(shown) && !(await this.printerWatch.dismiss(shown))) {
      this.#transient = this.#transient.filter((n) => n !== shown);
    }
    this.#publishNotices();
  }

  /**
   * Finishes what is under way — a submission's answer is still shown and its
   * receipts printed — then stops. Keys and scans are no longer taken.
   */
  async stop(): Promise<void> {
    if (!this.#running || this.#stopping) return;
    this.#stopping = true;
    this.replayer.stop();
    this.housekeeping.stop();
    this.selfTest.stop();
    this.printerWatch.stop();
    await this.settled();
    this.#running = false;
    for (const stop of this.#stops.splice(0)) stop();
    const { devices } = this.#o;
    await devices.keypad.stop();
    await devices.scanner.stop();
    await devices.link.stop();
    await devices.printer.stop();
    await devices.indicators.stop();
    await devices.display.stop();
  }

  /** Feeds one event to the machine, redraws, and starts the effects it asked for. */
  post(event: Event): void {
    if (!this.#running) return;
    const { machine, effects } = transition(this.#machine, event);
    this.#machine = machine;
    this.#render();
    for (const effect of effects) this.#run(effect);
  }

  /** Resolves when every effect started so far has finished (tests and orderly shutdown). */
  async settled(): Promise<void> {
    while (this.#inFlight.size) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * A transaction the replayer settled, not on the merchant's screen: a
   * refund declined on replay is brought to the merchant's attention (home
   * notice, a slip) and to ops (`replay_declined`); a sale whose result
   * followed gets its receipts.
   */
  #settledInBackground({ record, before }: Settled): void {
    const { clock, devices, config } = this.#o;
    const at = clock.now();
    const ctx = this.#machine.ctx;
    const words = messages(ctx.locale);
    const money = formatCents(record.txn.amountCents, ctx.locale, record.txn.currency);
    let notice: string | undefined;
    let docs: Effect[] = [];
    if (record.txn.type === 'refund' && record.state === 'declined') {
      // The home-screen alert was stored before the decline was (beforeBackgroundDecline).
      docs = receiptsFor(record, ctx, { copies: ['merchant'] });
      void devices.link.publish('events', {
        type: 'replay_declined',
        at: new Date(at).toISOString(),
        txnId: record.txn.id,
        orderId: record.txn.orderId,
        amountCents: record.txn.amountCents,
        code: record.result?.code,
        terminalId: config.terminal.id,
      });
    } else if (record.txn.type === 'refund' && before === 'processing' && record.state === 'approved') {
      // The customer left with a "result to follow" slip: the answer gets its receipts.
      docs = receiptsFor(record, ctx);
    } else if (record.txn.type === 'sale' && before !== record.state && record.state !== 'processing') {
      notice = words.saleFollowed(record.txn.orderId, money, words.stateWord[record.state]);
      if (record.state === 'approved') docs = receiptsFor(record, ctx);
    }
    if (notice) this.#notice(notice);
    for (const doc of docs) this.#run(doc);
  }

  /** Keeps a background job in the set stop() waits for. */
  #track(job: Promise<void>): void {
    const tracked = job.catch((err: unknown) => this.#o.logger.error({ err }, 'background job failed')).finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  #render(): void {
    const frame = view(this.#machine);
    const key = frame.rows.join('\n') + '|' + (frame.emphasis ?? []).join(',');
    if (key === this.#lastFrame) return;
    this.#lastFrame = key;
    this.#o.devices.display.render(frame);
  }

  #run(effect: Effect): void {
    const { devices } = this.#o;
    if (effect.type === 'signal') return devices.indicators.signal(effect.signal);
    if (effect.type === 'dismissNotices') {
      this.#track(this.#dismiss(effect.notice));
      return;
    }
    const job = this.#perform(effect)
      .then((event) => {
        if (event) this.post(event);
      })
      .catch((err: unknown) => this.#o.logger.error({ err, effect: effect.type }, 'effect failed'))
      .finally(() => this.#inFlight.delete(job));
    this.#inFlight.add(job);
  }

  async #perform(effect: Exclude<Effect, { type: 'signal' | 'dismissNotices' }>): Promise<Event | void> {
    const { devices, clock, ledger, logger } = this.#o;
    const at = () => clock.now();
    switch (effect.type) {
      case 'lookupOrder': {
        const lookup = await this.orders.lookup(effect.orderId).catch((err: unknown) => {
          logger.error({ err, orderId: effect.orderId }, 'order lookup failed');
          return { ok: false as const, reason: 'error' as const, detail: String(err) };
        });
        return { type: 'order', orderId: effect.orderId, lookup, at: at() };
      }
      case 'verifyPin': {
        const outcome = await this.pins.check(effect.role, effect.pin).catch((err: unknown): PinOutcome => {
          // A lockout that cannot be stored must not open the door: refuse this try.
          logger.error({ err }, 'PIN check failed');
          return { result: 'error' };
        });
        return { type: 'pin', outcome, role: effect.role, at: at() };
      }
      case 'submit': {
        let outcome;
        try {
          outcome = await this.submitter.submit(effect.draft);
        } catch (err) {
          // Whatever was recorded stays in the outbox; the screen must not wait forever.
          logger.error({ err }, 'submission failed');
          return { type: 'refused', refusal: { reason: 'storage', detail: String(err) }, at: at() };
        }
        if (outcome.kind === 'refused') return { type: 'refused', refusal: outcome.refusal, at: at() };
        return { type: 'txn', record: outcome.record, ...(outcome.notified ? { notified: outcome.notified } : {}), at: at() };
      }
      case 'print':
        // Never holds up what asked for it: a receipt that fails is kept, and the home screen says so.
        await this.printerWatch.print(effect.doc);
        return;
      case 'printKept':
        await this.printerWatch.printKept();
        return;
      case 'selfTest':
        return { type: 'selfTestReport', report: await this.selfTest.local(effect.done, effect.automatic), at: at() };
      case 'loadTxns':
        return { type: 'txns', records: await ledger.recent(effect.limit), at: at() };
      case 'settle': {
        if (effect.kind === 'X') return { type: 'report', report: await this.settlement.x(), at: at() };
        const z = await this.settlement.z();
        return z.ok ? { type: 'report', report: z.report, at: at() } : { type: 'report_failed', reason: z.reason, at: at() };
      }
      case 'sync':
        await this.replayer.drain();
        return { type: 'synced', queued: ledger.outbox().length, at: at() };
    }
  }
}

/** The home-screen text of a replay-decline alert (shown, and matched when dismissed). */
function alertText(a: Alert, locale: Ctx['locale']): string {
  return messages(locale).replayDeclined(a.orderId, formatCents(a.amountCents, locale, a.currency), a.code);
}

export const APP_VERSION = 'scanpos/0.1.0';

/** What `status` messages carry besides the state (PROTOCOL.md). */
export function statusInfo(ledger: Ledger, configVersion: number | null = null): { app: string; configVersion: number | null; queue: { pending: number; oldestAt: string | null } } {
  const oldest = ledger.oldestPending();
  return {
    app: APP_VERSION,
    configVersion,
    queue: { pending: ledger.outboxSize(), oldestAt: oldest?.txn.createdAt ?? null },
  };
}
