// Privacy: pay codes and phone numbers show only their last 4 characters on
// screens, receipts and logs.

/** `134567890123456789` → `**************6789` (length kept, so a code looks like a code). */
export function maskCode(code: string): string {
  if (code.length <= 4) return '*'.repeat(code.length);
  return '*'.repeat(code.length - 4) + code.slice(-4);
}

/** Short form for narrow displays: `****6789`. */
export const maskShort = (code: string): string => '****' + code.slice(-4);

/** `+8613800001234` → `+86*******1234`: `+` and two digits (the country code, or most of it) stay. */
export function maskPhone(phone: string): string {
  const m = /^(\+\d{2})?(.*)$/.exec(phone.replace(/[\s-]/g, ''));
  const cc = m?.[1] ?? '';
  const rest = m?.[2] ?? '';
  return cc + maskCode(rest);
}

/** `li.lei@example.com` → `l*****@example.com`. */
export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at <= 0) return maskCode(email);
  return email[0] + '*'.repeat(Math.max(at - 1, 1)) + email.slice(at);
}
