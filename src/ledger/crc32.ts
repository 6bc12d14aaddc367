// CRC-32 (IEEE 802.3, the one of zlib, PNG and gzip), table-driven.
// Node 20 has no zlib.crc32 (it came in Node 22), and a hash from `crypto`
// costs far more than a journal record of a few hundred bytes needs: this
// only has to tell a record that was fully written from a torn or rotten one.

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Eight lowercase hex digits. */
export const crc32Hex = (bytes: Uint8Array, start?: number, end?: number): string => crc32(bytes, start, end).toString(16).padStart(8, '0');
