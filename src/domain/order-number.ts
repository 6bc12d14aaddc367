// Order numbers this terminal makes for its sales (PROTOCOL.md): 20 digits,
// `9` + terminal number (4) + local time YYMMDDhhmmss + sequence (3).
// The leading 9 keeps them apart from pay codes (10–15, 25–30, 62).

export function makeOrderNumber(options: { terminalNumber: string; at: Date; timezone: string; sequence: number }): string {
  const { terminalNumber, at, timezone, sequence } = options;
  if (!/^\d{4}$/.test(terminalNumber)) throw new Error(`terminal number must be 4 digits, got ${terminalNumber}`);
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 999) throw new Error(`sequence out of range: ${sequence}`);
  const p = localParts(at, timezone);
  const stamp = `${p.year.slice(-2)}${p.month}${p.day}${p.hour}${p.minute}${p.second}`;
  return `9${terminalNumber}${stamp}${String(sequence).padStart(3, '0')}`;
}

export interface LocalParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock parts of `at` in `timezone`, zero-padded. */
export function localParts(at: Date, timezone: string): LocalParts {
  let fmt = formats.get(timezone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timezone, fmt);
  }
  const parts: Record<string, string> = {};
  for (const part of fmt.formatToParts(at)) parts[part.type] = part.value;
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** `2026-11-27 16:05` in `timezone`, for screens and receipts. */
export function localDateTime(at: Date, timezone: string): string {
  const p = localParts(at, timezone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
