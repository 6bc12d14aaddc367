// Printer status from ESC/POS real-time status transmission, DLE EOT n
// (10 04 n; ESC/POS command reference, "DLE EOT"). The printer answers each
// request with one byte as soon as the request arrives, even when it is
// offline or its receive buffer holds a job: that is what lets the driver ask
// before sending a receipt into a printer with no paper.
//
// Reply bytes (bits counted from 0, least significant first):
//   n = 1, printer status:     bit 3 = offline
//   n = 2, offline cause:      bit 2 = cover open, bit 5 = stopped by paper end,
//                              bit 6 = an error occurred
//   n = 4, roll paper sensor:  bits 2-3 = paper near end, bits 5-6 = paper end
// In every reply bits 1 and 4 are fixed at 1 and bits 0 and 7 at 0, so a byte
// that does not match is not a status reply (line noise, an echo, XON/XOFF).
import { TransportTimeout } from './transport.ts';
import type { PrinterStatus } from './types.ts';

export type StatusRequest = 1 | 2 | 4;

/** The request bytes for DLE EOT n. */
export const dleEot = (n: StatusRequest): Uint8Array => Uint8Array.of(0x10, 0x04, n);

/** Fixed bits of every DLE EOT reply: 0xx1 xx10. */
export const isStatusByte = (byte: number): boolean => (byte & 0x93) === 0x12;

export const OFFLINE = 0x08; // n = 1, bit 3
export const COVER_OPEN = 0x04; // n = 2, bit 2
export const PAPER_END_STOP = 0x20; // n = 2, bit 5
export const ERROR_OCCURRED = 0x40; // n = 2, bit 6
export const PAPER_NEAR_END = 0x0c; // n = 4, bits 2-3 (both set by Epson; clones may set one)
export const PAPER_END = 0x60; // n = 4, bits 5-6

export interface StatusReplies {
  /** Reply to DLE EOT 1. */
  printer: number;
  /** Reply to DLE EOT 2; only asked when the printer says it is offline. */
  offlineCause?: number;
  /** Reply to DLE EOT 4. */
  paper: number;
}

/** What the replies mean, the most specific problem first (an open cover also stops the paper). */
export function decodeStatus(replies: StatusReplies): PrinterStatus {
  const { printer, offlineCause = 0x12, paper } = replies;
  if (offlineCause & COVER_OPEN) return { ok: false, reason: 'cover_open' };
  if (offlineCause & PAPER_END_STOP || paper & PAPER_END) return { ok: false, reason: 'paper_out' };
  if (offlineCause & ERROR_OCCURRED) return { ok: false, reason: 'error', detail: 'the printer reports an error (cutter or head)' };
  if (printer & OFFLINE) return { ok: false, reason: 'offline', detail: 'the printer reports it is offline' };
  return paper & PAPER_NEAR_END ? { ok: true, paperLow: true } : { ok: true };
}

/** The part of a transport the status query needs. */
export interface StatusChannel {
  query(request: Uint8Array, replyLength: number, timeoutMs: number): Promise<Uint8Array>;
}

const hex = (byte: number) => `0x${byte.toString(16).padStart(2, '0')}`;

/** The printer answered, but not with a status byte. */
class BadAnswer extends Error {}

async function ask(channel: StatusChannel, n: StatusRequest, timeoutMs: number): Promise<number> {
  const reply = await channel.query(dleEot(n), 1, timeoutMs).catch((error: unknown) => {
    if (error instanceof TransportTimeout) throw new Error(`no answer to DLE EOT ${n} within ${timeoutMs} ms`);
    throw error;
  });
  const byte = reply[0];
  if (byte === undefined) throw new Error(`no answer to DLE EOT ${n}`);
  if (!isStatusByte(byte)) throw new BadAnswer(`unexpected answer ${hex(byte)} to DLE EOT ${n}`);
  return byte;
}

export interface StatusQueryOptions {
  /** Time-out of each reply. */
  timeoutMs: number;
  /**
   * Time-out of the first reply, when it may wait behind bytes still on their
   * way (right after a job, a serial line at 9600 baud needs ~1 s per KB).
   */
  firstReplyMs?: number;
}

/**
 * Asks the printer DLE EOT 1, then 2 (only when offline), then 4. Never
 * rejects: a printer that does not answer in time is `offline`, one that
 * answers garbage is `error`.
 */
export async function queryStatus(channel: StatusChannel, options: StatusQueryOptions): Promise<PrinterStatus> {
  const { timeoutMs, firstReplyMs = timeoutMs } = options;
  try {
    const printer = await ask(channel, 1, firstReplyMs);
    const offlineCause = printer & OFFLINE ? await ask(channel, 2, timeoutMs) : undefined;
    const paper = await ask(channel, 4, timeoutMs);
    return decodeStatus({ printer, paper, ...(offlineCause !== undefined ? { offlineCause } : {}) });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: error instanceof BadAnswer ? 'error' : 'offline', detail };
  }
}
