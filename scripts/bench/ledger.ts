// The ledger on the real disk: recording one refund durably with 100, 10 000
// and 100 000 transactions of history, against a plain append + fdatasync of
// the same bytes in the same folder (the physical floor); the syncs a refund
// costs; the bytes a refund's whole life writes at steady state (the
// process's own wchar, and the ledger's file layer beside it); start-up.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Order, Txn, TxnRecord } from '../../src/domain/types.ts';
import { BusinessCalendar, shiftDay } from '../../src/ledger/business-day.ts';
import { nodeFileSystem, type FileSystem } from '../../src/ledger/fs.ts';
import { encodeHeader, encodeLine, recordJson } from '../../src/ledger/journal-format.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { figure, percentile, type Figure } from './stats.ts';

const TIMEZONE = 'Asia/Shanghai';
const PER_DAY = 300;
/** Transactions already in today's segment, whatever the history. */
const TODAY = 100;
const HISTORIES = [100, 10_000, 100_000] as const;
const STEADY_REFUNDS = 1000;

export async function ledgerBench(options: { samples: number }): Promise<Figure[]> {
  // p99 needs enough samples to be more than the few worst hiccups of the disk.
  const samples = Math.max(1000, options.samples);
  const dirs = HISTORIES.map((history) => {
    const dir = mkdtempSync(join(tmpdir(), 'scanpos-bench-ledger-'));
    seedHistory(dir, history);
    return dir;
  });
  try {
    // Interleaved, so that the disk's and the machine's drift falls on every history alike.
    const opens = await timeOpens(dirs);
    const runs = await recordRuns(dirs, samples);
    const steady = await steadyState(dirs.at(-1)!);
    const figures: Figure[] = [];
    HISTORIES.forEach((history, i) => {
      const { record, floor } = runs[i]!;
      const label = `${history.toLocaleString('en-US').replace(/,/g, ' ')} history`;
      figures.push(
        figure(`ledger record p50, ${label}`, record.p50, 'ms', { name: 'append+fdatasync p50', value: floor.p50 }, '≤ 3×'),
        figure(`ledger record p99, ${label}`, record.p99, 'ms', { name: 'append+fdatasync p99', value: floor.p99 }, '≤ 3×'),
      );
    });
    const [small, large] = [runs[0]!, runs.at(-1)!];
    figures.push(
      figure('ledger record p50, 100 000 vs 100 history', large.record.p50, 'ms', { name: '100 history', value: small.record.p50 }, '≤ 1.2×'),
      figure('ledger record p99, 100 000 vs 100 history', large.record.p99, 'ms', { name: '100 history', value: small.record.p99 }, '≤ 1.2×'),
      figure('ledger fsyncs per refund recorded (critical path)', large.syncsPerRecord, 'fsync', { name: 'plain append', value: 1 }, '≤ 2'),
      figure('ledger fsyncs for one record, most seen', Math.max(...runs.map((r) => r.maxSyncsPerRecord)), 'fsync', undefined, '≤ 2'),
      figure('ledger fsyncs per refund, whole life (record+attempt+settle)', steady.syncs, 'fsync'),
      figure(`ledger bytes written per refund (wchar, ${STEADY_REFUNDS} refunds)`, steady.wchar, 'B', { name: 'file layer count', value: steady.layer }, '≤ 16384 B'),
      figure('ledger start-up (open), 100 000 history', opens.at(-1)!, 'ms', { name: '100 history', value: opens[0]! }, '≤ 1.2×'),
    );
    return figures;
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Records refunds one at a time in each ledger in turn, each followed by the
 * plain append + fdatasync of as many bytes as the record wrote; each refund
 * is then answered (untimed) so the outbox stays the size of a shop's.
 */
async function recordRuns(dirs: string[], samples: number) {
  const runs = await Promise.all(
    dirs.map(async (dir) => {
      const fs = countingFs();
      const { ledger } = await Ledger.open({ dir, timezone: TIMEZONE, fs });
      const floorFile = await open(join(dir, 'floor.bin'), 'a');
      return { fs, ledger, floorFile, record: [] as number[], floor: [] as number[], syncs: [] as number[] };
    }),
  );
  try {
    for (let i = 0; i < samples + 20; i++) {
      for (let k = 0; k < runs.length; k++) {
        const run = runs[(i + k) % runs.length]!;
        const txn = refund(`B${i}`);
        const before = { ...run.fs.counts };
        const t0 = performance.now();
        await run.ledger.record(txn);
        const elapsed = performance.now() - t0;
        const bytes = Buffer.alloc(run.fs.counts.bytes - before.bytes, 0x41);
        const t1 = performance.now();
        await run.floorFile.write(bytes);
        await run.floorFile.datasync();
        const floorElapsed = performance.now() - t1;
        if (i >= 20) {
          run.record.push(elapsed);
          run.floor.push(floorElapsed);
          run.syncs.push(run.fs.counts.syncs - before.syncs + run.fs.counts.dirSyncs - before.dirSyncs);
        }
        await run.ledger.noteAttempt(txn.id);
        await run.ledger.settle(txn.id, answer(txn));
      }
    }
  } finally {
    for (const run of runs) {
      await run.floorFile.close();
      await run.ledger.close();
    }
  }
  return runs.map((run) => ({
    record: { p50: percentile(run.record, 50), p99: percentile(run.record, 99) },
    floor: { p50: percentile(run.floor, 50), p99: percentile(run.floor, 99) },
    syncsPerRecord: run.syncs.reduce((a, b) => a + b, 0) / run.syncs.length,
    maxSyncsPerRecord: Math.max(...run.syncs),
  }));
}

/** A refund's whole life, STEADY_REFUNDS times: what the process wrote (wchar) and what the ledger says it wrote. */
async function steadyState(dir: string) {
  const fs = countingFs();
  const { ledger } = await Ledger.open({ dir, timezone: TIMEZONE, fs });
  for (let i = 0; i < 50; i++) await life(ledger, `W${i}`);
  const counts = { ...fs.counts };
  const wchar = processWchar();
  for (let i = 0; i < STEADY_REFUNDS; i++) await life(ledger, `S${i}`);
  const written = processWchar() - wchar;
  const result = {
    wchar: written / STEADY_REFUNDS,
    layer: (fs.counts.bytes - counts.bytes) / STEADY_REFUNDS,
    syncs: (fs.counts.syncs - counts.syncs + fs.counts.dirSyncs - counts.dirSyncs) / STEADY_REFUNDS,
  };
  await ledger.close();
  return result;
}

async function life(ledger: Ledger, id: string): Promise<void> {
  const txn = refund(id);
  await ledger.record(txn);
  await ledger.noteAttempt(id);
  await ledger.settle(id, answer(txn));
}

/** Median of a few opens (and closes) of each ledger, in turn: what a boot costs. */
async function timeOpens(dirs: string[]): Promise<number[]> {
  const times = dirs.map(() => [] as number[]);
  for (let round = 0; round < 9; round++) {
    for (const [i, dir] of dirs.entries()) {
      const t0 = performance.now();
      const { ledger } = await Ledger.open({ dir, timezone: TIMEZONE });
      const elapsed = performance.now() - t0;
      await ledger.close();
      if (round > 0) times[i]!.push(elapsed); // the first round warms the code up
    }
  }
  return times.map((t) => percentile(t, 50));
}

/** Bytes this process has passed to write() so far, on any file. */
function processWchar(): number {
  const match = /^wchar:\s*(\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'));
  if (!match) throw new Error('/proc/self/io has no wchar (Linux only)');
  return Number(match[1]);
}

/** The real disk, counting what the ledger asks of it. */
function countingFs(): FileSystem & { counts: { syncs: number; dirSyncs: number; bytes: number } } {
  const counts = { syncs: 0, dirSyncs: 0, bytes: 0 };
  return {
    ...nodeFileSystem,
    counts,
    async open(path, mode) {
      const handle = await nodeFileSystem.open(path, mode);
      return {
        write: (data) => ((counts.bytes += data.length), handle.write(data)),
        sync: () => (counts.syncs++, handle.sync()),
        close: () => handle.close(),
      };
    },
    syncDir: (path) => (counts.dirSyncs++, nodeFileSystem.syncDir(path)),
  };
}

/**
 * History written straight in the ledger's own format: past business days as
 * snapshots of PER_DAY final records each, TODAY records in today's journal,
 * and the order cache full (it is capped whatever the history).
 */
function seedHistory(dir: string, history: number): void {
  const calendar = new BusinessCalendar(TIMEZONE);
  const today = calendar.dayOf(new Date());
  const daysDir = join(dir, 'days');
  mkdirSync(daysDir, { recursive: true });
  const inToday = Math.min(TODAY, history);
  let left = history - inToday;
  for (let back = 1; left > 0; back++) {
    const day = shiftDay(today, -back);
    const count = Math.min(PER_DAY, left);
    left -= count;
    const records = Array.from({ length: count }, (_, i) => finalRecord(`H${day}-${i}`, `${day}T02:00:00.000Z`));
    writeJson(join(daysDir, `${day}.json`), { format: 'scanpos.day', version: 2, generation: 1, data: { day, records } });
  }
  const todayRecords = Array.from({ length: inToday }, (_, i) => finalRecord(`T${i}`, new Date(Date.now() - 60_000).toISOString()));
  const lines = todayRecords.map((r) => encodeLine(recordJson([], [[r.txn.id, JSON.stringify(r)]])));
  writeFileSync(join(daysDir, `${today}.0.journal`), Buffer.concat([encodeHeader({ format: 'scanpos.day', version: 2, generation: 0 }), ...lines]));
  const orders = Array.from({ length: 2000 }, (_, i) => ({ order: order(`O${i}`), seenAt: new Date().toISOString() }));
  writeJson(join(dir, 'orders.json'), { format: 'scanpos.orders', version: 2, generation: 1, data: { orders } });
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value)}\n`);
}

function refund(id: string, createdAt = new Date().toISOString()): Txn {
  return {
    id,
    type: 'refund',
    orderId: `O${id.length % 2000}`,
    amountCents: 1250,
    currency: 'CNY',
    channel: 'wechat',
    payCode: '134567890123456789',
    createdAt,
    offline: false,
    terminalId: 'T1001',
    operator: 'supervisor',
  };
}

function order(orderId: string): Order {
  return {
    orderId,
    amountCents: 8800,
    currency: 'CNY',
    channel: 'wechat',
    status: 'partially_refunded',
    paidAt: '2026-11-20T08:00:00.000Z',
    refundedCents: 1250,
    refundCount: 1,
    contact: { phone: '13800001234' },
  };
}

function answer(txn: Txn) {
  return { id: txn.id, status: 'approved' as const, code: 'OK', message: 'refund accepted', hostRef: `H-${txn.id}`, order: order(txn.orderId) };
}

function finalRecord(id: string, createdAt: string): TxnRecord {
  const txn = { ...refund(id, createdAt), payCode: '**************6789' };
  return { txn, state: 'approved', result: answer(txn), attempts: 1, updatedAt: createdAt };
}
