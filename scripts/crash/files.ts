// "Every file parses": after the last stop, the terminal's data folder is
// read back the way the terminal reads it (Ledger.open, which must neither
// fail nor fall back to a previous generation because a file was damaged),
// and every file in it — previous generations and journals included — is
// parsed on its own. What a kill interrupted (a `.tmp` file never renamed, a
// torn last journal line) is counted, not judged: the reader never trusts it.
// The host's state must open too.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Ledger, type OpenedLedger, type Recovery } from '../../src/ledger/ledger.ts';
import { HostStore } from '../host/store.ts';

export interface FileReport {
  checked: number;
  /** Writes a kill interrupted: temp files never renamed, empty files, journals ending in a torn line (expected, never trusted by the reader). */
  interrupted: number;
  /** Damaged files and stores that would not open, one line each. */
  bad: string[];
  /** Recoveries from what a kill leaves by design (see isDamage). */
  notes: string[];
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))));
  return nested.flat();
}

/** A JSON value, or a line of a journal: JSON behind an optional checksum (`<8 hex> <json>`). */
function parsesAsLine(line: string): boolean {
  try {
    JSON.parse(/^[0-9a-f]{8} /.test(line) ? line.slice(9) : line);
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses every data file of `dir` on its own, whatever its name: a whole
 * JSON document (snapshots, previous generations), or JSON lines (journals).
 * Bad lines at the very end of a journal are a write a kill interrupted
 * (counted); a bad line with good ones after it is damage.
 */
export async function parseEveryFile(dir: string, report: FileReport): Promise<void> {
  for (const file of await walk(dir)) {
    const name = relative(dir, file);
    if (name.endsWith('.tmp')) {
      report.interrupted++;
      continue;
    }
    if (name.endsWith('.corrupt')) {
      report.bad.push(`${name}: a damaged generation was set aside`);
      continue;
    }
    report.checked++;
    const text = await readFile(file, 'utf8');
    if (text === '') {
      report.interrupted++;
      continue;
    }
    try {
      JSON.parse(text);
      continue;
    } catch {
      // not one document: lines
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const good = lines.map(parsesAsLine);
    const lastGood = good.lastIndexOf(true);
    if (lastGood < 0) {
      report.bad.push(`${name}: neither JSON nor JSON lines`);
      continue;
    }
    const damaged = good.slice(0, lastGood).flatMap((ok, i) => (ok ? [] : [i + 1]));
    if (damaged.length) report.bad.push(`${name}: line(s) ${damaged.join(', ')} do not parse, and good lines follow`);
    if (lastGood < lines.length - 1) report.interrupted++;
  }
}

/**
 * Damage, as opposed to what a kill leaves by design: a write interrupted
 * between its two renames (the file missing, its previous generation good),
 * or a journal record never finished (a torn tail, never acknowledged).
 */
const isDamage = (r: Recovery) => !/^(file missing|torn tail)/.test(r.reason);

export async function openLedger(dir: string, timezone: string, report: FileReport): Promise<OpenedLedger | undefined> {
  try {
    const opened = await Ledger.open({ dir, timezone });
    for (const r of opened.recovered) (isDamage(r) ? report.bad : report.notes).push(`${relative(dir, r.file)}: ${r.reason}`);
    return opened;
  } catch (err) {
    report.bad.push(`the ledger does not open: ${(err as Error).message}`);
    return undefined;
  }
}

/** The host's state as a restarted host reads it; the number of transactions in it. */
export async function openHostState(dir: string, report: FileReport): Promise<number | undefined> {
  try {
    const store = await HostStore.open({
      dir,
      seed: () => {
        throw new Error('the host state is missing');
      },
      onRecover: (r) => (isDamage(r) ? report.bad : report.notes).push(`host ${r.file}: ${r.reason}`),
    });
    return store.allTxns().length;
  } catch (err) {
    report.bad.push(`the host's state does not open: ${(err as Error).message}`);
    return undefined;
  }
}
