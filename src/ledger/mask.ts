// Pay codes are single-use bearer tokens: once a transaction is final nothing
// needs more than the last four digits (receipts, lists), so that is all we keep.

/** `134567890123456789` → `**************6789`; codes of four characters or fewer are masked whole. */
export function maskPayCode(code: string): string {
  if (code.length <= 4) return '*'.repeat(code.length);
  return '*'.repeat(code.length - 4) + code.slice(-4);
}
