// Thousands of random ledger operations on a file system that loses power at
// random points (power-fs.ts): after each cut the ledger is reopened from
// what the disk kept, and every acknowledged operation must be there, and
// nothing else (power-model.ts). POWER_CUT_SEED=n repeats a run.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Txn, TxnResult } from '../../src/domain/types.ts';
import { BusinessCalendar } from '../../src/ledger/business-day.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { Model, Versions } from './power-model.ts';
import { PowerFs, seeded, type Image, type Random } from './power-fs.ts';
import { order, result } from './helpers.ts';

const test = suite('ledger/power cuts');

const SEED = Number(process.env.POWER_CUT_SEED ?? 20261127);
const SESSIONS = Number(process.env.POWER_CUT_SESSIONS ?? 150);
const TIMEZONE = 'Asia/Shanghai';

interface Run {
  rng: Random;
  model: Model;
  ledger: Ledger;
  fs: PowerFs;
  clock: { now: number };
  counter: { id: number; ops: number; failures: string[]; recoveries: string[]; renames: number };
}

/** One random operation: asks for it in the model, and records its acknowledgement when it resolves. */
function operation(run: Run, busy: Set<string>): Promise<unknown> | undefined {
  const { rng, model, ledger, clock } = run;
  clock.now += rng.chance(0.02) ? rng.int(1, 3) * 86_400_000 : rng.int(0, 30) * 60_000;
  const at = new Date(clock.now);
  const queued = new Set(ledger.outbox().map((r) => r.txn.id));
  const pending = [...model.txns.values()].filter((t) => t.rank < 2 && !busy.has(t.txn.id) && queued.has(t.txn.id));
  const pick = rng.next();
  if (pick < 0.25 || pending.length === 0) {
    const txn = newTxn(run, at);
    busy.add(txn.id);
    const m = model.noteRecordAsked(txn);
    return ledger.record(txn).then(() => void (m.recorded = true));
  }
  const m = pending[rng.int(0, pending.length - 1)]!;
  busy.add(m.txn.id);
  if (pick < 0.35) {
    m.maxAttempts++;
    return ledger.noteAttempt(m.txn.id).then((r) => void (m.attempts = Math.max(m.attempts, r.attempts)));
  }
  if (pick < 0.7) {
    const status = rng.chance(0.7) ? 'approved' : rng.chance(0.5) ? 'declined' : 'processing';
    const answer: TxnResult = result(m.txn.id, { status, code: status === 'approved' ? 'OK' : 'X', ...(rng.chance(0.5) ? { order: order(`S-${rng.int(1, 9)}`) } : {}) });
    if (status === 'processing') m.processingAsked = true;
    else m.finalAsked = true;
    return ledger.settle(m.txn.id, answer).then((r) => {
      m.rank = Math.max(m.rank, status === 'processing' ? 1 : 2);
      if (status !== 'processing') m.final = r;
    });
  }
  busy.delete(m.txn.id);
  if (pick < 0.77) {
    const id = `P-${rng.int(1, 6)}`;
    const next = order(id, { refundedCents: rng.int(0, 900) });
    const versions = getOr(model.orders, id, () => new Versions());
    versions.ask(next);
    return ledger.putOrder(next).then(() => versions.ack(next));
  }
  if (pick < 0.82) {
    const role = rng.chance(0.5) ? 'supervisor' : 'technician';
    const next = rng.chance(0.3) ? { failures: 0 } : { failures: rng.int(1, 3), ...(rng.chance(0.5) ? { lockedUntil: at.toISOString() } : {}) };
    const versions = getOr(model.lockouts, role, () => new Versions());
    versions.ask(next);
    return ledger.setLockout(role, next).then(() => versions.ack(next));
  }
  if (pick < 0.86) {
    model.sale.asked++;
    return ledger.nextSaleSequence().then((n) => void (model.sale.acked = Math.max(model.sale.acked, n)));
  }
  if (pick < 0.88) {
    model.closes.asked++;
    return ledger.closeBatch(at.toISOString()).then((b) => void (model.closes.acked = Math.max(model.closes.acked, b.number)));
  }
  if (pick < 0.9) {
    const report = { batch: rng.int(1, 4), n: rng.int(0, 1e6), savedAt: clock.now };
    const versions = getOr(model.reports, report.batch, () => new Versions());
    versions.ask(report);
    return ledger.saveReport(report).then(() => versions.ack(report));
  }
  if (pick < 0.91) {
    const keepDays = rng.int(2, 10);
    model.notePrune(keepDays, at);
    return ledger.prune({ keepDays, now: at });
  }
  // Reads: they must work whatever state the files are in.
  return rng.chance(0.5) ? ledger.recent(rng.int(1, 30)) : ledger.find(m.txn.id);
}

function newTxn(run: Run, at: Date): Txn {
  const n = ++run.counter.id;
  const digits = String(run.rng.int(0, 1e15)).padStart(16, '0');
  return {
    id: `R${String(n).padStart(6, '0')}`,
    type: run.rng.chance(0.85) ? 'refund' : 'sale',
    orderId: `O-${run.rng.int(1, 5)}`,
    amountCents: run.rng.int(1, 50_000),
    currency: 'CNY',
    channel: 'wechat',
    payCode: `13${digits}`,
    createdAt: at.toISOString(),
    offline: run.rng.chance(0.5),
    terminalId: 'T1001',
    operator: 'supervisor',
  };
}

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  if (!map.has(key)) map.set(key, make());
  return map.get(key)!;
}

async function session(run: Omit<Run, 'ledger'>, cutDuringOpen: boolean): Promise<void> {
  const { rng, fs, clock } = run;
  if (cutDuringOpen) fs.armCut(rng.int(1, 40));
  let ledger: Ledger;
  try {
    let recovered: Array<{ reason: string }>;
    ({ ledger, recovered } = await Ledger.open({
      dir: '/data',
      timezone: TIMEZONE,
      now: () => new Date(clock.now),
      fs,
      maxOrders: 10_000,
      compaction: { minBytes: 1500, factor: 2, quietMs: rng.chance(0.5) ? 0 : 5 },
      scrubDelayMs: 0,
    }));
    run.counter.recoveries.push(...recovered.map((r) => r.reason));
  } catch (error) {
    if (fs.dead) return;
    throw error;
  }
  // The power may have gone in the background (a scrub started at open) while open itself got through.
  if (fs.dead) return;
  fs.armCut(Infinity); // the check itself runs with the power on
  await run.model.check(ledger);
  fs.armCut(rng.int(1, 500));
  const full: Run = { ...run, ledger };
  for (let i = 0; i < 80 && !fs.dead; i++) {
    const busy = new Set<string>();
    // Several at once, as a replay window settles them: answers and attempts group into one write.
    const calls = Array.from({ length: rng.int(1, 6) }, () => operation(full, busy));
    const outcomes = await Promise.allSettled(calls);
    run.counter.ops += calls.length;
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected' && !fs.dead) run.counter.failures.push(String(outcome.reason?.stack ?? outcome.reason));
    }
  }
  if (!fs.dead && rng.chance(0.3)) await ledger.close().catch((error) => void (fs.dead || run.counter.failures.push(String(error))));
}

test('no acknowledged operation is lost and nothing unasked appears, across random power cuts', async () => {
  const rng = seeded(SEED);
  const model = new Model(new BusinessCalendar(TIMEZONE));
  const clock = { now: Date.parse('2026-11-20T01:00:00.000Z') };
  const counter = { id: 0, ops: 0, failures: [] as string[], recoveries: [] as string[], renames: 0 };
  let image: Image = new Map();
  for (let i = 0; i < SESSIONS; i++) {
    const fs = new PowerFs(image);
    try {
      await session({ rng, model, fs, clock, counter }, rng.chance(0.1));
    } catch (error) {
      throw new Error(`seed ${SEED}, session ${i}: ${(error as Error).message}`, { cause: error });
    }
    assert.equal(counter.failures, [], `seed ${SEED}, session ${i}: operations failed before the cut`);
    counter.renames += fs.counts.renames;
    image = fs.crash(rng);
  }
  // The last image must open and check too.
  await session({ rng, model, fs: new PowerFs(image), clock, counter }, false);
  assert.ok(counter.ops > 3000, `only ${counter.ops} operations ran`);
  // The cuts did hit writes in flight: torn journal tails were met and cut off.
  const seen = (pattern: RegExp) => counter.recoveries.filter((reason) => pattern.test(reason)).length;
  assert.ok(seen(/torn tail/) > 5, `torn tails: ${seen(/torn tail/)}`);
  assert.is(seen(/damaged record/), 0, 'a power cut never damages a record that was acknowledged');
  if (process.env.POWER_CUT_VERBOSE) {
    console.log({ seed: SEED, sessions: SESSIONS, operations: counter.ops, tornTails: seen(/torn tail/), renames: counter.renames, interruptedCompactions: seen(/file missing/), recoveries: counter.recoveries.length });
  }
});

test.run();
