// Read-only check that every ledger file on disk still parses: snapshots are
// envelopes `{format, version, data}` (src/ledger/envelope.ts), journals'
// lines pass their checksums (src/ledger/journal-format.ts). Nothing is
// repaired or rewritten here: damage found is for the technician and ops to
// see; the ledger itself recovers from the previous generation at start-up.
//
// A torn last line of a journal is not counted: it is what a journal looks
// like while a write is being appended, and at start-up the ledger cuts one
// left by a power cut. Lines that fail their checksum with good lines after
// them are damage.
import { join } from 'node:path';
import { listDir, nodeFileSystem, type FileSystem } from '../../ledger/fs.ts';
import { scanJournal } from '../../ledger/journal-format.ts';

export interface LedgerFilesReport {
  /** Files read. */
  files: number;
  /** `days/2026-11-27.json: not valid JSON`, one per damaged file. */
  problems: string[];
}

/** The ledger's folders (src/ledger/ledger.ts): the stores, day segments and Z reports. */
const FOLDERS = ['', 'days', 'reports'];
const SNAPSHOT = /\.json$/;
const JOURNAL = /\.\d+\.journal$/;

export async function checkLedgerFiles(dir: string, fs: FileSystem = nodeFileSystem): Promise<LedgerFilesReport> {
  const out: LedgerFilesReport = { files: 0, problems: [] };
  for (const folder of FOLDERS) {
    for (const name of (await listDir(join(dir, folder), fs)).sort()) {
      const isSnapshot = SNAPSHOT.test(name);
      if (!isSnapshot && !JOURNAL.test(name)) continue; // .prev, .tmp, .corrupt: kept aside, not read by the ledger
      const shown = folder ? `${folder}/${name}` : name;
      let bytes: Uint8Array;
      try {
        bytes = await fs.readFile(join(dir, folder, name));
      } catch (error) {
        // Gone since the listing (a compaction or pruning in between): nothing to check.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        out.problems.push(`${shown}: unreadable (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
        continue;
      }
      out.files++;
      const problem = isSnapshot ? snapshotProblem(bytes) : journalProblem(bytes);
      if (problem) out.problems.push(`${shown}: ${problem}`);
    }
  }
  return out;
}

function snapshotProblem(bytes: Uint8Array): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return 'not valid JSON (truncated or corrupt)';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a scanpos data file';
  const { format, version, data } = value as Record<string, unknown>;
  if (typeof format !== 'string') return 'no format name';
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return 'invalid format version';
  if (data === undefined || data === null) return 'no data';
  return undefined;
}

function journalProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  const scanned = scanJournal(bytes);
  if (!scanned.header && scanned.records.length > 0) return 'header damaged';
  if (scanned.damagedLines > 0) return `${scanned.damagedLines} damaged record(s)`;
  return undefined;
}
