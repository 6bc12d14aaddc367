// The self-test as the runtime carries it out: the automatic tests (printer,
// network, storage, indicators) after the interactive ones a technician did
// on screen, the same run for ops (`trigger: remote`, interactive tests
// skipped), and the quick check at every start (storage, printer status,
// network) whose failures become home-screen notices. Every report is
// published retained on `selftest`; one that could not be published goes
// out at the next connection.
//
// A remote run never disturbs a transaction on screen: while the screen is
// busy it prints no test page and plays no signal.
import type { Config } from '../../../config/schema.ts';
import {
  buildReport,
  INTERACTIVE_TESTS,
  NEEDS_TECHNICIAN,
  reportPayload,
  testPageDocument,
  type AutomaticTest,
  type SelfTestReport,
  type SelfTestResult,
  type SelfTestTrigger,
} from '../../domain/selftest.ts';
import { messages } from '../../domain/i18n/index.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { Devices } from '../../runtime/devices.ts';
import type { Logger } from '../../runtime/log.ts';
import type { HostClient } from '../../sync/host-client.ts';
import { checkIndicators } from './indicators.ts';
import { checkNetwork } from './network.ts';
import type { Printer } from '../../../hal/printer/types.ts';
import { checkPrinter } from './printer.ts';
import { runChecks, type Check, type CheckOutcome } from './runner.ts';
import { checkStorage } from './storage.ts';

export interface SelfTestOptions {
  config: Config;
  devices: Devices;
  ledger: Pick<Ledger, 'freeBytes'>;
  host: Pick<HostClient, 'time'>;
  clock: Clock;
  logger: Logger;
  /** Something other than the home screen is on the display (a transaction, a settlement). */
  busy: () => boolean;
  /** Adds and/or removes a home-screen notice. */
  notice: (add: string | undefined, remove?: string) => void;
  /** How the printer is asked (default the device itself; the terminal's printer watch shares its queries). */
  printer?: Pick<Printer, 'status' | 'print'>;
}

/** A check that hangs past this is failed. */
const CHECK_TIMEOUT_MS = 30_000;
/** How long the start-up check waits for the broker before calling the network failed. */
export const BOOT_NETWORK_WAIT_MS = 15_000;

export class SelfTest {
  readonly #o: SelfTestOptions;
  /** The last report that could not be published (a newer one replaces it). */
  #unpublished: SelfTestReport | undefined;
  #bootNotices: string[] = [];
  #stopped = false;
  readonly #aborts = new Set<() => void>();

  constructor(options: SelfTestOptions) {
    this.#o = options;
    options.devices.link.onStatus((s) => {
      if (s.connected && this.#unpublished) void this.#publish(this.#unpublished);
    });
  }

  /**
   * At the terminal: the automatic tests after the interactive results the
   * screens collected (`automatic: false` when the technician chose one
   * interactive test alone).
   */
  async local(done: readonly SelfTestResult[], automatic: boolean): Promise<SelfTestReport> {
    const page = testPageDocument(this.#docContext());
    const plan: Array<[AutomaticTest, Check]> = automatic
      ? [
          ['printer', () => checkPrinter(this.#printer, { page })],
          ['network', () => this.#network(false)],
          ['storage', () => this.#storage(true)],
          ['indicators', () => checkIndicators(this.#o.devices.indicators, { fitted: this.#indicatorsFitted() })],
        ]
      : [];
    return this.#finish('local', [...done, ...(await this.#run(plan))]);
  }

  /** For ops (`remote`) or at start-up (`boot`); resolves once the report is made (published or pending). */
  async run(trigger: Exclude<SelfTestTrigger, 'local'>): Promise<SelfTestReport> {
    if (trigger === 'boot') return this.#boot();
    const busy = this.#o.busy();
    const skipped = INTERACTIVE_TESTS.map((name): SelfTestResult => ({ name, status: 'skipped', ms: 0, detail: NEEDS_TECHNICIAN }));
    const page = busy ? undefined : testPageDocument(this.#docContext());
    const results = await this.#run([
      ['printer', () => checkPrinter(this.#printer, page ? { page } : { noPageReason: 'no test page: a transaction is on screen' })],
      ['network', () => this.#network(false)],
      ['storage', () => this.#storage(true)],
      ['indicators', async (): Promise<CheckOutcome> =>
        this.#indicatorsFitted()
          ? { status: 'skipped', detail: `LEDs and buzzer give no feedback: ${NEEDS_TECHNICIAN}` }
          : checkIndicators(this.#o.devices.indicators, { fitted: false })],
    ]);
    return this.#finish(trigger, [...skipped, ...results]);
  }

  /** Ends waits in progress (the terminal is stopping). */
  stop(): void {
    this.#stopped = true;
    for (const abort of [...this.#aborts]) abort();
  }

  async #boot(): Promise<SelfTestReport> {
    const results = await this.#run([
      ['storage', () => this.#storage(false)],
      ['printer', () => checkPrinter(this.#printer, { noPageReason: 'status only at start-up' })],
      ['network', () => this.#network(true)],
    ]);
    const report = await this.#finish('boot', results);
    this.#showBootWarnings(report);
    return report;
  }

  /** Failed start-up tests on the home screen; those of an earlier start-up check go. */
  #showBootWarnings(report: SelfTestReport): void {
    const w = messages(this.#o.config.terminal.locale).selftest;
    for (const old of this.#bootNotices.splice(0)) this.#o.notice(undefined, old);
    for (const test of report.tests) {
      // The printer watch owns the printer's notice (and clears it when paper
      // is loaded); a second, stale one from the boot check would only confuse.
      if (test.status !== 'fail' || test.name === 'printer') continue;
      const text = w.bootWarning(w.names[test.name], test.detail);
      this.#bootNotices.push(text);
      this.#o.notice(text);
    }
  }

  get #printer(): Pick<Printer, 'status' | 'print'> {
    return this.#o.printer ?? this.#o.devices.printer;
  }

  #run(plan: ReadonlyArray<readonly [AutomaticTest, Check]>): Promise<SelfTestResult[]> {
    return runChecks(plan, { now: () => this.#o.clock.now(), timeoutMs: CHECK_TIMEOUT_MS });
  }

  async #finish(trigger: SelfTestTrigger, tests: SelfTestResult[]): Promise<SelfTestReport> {
    const report = buildReport(trigger, tests, this.#o.clock.now());
    const log = report.ok ? this.#o.logger.info.bind(this.#o.logger) : this.#o.logger.warn.bind(this.#o.logger);
    log({ trigger, tests: report.tests.map((t) => `${t.name}:${t.status}`) }, report.ok ? 'self-test passed' : 'self-test found problems');
    await this.#publish(report);
    return report;
  }

  async #publish(report: SelfTestReport): Promise<void> {
    this.#unpublished = report;
    const sent = await this.#o.devices.link.publish('selftest', reportPayload(report), { retain: true }).catch((err: unknown) => {
      // The report is still shown and printed; it goes to ops at the next connection.
      this.#o.logger.warn({ err }, 'self-test report not published');
      return false;
    });
    if (sent && this.#unpublished === report) this.#unpublished = undefined;
  }

  async #network(waitForBroker: boolean): Promise<CheckOutcome> {
    const { devices, host, clock } = this.#o;
    if (waitForBroker) await this.#connected(BOOT_NETWORK_WAIT_MS);
    return checkNetwork({ link: devices.link, host, now: () => clock.now() });
  }

  #storage(ledgerFiles: boolean): Promise<CheckOutcome> {
    const { config, ledger } = this.#o;
    return checkStorage({ dir: config.storage.dir, minFreeBytes: config.storage.minFreeBytes, freeBytes: () => ledger.freeBytes(), ledgerFiles });
  }

  /** Resolves when the link is up, after `ms`, or when the terminal stops. */
  #connected(ms: number): Promise<void> {
    const { link } = this.#o.devices;
    if (link.status().connected || this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        stopWatching();
        stopTimer();
        this.#aborts.delete(done);
        resolve();
      };
      const stopWatching = link.onStatus((s) => s.connected && done());
      const stopTimer = this.#o.clock.every(ms, done);
      this.#aborts.add(done);
    });
  }

  #indicatorsFitted(): boolean {
    return this.#o.config.indicators.driver !== 'none';
  }

  #docContext() {
    const { terminal } = this.#o.config;
    return { locale: terminal.locale, timezone: terminal.timezone, terminalId: terminal.id, merchantName: terminal.merchantName };
  }
}
