// The journal's bytes: one line per record, `<crc32 hex> <json>\n`.
//   line 1   {"format":"scanpos.outbox","version":2,"generation":7}
//   then     {"put":[["R0001",{…}]],"del":["R0000"]}   — one per lowdb write
// A record is the whole of one write, so replay applies a write entirely or
// not at all. Text keeps the files readable with `less` on a board; the
// checksum tells a record that reached the disk whole from one torn by a
// power cut (a short line, a line of zeros, a line cut mid-character).

import { crc32, crc32Hex } from './crc32.ts';

export interface JournalHeader {
  format: string;
  version: number;
  /** The snapshot generation this journal follows (0: no snapshot, an empty store). */
  generation: number;
}

/** What one write changed: deletions first, then puts (a key put anew goes to the end). */
export interface JournalOps {
  del: string[];
  put: Array<[string, unknown]>;
}

export interface ScannedJournal {
  /** Undefined when the file is empty or its first line never reached the disk whole. */
  header: JournalHeader | undefined;
  records: JournalOps[];
  /** Bytes after the last good record that did not pass their checksum: a write interrupted before its fsync. */
  tornBytes: number;
  /** Lines that failed their checksum although good lines follow them: damage, not an interrupted write. */
  damagedLines: number;
}

const NEWLINE = 0x0a;
const SPACE = 0x20;

/** One checksummed line for a JSON text. */
export function encodeLine(json: string): Buffer {
  const body = Buffer.from(json, 'utf8');
  const line = Buffer.allocUnsafe(body.length + 10);
  line.write(crc32Hex(body), 0, 'latin1');
  line[8] = SPACE;
  body.copy(line, 9);
  line[line.length - 1] = NEWLINE;
  return line;
}

export const encodeHeader = (header: JournalHeader): Buffer =>
  encodeLine(JSON.stringify({ format: header.format, version: header.version, generation: header.generation }));

/**
 * The JSON of one record, from values already serialised (the writer needs
 * each value's size anyway, so nothing is stringified twice).
 */
export function recordJson(del: readonly string[], puts: ReadonlyArray<readonly [key: string, json: string]>): string {
  const parts: string[] = [];
  if (del.length) parts.push(`"del":${JSON.stringify(del)}`);
  if (puts.length) parts.push(`"put":[${puts.map(([key, json]) => `[${JSON.stringify(key)},${json}]`).join(',')}]`);
  return `{${parts.join(',')}}`;
}

/** Reads a journal; from `offset` on (a record boundary past the header), only records are expected. */
export function scanJournal(bytes: Uint8Array, offset = 0): ScannedJournal {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: ScannedJournal = { header: undefined, records: [], tornBytes: 0, damagedLines: 0 };
  /** Start of the first bad line since the last good one, and how many bad lines since. */
  let badFrom = -1;
  let badLines = 0;
  for (let pos = offset, lineNo = offset > 0 ? 1 : 0; pos < buffer.length; lineNo++) {
    const end = buffer.indexOf(NEWLINE, pos);
    const parsed = end === -1 ? undefined : parseLine(buffer, pos, end);
    // The first line is the header; a damaged one is not, but the lines after it are still records.
    const value = lineNo === 0 ? asHeader(parsed) : asOps(parsed);
    if (value === undefined) {
      if (badFrom < 0) badFrom = pos;
      badLines++;
    } else {
      out.damagedLines += badLines;
      badFrom = -1;
      badLines = 0;
      if (lineNo === 0) out.header = value as JournalHeader;
      else out.records.push(value as JournalOps);
    }
    pos = end === -1 ? buffer.length : end + 1;
  }
  if (badFrom >= 0) out.tornBytes = buffer.length - badFrom;
  return out;
}

function parseLine(buffer: Buffer, start: number, end: number): unknown {
  if (end - start < 10 || buffer[start + 8] !== SPACE) return undefined;
  const stored = Number.parseInt(buffer.toString('latin1', start, start + 8), 16);
  if (!Number.isFinite(stored) || stored !== crc32(buffer, start + 9, end)) return undefined;
  try {
    return JSON.parse(buffer.toString('utf8', start + 9, end));
  } catch {
    return undefined;
  }
}

function asHeader(value: unknown): JournalHeader | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { format, version, generation } = value as Record<string, unknown>;
  if (typeof format !== 'string' || typeof version !== 'number' || typeof generation !== 'number') return undefined;
  return { format, version, generation };
}

function asOps(value: unknown): JournalOps | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { del = [], put = [] } = value as Record<string, unknown>;
  if (!Array.isArray(del) || !del.every((key) => typeof key === 'string')) return undefined;
  if (!Array.isArray(put) || !put.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string')) return undefined;
  return { del: del as string[], put: put as Array<[string, unknown]> };
}
