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
