// Opening the ledger's stores: each read (and recovered, reported) from its
// files, the damaged ones written back at once, the first batch opened.
import { join } from 'node:path';
import type { Logger } from '../runtime/log.ts';
import { BusinessCalendar } from './business-day.ts';
import type { StoreContext } from './doc.ts';
import type { Recovery } from './envelope.ts';
import { ensureDir, nodeFileSystem, type FileSystem } from './fs.ts';
import type { CompactionPolicy } from './journal-paths.ts';
import { DEFAULT_MAX_ORDERS, OrderCache } from './orders.ts';
import { Outbox } from './outbox.ts';
import { Reports } from './reports.ts';
import { DaySegments } from './segments.ts';
import { TerminalState } from './state.ts';

export interface LedgerOptions {
  dir: string;
  /** IANA name; business days (and so day segments) follow it. */
  timezone: string;
  now?: () => Date;
  /** Orders kept in the cache; the least recently seen go first. */
  maxOrders?: number;
  log?: Logger;
  /** The disk; the real one unless a test or a benchmark puts another underneath. */
  fs?: FileSystem;
  /** When journals are folded into a new snapshot (default: over 2 × the live data and 256 KiB, after 200 ms of quiet). */
  compaction?: Partial<CompactionPolicy>;
  /** How long an emptied outbox stays quiet before its files are rewritten without pay codes (default 1 s). */
  scrubDelayMs?: number;
}

export interface Parts {
  dir: string;
  fs: FileSystem;
  outbox: Outbox;
  segments: DaySegments;
  orders: OrderCache;
  state: TerminalState;
  reports: Reports;
  calendar: BusinessCalendar;
  now: () => Date;
  log: Logger | undefined;
}

export interface OpenedStores {
  parts: Parts;
  /** Stops collecting recoveries (later ones, of an old day read on demand, are only logged) and returns them. */
  finish(): Recovery[];
  /** Closes what was opened, writing nothing more, when opening fails after all. */
  abandon(): Promise<void>;
}

export async function openStores(options: LedgerOptions): Promise<OpenedStores> {
  const calendar = new BusinessCalendar(options.timezone);
  const now = options.now ?? (() => new Date());
  const fs = options.fs ?? nodeFileSystem;
  const log = options.log;
  const recovered: Recovery[] = [];
  let opening = true;
  const context: StoreContext = { fs, log, compaction: options.compaction, onRecover: (r) => void (opening && recovered.push(r)) };
  const daysDir = join(options.dir, 'days');
  await ensureDir(daysDir, fs);
  const opened: Array<() => Promise<void>> = [];
  const abandon = async () => {
    for (const close of opened) await close().catch(() => undefined);
  };
  try {
    const outbox = await Outbox.open({ ...context, file: join(options.dir, 'outbox.json'), scrubDelayMs: options.scrubDelayMs });
    opened.push(() => outbox.close({ scrub: false }));
    const orders = await OrderCache.open({ ...context, file: join(options.dir, 'orders.json'), maxOrders: options.maxOrders ?? DEFAULT_MAX_ORDERS, now });
    opened.push(() => orders.close());
    const state = await TerminalState.open({ ...context, file: join(options.dir, 'state.json') });
    opened.push(() => state.close());
    const segments = new DaySegments({ ...context, dir: daysDir, calendar, now });
    opened.push(() => segments.close());
    const todayRecovered = await segments.openToday();

    // Write recovered stores back at once: the damaged file is set aside, the
    // good generation stays as .prev, and the next boot is clean.
    if (outbox.recovered) await outbox.rewrite();
    if (orders.recovered) await orders.rewrite();
    if (state.recovered) await state.rewrite();
    if (todayRecovered) await segments.rewriteToday();
    await state.openFirstBatch(now().toISOString());

    const reports = new Reports({ dir: join(options.dir, 'reports'), now, fs, ...(log ? { log } : {}) });
    const parts: Parts = { dir: options.dir, fs, outbox, segments, orders, state, reports, calendar, now, log };
    const finish = () => {
      opening = false;
      return recovered;
    };
    return { parts, finish, abandon };
  } catch (error) {
    await abandon();
    throw error;
  }
}
