// The crash harness: a terminal (child process, simulated devices driven
// over its control channel) refunding against a real broker and the reference
// host, while the cable is pulled at random and the terminal is SIGKILLed at
// random moments — during start-up, between screens, right after OK on the
// confirm screen — and started again. At the end the link is restored, the
// terminal started once more to drain its outbox, and the run is judged:
// every refund shown APPROVED or QUEUED at the host exactly once, nothing at
// the host the terminal did not record, every data file readable.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundleTerminal } from './bundle.ts';
import { startChaos } from './chaos.ts';
import { verdict, type Verdict } from './check.ts';
import { TerminalChild } from './child.ts';
import { Driver } from './driver.ts';
import { openHostState, openLedger, parseEveryFile, type FileReport } from './files.ts';
import { OrderPicker, payCode, planLife } from './plan.ts';
import { seeded } from './random.ts';
import { screenOf } from './screens.ts';
import { REFUNDS_PER_ORDER, TERMINAL_ID, startStack, type BrokerName, type Stack } from './stack.ts';
import { Witness } from './witness.ts';

export interface CrashOptions {
  kills: number;
  seed: number;
  broker: BrokerName;
  /** A terminal killed on a timer lives up to this long (default 1500 ms). */
  maxLifeMs?: number;
  /**
   * Some orders are declined by the host (default true), so that queued
   * refunds declined later must be shown to the merchant; false: every
   * refund ends approved (after SYSTEM_ERROR or "processing" for some).
   */
  declines?: boolean;
  /** Keep the run folder (logs, data, receipts) even when the run passes. */
  keep?: boolean;
  /** Progress lines. */
  progress?: (line: string) => void;
}

export interface CrashReport extends Verdict {
  seed: number;
  kills: number;
  /** Of which right after OK on the confirm screen. */
  midSubmission: number;
  lives: number;
  drops: number;
  hostRestarts: number;
  files: FileReport;
  /** Everything else that is wrong: the terminal exiting by itself, an outbox left over, disagreements… */
  problems: string[];
  /** Refunds shown with each word; `notices`: queued refunds whose decline was told on the home screen. */
  words: Record<string, number>;
  notices: number;
  /** Screens that did not follow a key in time (the terminal alive but slow or stuck). */
  stalls: string[];
  ms: number;
  /** The run folder, when kept. */
  dir?: string;
  ok: boolean;
}

const DRAIN_MS = 60_000;
/** Lives in a row that end without a kill before the run gives up (a terminal that cannot start). */
const MAX_SELF_EXITS = 5;

export async function runCrash(options: CrashOptions): Promise<CrashReport> {
  const started = Date.now();
  const say = options.progress ?? (() => {});
  const maxLifeMs = options.maxLifeMs ?? 1500;
  // Independent streams, so that a timing difference in one does not reshuffle the others.
  const killRandom = seeded(options.seed);
  const netRandom = seeded(options.seed ^ 0x5bd1e995);
  const dir = mkdtempSync(join(tmpdir(), 'scanpos-crash-'));
  const bundle = await bundleTerminal();
  say(`seed ${options.seed}, ${options.broker}${options.declines === false ? ', no declining orders' : ''}, terminal bundled in ${bundle.ms} ms, run folder ${dir}`);
  const stack = await startStack({ dir, broker: options.broker, orders: Math.ceil((options.kills * 15) / REFUNDS_PER_ORDER) + 8, declines: options.declines ?? true });
  const log = createWriteStream(join(dir, 'terminal.log'), { flags: 'a' });
  // Every frame of every life, as evidence: what the merchant saw, and when.
  const framesLog = createWriteStream(join(dir, 'frames.log'), { flags: 'a' });
  const witness = new Witness();
  const problems: string[] = [];
  const stalls: string[] = [];
  const orders = new OrderPicker(stack.orders);
  let codes = 0;
  let child: TerminalChild | undefined;
  let lives = 0;
  const spawn = () => {
    lives++;
    const life = lives;
    log.write(`--- life ${life} ${new Date().toISOString()} ---\n`);
    child = new TerminalChild({
      entry: bundle.entry,
      configFile: stack.configFile,
      log,
      onFrame: (text) => {
        framesLog.write(`${new Date().toISOString()} life ${life}: ${text.replace(/\s*\n\s*/g, ' | ')}\n`);
        witness.frame(text);
      },
      onKill: (why) => {
        const line = `--- SIGKILL life ${life} ${new Date().toISOString()}: ${why} ---\n`;
        log.write(line);
        framesLog.write(line);
      },
    });
    return child;
  };
  const events = {
    typed: (orderId: string, cents: number) => witness.typedAmount(orderId, cents),
    confirmed: (orderId: string, cents: number) => {
      witness.confirmedAmount(orderId, cents);
      orders.used(orderId);
    },
    stalled: (what: string, shown: string) => stalls.push(`life ${lives}: waited for ${what}; shown: ${shown.replace(/\s*\n\s*/g, ' | ')}`),
  };
  let amount = 0;
  const nextAmount = () => ++amount;

  let kills = 0;
  let midSubmission = 0;
  let selfExits = 0;
  const chaos = startChaos(stack, netRandom);
  try {
    while (kills < options.kills) {
      const t = spawn();
      const plan = planLife(killRandom, maxLifeMs);
      const timers = [
        ...(plan.mode === 'timer' ? [setTimeout(() => void t.kill(`${plan.atMs} ms after start`), plan.atMs)] : []),
        // A terminal that never reaches a confirm screen (offline, orders unknown) dies anyway.
        setTimeout(() => void t.kill('no confirm screen in time'), maxLifeMs * 4),
      ];
      await t.ready.catch(() => {});
      const driver = new Driver(t, events);
      let confirms = 0;
      while (t.alive) {
        const order = orders.pick();
        const killNow = plan.mode === 'confirm' && confirms + 1 >= plan.nth;
        const end = await driver.refund({
          orderId: order.orderId,
          amount: nextAmount,
          code: payCode(order.channel, ++codes),
          ...(killNow ? { killAfterConfirmMs: plan.delayMs } : {}),
        });
        if (end === 'killed') midSubmission++;
        if (end === 'result' || end === 'killed') confirms++;
        // A refusal (order unknown while offline…) is quick: do not spin on it.
        if (end === 'refused') await sleep(20);
      }
      await t.gone();
      for (const timer of timers) clearTimeout(timer);
      problems.push(...t.errors.map((e) => `life ${lives}: control channel: ${e}`));
      if (t.killed) {
        kills++;
        selfExits = 0;
      } else {
        problems.push(`life ${lives}: the terminal exited by itself (${t.exit}); see terminal.log`);
        if (++selfExits >= MAX_SELF_EXITS) throw new Error(`the terminal exited by itself ${selfExits} times in a row: see ${join(dir, 'terminal.log')}`);
      }
      if (kills % 50 === 0 && t.killed) say(`kills ${kills}/${options.kills}, refunds shown ${witness.promised().length}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }

    // The end: network back, host up, one more start to let the terminal drain its outbox.
    await chaos.stop();
    stack.cable.restore();
    if (!stack.host) await stack.startHost();
    const last = spawn();
    await last.ready.catch((err: Error) => problems.push(`the last start failed: ${err.message}`));
    const drained = await last
      .waitFor((text) => screenOf(text) === 'home' && /ONLINE/.test(text) && /No refunds queued/.test(text), DRAIN_MS, 'home ONLINE with no refunds queued')
      .then(() => true)
      .catch((err: Error) => (problems.push(`the outbox did not drain: ${err.message}`), false));
    if (drained) await last.stop();
    else await last.kill('the outbox did not drain');
    problems.push(...last.errors.map((e) => `last life: control channel: ${e}`));
    if (!last.killed && last.exit !== 'exit code 0') problems.push(`the last start ended with ${last.exit}`);

    return await judge({ stack, witness, problems, stalls, options, started, kills, midSubmission, lives, chaos, dir });
  } finally {
    await chaos.stop();
    if (child?.alive) await child.kill('the harness is stopping');
    await new Promise<void>((resolve) => log.end(() => resolve()));
    await new Promise<void>((resolve) => framesLog.end(() => resolve()));
    await stack.stop().catch(() => {});
    await bundle.remove();
  }
}

interface JudgeInput {
  stack: Stack;
  witness: Witness;
  problems: string[];
  stalls: string[];
  options: CrashOptions;
  started: number;
  kills: number;
  midSubmission: number;
  lives: number;
  chaos: { drops: number; hostRestarts: number };
  dir: string;
}

async function judge(input: JudgeInput): Promise<CrashReport> {
  const { stack, witness, problems } = input;
  const files: FileReport = { checked: 0, interrupted: 0, bad: [], notes: [] };
  // As the terminal left them, before anything opens (and rewrites) them.
  await parseEveryFile(stack.terminalDir, files);
  const opened = await openLedger(stack.terminalDir, 'Asia/Shanghai', files);
  const host = stack.host!;
  const hostTxns = host.store.allTxns().filter((s) => s.txn.terminalId === TERMINAL_ID);
  const result = await verdict({ witness, hostTxns, ledgerRecord: async (id) => opened?.ledger.find(id) });
  if (opened) {
    const left = opened.ledger.outbox();
    if (left.length) problems.push(`${left.length} transaction(s) still in the outbox after the drain: ${left.map((r) => r.txn.id).join(', ')}`);
    await opened.ledger.close();
  }
  const hostCount = host.store.allTxns().length;
  await stack.stopHost();
  const reread = await openHostState(stack.hostDir, files);
  if (reread !== undefined && reread !== hostCount) problems.push(`the host held ${hostCount} transactions, its state read back has ${reread}`);
  problems.push(...result.details.filter((d) => d.startsWith('DISAGREE')));
  problems.push(...witness.unreadable.map((u) => `unreadable frame: ${u}`));
  const ok = result.lost + result.duplicated + result.unrecorded === 0 && files.bad.length === 0 && problems.length === 0;
  const keep = input.options.keep || !ok;
  if (!keep) rmSync(input.dir, { recursive: true, force: true });
  return {
    ...result,
    seed: input.options.seed,
    kills: input.kills,
    midSubmission: input.midSubmission,
    lives: input.lives,
    drops: input.chaos.drops,
    hostRestarts: input.chaos.hostRestarts,
    files,
    problems,
    stalls: input.stalls,
    words: witness.tally(),
    notices: witness.noticed.size,
    ms: Date.now() - input.started,
    ...(keep ? { dir: input.dir } : {}),
    ok,
  };
}
