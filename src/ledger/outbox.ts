// outbox: only the transactions whose final result is not known yet, in
// creation order. It is written on every new transaction (the write on the
// critical path): a journal record of that one transaction, whatever the
// history; a final record moves out to its day segment.
//
// A pending transaction keeps its full pay code (a resubmission needs it), so
// the outbox's files hold pay codes until they are rewritten. Once the outbox
// is empty and has been quiet for a moment, it is scrubbed — compacted twice
// and its older journals removed, so that the snapshot, its previous
// generation and the journal hold no code — off the critical path, and at close.
import type { Low } from 'lowdb';
import type { TxnRecord } from '../domain/types.ts';
import type { Logger } from '../runtime/log.ts';
import { commit, FROM_WHOLE_FILE, objectWith, openDoc, type StoreContext } from './doc.ts';
import type { JournalCodec, JournalFile } from './journal-file.ts';
import type { ToldChange } from './journal-diff.ts';

export const OUTBOX_FORMAT = 'scanpos.outbox';
export const OUTBOX_VERSION = 2;
/** How long the outbox stays empty and untouched before its files are rewritten without pay codes. */
export const DEFAULT_SCRUB_DELAY_MS = 1000;

interface OutboxData {
  /** Creation order. */
  records: TxnRecord[];
}

const codec: JournalCodec<OutboxData> = {
  entries: (data) => data.records.map((record) => [record.txn.id, record] as const),
  document: (entries) => ({ records: entries.map(([, record]) => record as TxnRecord) }),
};

export interface OutboxOptions extends StoreContext {
  file: string;
  scrubDelayMs?: number;
}

export class Outbox {
  private index = new Map<string, TxnRecord>();
  private indexed: readonly TxnRecord[] | undefined;
  /** Full pay codes may be in the files (written since the last scrub). */
  private holdsCodes: boolean;
  private scrubTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly db: Low<OutboxData>,
    private readonly adapter: JournalFile<OutboxData>,
    private readonly options: OutboxOptions,
    /** True when opening had to work around a damaged, missing or torn file. */
    readonly recovered: boolean,
  ) {
    this.holdsCodes = db.data.records.length > 0 || adapter.sizes().appended;
    this.scheduleScrub();
  }

  static async open(options: OutboxOptions): Promise<Outbox> {
    const { db, adapter, recovered } = await openDoc<OutboxData>({
      ...options,
      format: OUTBOX_FORMAT,
      version: OUTBOX_VERSION,
      codec,
      migrations: FROM_WHOLE_FILE,
      empty: () => ({ records: [] }),
      validate: (data) => objectWith(data, ['records']),
    });
    return new Outbox(db, adapter, options, recovered);
  }

  list(): readonly TxnRecord[] {
    return this.db.data.records;
  }

  get size(): number {
    return this.db.data.records.length;
  }

  get(id: string): TxnRecord | undefined {
    // By id, kept in step with each write; rebuilt if the document changed otherwise (a write undone).
    if (this.indexed !== this.db.data.records) this.reindex();
    return this.index.get(id);
  }

  async add(record: TxnRecord): Promise<void> {
    this.cancelScrub();
    this.holdsCodes = true;
    await this.commit([...this.db.data.records, record], { puts: [[record.txn.id, record]] }, () => this.index.set(record.txn.id, record));
  }

  /** Replaces the record with the same id, keeping its place. */
  replace(record: TxnRecord): Promise<void> {
    return this.update({ replace: [record] });
  }

  remove(ids: ReadonlySet<string>): Promise<void> {
    return this.update({ remove: ids });
  }

  /**
   * Several records replaced in place and others removed, as one write (a
   * replay window's answers settle together: one record, one fsync).
   */
  async update(change: { replace?: readonly TxnRecord[]; remove?: ReadonlySet<string> }): Promise<void> {
    const remove = change.remove ?? new Set<string>();
    const replace = new Map((change.replace ?? []).filter((r) => !remove.has(r.txn.id)).map((r) => [r.txn.id, r]));
    if (this.indexed !== this.db.data.records) this.reindex();
    for (const id of replace.keys()) if (!this.index.has(id)) throw new Error(`outbox: no pending transaction ${id} to replace`);
    const del = [...remove].filter((id) => this.index.has(id));
    if (del.length === 0 && replace.size === 0) return;
    const records: TxnRecord[] = [];
    for (const r of this.db.data.records) if (!remove.has(r.txn.id)) records.push(replace.get(r.txn.id) ?? r);
    this.cancelScrub();
    await this.commit(records, { puts: [...replace].map(([id, r]) => [id, r] as const), del }, () => {
      for (const [id, r] of replace) this.index.set(id, r);
      for (const id of del) this.index.delete(id);
    });
    this.scheduleScrub();
  }

  private async commit(records: TxnRecord[], change: ToldChange, update: () => void): Promise<void> {
    if (this.indexed !== this.db.data.records) this.reindex();
    await commit(this.db, { records }, { adapter: this.adapter, change });
    update();
    this.indexed = records;
  }

  private reindex(): void {
    this.index = new Map(this.db.data.records.map((record) => [record.txn.id, record]));
    this.indexed = this.db.data.records;
  }

  /** Rewrites the files from memory (after a recovery, to replace the damaged file). */
  rewrite(): Promise<void> {
    return this.adapter.compact();
  }

  /** Rewrites the files so that no pay code is left in them, if the outbox is empty. */
  async scrub(): Promise<void> {
    this.cancelScrub();
    if (!this.holdsCodes || this.db.data.records.length > 0) return;
    await this.adapter.compact({ scrub: true });
    if (this.db.data.records.length === 0) this.holdsCodes = false;
  }

  /** Scrubs if needed (unless told not to write anything), then closes the journal. */
  async close(options: { scrub?: boolean } = {}): Promise<void> {
    this.cancelScrub();
    if (options.scrub !== false) {
      try {
        await this.scrub();
      } catch (err) {
        this.log?.warn({ err }, 'outbox: pay codes not scrubbed at close');
      }
    }
    await this.adapter.close();
  }

  private get log(): Logger | undefined {
    return this.options.log;
  }

  private scheduleScrub(): void {
    this.cancelScrub();
    if (!this.holdsCodes || this.db.data.records.length > 0) return;
    this.scrubTimer = setTimeout(() => {
      this.scrubTimer = undefined;
      this.scrub().catch((err: unknown) => this.log?.warn({ err }, 'outbox: pay codes not scrubbed'));
    }, this.options.scrubDelayMs ?? DEFAULT_SCRUB_DELAY_MS);
    // A pending scrub never keeps the process alive; close() does it anyway.
    this.scrubTimer.unref();
  }

  private cancelScrub(): void {
    if (this.scrubTimer) clearTimeout(this.scrubTimer);
    this.scrubTimer = undefined;
  }
}
