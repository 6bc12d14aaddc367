// reports/NNNNNN.json: the Z report of each closed batch, one small file
// each, written once (whole, durably) and read when reprinted.
import { join } from 'node:path';
import type { Logger } from '../runtime/log.ts';
import { DurableJsonFile } from './durable-file.ts';
import { ensureDir, listDir, nodeFileSystem, unlinkIfExists, type FileSystem } from './fs.ts';
import type { Recovery } from './envelope.ts';
import { SerialQueue } from './serial.ts';

export const REPORT_FORMAT = 'scanpos.report';
export const REPORT_VERSION = 1;

export type StoredReport = { batch: number } & Record<string, unknown>;

interface ReportFile {
  /** When it was saved, by the ledger's clock: what pruning goes by. */
  savedAt: string;
  report: StoredReport;
}

export interface ReportsOptions {
  dir: string;
  now: () => Date;
  fs?: FileSystem;
  log?: Logger;
  onRecover?: (recovery: Recovery) => void;
}

const NAME = /^(\d{6,})\.json$/;

export class Reports {
  private readonly fs: FileSystem;
  private dirReady = false;
  /** Saving and pruning one after the other: a prune must not remove a report being saved. */
  private readonly queue = new SerialQueue();

  constructor(private readonly options: ReportsOptions) {
    this.fs = options.fs ?? nodeFileSystem;
  }

  save(report: StoredReport): Promise<void> {
    return this.queue.run(() => this.saveNow(report));
  }

  private async saveNow(report: StoredReport): Promise<void> {
    if (!Number.isInteger(report.batch) || report.batch < 1) throw new Error(`a report needs a batch number ≥ 1, got ${report.batch}`);
    if (!this.dirReady) {
      await ensureDir(this.options.dir, this.fs);
      this.dirReady = true;
    }
    const data: ReportFile = { savedAt: this.options.now().toISOString(), report: structuredClone(report) };
    await this.file(report.batch).write(data);
  }

  async get(batch: number): Promise<StoredReport | undefined> {
    if (!Number.isInteger(batch) || batch < 1) return undefined;
    return (await this.file(batch).read())?.report;
  }

  /**
   * Removes the reports saved before `cutoff`, oldest first, stopping at the
   * first one to keep (batch numbers grow with time). Returns the file names removed.
   */
  prune(cutoff: Date): Promise<string[]> {
    return this.queue.run(() => this.pruneNow(cutoff));
  }

  private async pruneNow(cutoff: Date): Promise<string[]> {
    const numbers = (await listDir(this.options.dir, this.fs))
      .map((name) => NAME.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const old: string[] = [];
    for (const batch of numbers) {
      const saved = await this.file(batch).read().catch(() => null);
      // One that cannot be read is left for a person to look at; its age is unknown.
      if (!saved) continue;
      if (!(Date.parse(saved.savedAt) < cutoff.getTime())) break;
      old.push(this.path(batch));
    }
    // Previous generations first, made durable: a cut must not leave an old .prev to stand in for a removed report.
    const removed: string[] = [];
    for (const paths of [old.flatMap((f) => [`${f}.prev`, `${f}.tmp`, `${f}.corrupt`]), old]) {
      for (const path of paths) if (await unlinkIfExists(this.fs, path)) removed.push(path.slice(this.options.dir.length + 1));
      if (paths.length) await this.fs.syncDir(this.options.dir);
    }
    return removed;
  }

  private path(batch: number): string {
    return join(this.options.dir, `${String(batch).padStart(6, '0')}.json`);
  }

  private file(batch: number): DurableJsonFile<ReportFile> {
    return new DurableJsonFile<ReportFile>({
      file: this.path(batch),
      format: REPORT_FORMAT,
      version: REPORT_VERSION,
      validate: (data) => (typeof (data as ReportFile | null)?.savedAt === 'string' && typeof (data as ReportFile).report === 'object' ? undefined : 'not a report'),
      fs: this.fs,
      ...(this.options.log ? { log: this.options.log } : {}),
      ...(this.options.onRecover ? { onRecover: this.options.onRecover } : {}),
    });
  }
}
