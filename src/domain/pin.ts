// Supervisor / technician PINs are stored only as scrypt hashes
// (`scanpos hash-pin PIN`): `scrypt$N$r$p$salt$hash`, base64 parts.
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

// N=2^14 keeps a check under ~100 ms on a Cortex-A53 while making a stolen
// config expensive to brute-force over the 10^6 six-digit PINs.
const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

export const isValidPin = (pin: string): boolean => /^\d{4,12}$/.test(pin);

export function hashPin(pin: string): string {
  if (!isValidPin(pin)) throw new Error('a PIN is 4 to 12 digits');
  const salt = randomBytes(16);
  const hash = scryptSync(pin, salt, KEYLEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return Promise.resolve(false);
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  return new Promise((resolve) => {
    scrypt(pin, salt, expected.length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, got) => {
      resolve(!err && got.length === expected.length && timingSafeEqual(got, expected));
    });
  });
}
