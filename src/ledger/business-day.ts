// Business days follow the terminal's configured timezone, not the board's
// (a board without a real-time clock often runs in UTC).

export class BusinessCalendar {
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly timezone: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        calendar: 'gregory',
        numberingSystem: 'latn',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
    } catch {
      throw new Error(`unknown timezone "${timezone}" (expected an IANA name such as Asia/Shanghai)`);
    }
  }

  /** `YYYY-MM-DD` of an instant in this timezone. */
  dayOf(instant: Date | string): string {
    const date = typeof instant === 'string' ? new Date(instant) : instant;
    if (Number.isNaN(date.getTime())) throw new Error(`not a valid time: ${String(instant)}`);
    const parts = Object.fromEntries(this.format.formatToParts(date).map((part) => [part.type, part.value]));
    return `${String(parts.year).padStart(4, '0')}-${parts.month}-${parts.day}`;
  }
}

/** The calendar day `days` after (or before, when negative) a `YYYY-MM-DD` day. */
export function shiftDay(day: string, days: number): string {
  const at = Date.parse(`${day}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(at)) throw new Error(`not a day: ${day}`);
  return new Date(at + days * 86_400_000).toISOString().slice(0, 10);
}
