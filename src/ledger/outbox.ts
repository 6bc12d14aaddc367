// outbox.json: only the transactions whose final result is not known yet.
// It is rewritten on every new transaction (the write on the critical path),
// so it stays small: a final record moves out to its day segment.
import type { Low } from 'lowdb';
import type { TxnRecord } from '../domain/types.ts';
import type { Logger } from '../runtime/log.ts';
import { commit, objectWith, openDoc } from './doc.ts';
import type { Recovery } from './durable-file.ts';

export const OUTBOX_FORMAT = 'scanpos.outbox';
export const OUTBOX_VERSION = 1;

interface OutboxData {
  /** Creation order. */
  records: TxnRecord[];
}

export interface OutboxOptions {
  file: string;
  log?: Logger;
  onRecover?: (recovery: Recovery) => void;
}

export class Outbox {
  private constructor(
    private readonly db: Low<OutboxData>,
    private readonly log: Logger | undefined,
    /** True when opening used the previous generation. */
    readonly recovered: boolean,
  ) {}

  static async open(options: OutboxOptions): Promise<Outbox> {
    const { db, recovered } = await openDoc<OutboxData>({
      file: options.file,
      format: OUTBOX_FORMAT,
      version: OUTBOX_VERSION,
      empty: () => ({ records: [] }),
      validate: (data) => objectWith(data, ['records']),
      onRecover: options.onRecover,
      log: options.log,
    });
    return new Outbox(db, options.log, recovered);
  }

  list(): readonly TxnRecord[] {
    return this.db.data.records;
  }

  get(id: string): TxnRecord | undefined {
    return this.db.data.records.find((record) => record.txn.id === id);
  }

  add(record: TxnRecord): Promise<void> {
    return commit(this.db, { records: [...this.db.data.records, record] });
  }

  /** Replaces the record with the same id, keeping its place. */
  replace(record: TxnRecord): Promise<void> {
    const records = this.db.data.records.map((r) => (r.txn.id === record.txn.id ? record : r));
    return commit(this.db, { records });
  }

  /**
   * Drops records, then writes once more so that the previous generation
   * (outbox.json.prev) no longer holds their full pay codes either.
   */
  async remove(ids: ReadonlySet<string>): Promise<void> {
    const records = this.db.data.records.filter((r) => !ids.has(r.txn.id));
    if (records.length === this.db.data.records.length) return;
    await commit(this.db, { records });
    try {
      await this.db.write();
    } catch (error) {
      // The removal itself is durable; only the scrub of the old generation failed.
      this.log?.warn({ err: error }, 'outbox: could not rewrite the previous generation');
    }
  }

  /** Rewrites the file from memory (after a recovery, to replace the damaged file). */
  rewrite(): Promise<void> {
    return this.db.write();
  }
}
