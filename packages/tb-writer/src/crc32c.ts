// CRC32C (Castagnoli), the checksum TFRecord framing uses, and TensorFlow's
// "masked" form of it. Table-driven, slicing by 8 bytes at a time.

/** Reflected Castagnoli polynomial. */
const POLY = 0x82f63b78;

// TABLES[k][b]: CRC of byte b followed by k zero bytes (slicing-by-8).
const TABLES: Int32Array[] = (() => {
  const t: Int32Array[] = [];
  for (let k = 0; k < 8; k++) t.push(new Int32Array(256));
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[0][b] = c;
  }
  for (let b = 0; b < 256; b++) {
    let c = t[0][b];
    for (let k = 1; k < 8; k++) {
      c = t[0][c & 0xff] ^ (c >>> 8);
      t[k][b] = c;
    }
  }
  return t;
})();

const t0 = TABLES[0];
const t1 = TABLES[1];
const t2 = TABLES[2];
const t3 = TABLES[3];
const t4 = TABLES[4];
const t5 = TABLES[5];
const t6 = TABLES[6];
const t7 = TABLES[7];

/**
 * CRC32C of `bytes[start, end)`, as an unsigned 32-bit integer.
 * `crc32c(utf8("123456789")) === 0xe3069283`.
 */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = ~0;
  let i = start;
  const end8 = start + ((end - start) & ~7);
  while (i < end8) {
    const lo = crc ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    crc =
      t7[lo & 0xff] ^
      t6[(lo >>> 8) & 0xff] ^
      t5[(lo >>> 16) & 0xff] ^
      t4[lo >>> 24] ^
      t3[bytes[i + 4]] ^
      t2[bytes[i + 5]] ^
      t1[bytes[i + 6]] ^
      t0[bytes[i + 7]];
    i += 8;
  }
  while (i < end) crc = t0[(crc ^ bytes[i++]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** TensorFlow's mask delta (`kMaskDelta` in tensorflow/core/lib/hash/crc32c.h). */
const MASK_DELTA = 0xa282ead8;

/**
 * TensorFlow's masked CRC: rotate right by 15 bits and add 0xa282ead8
 * (mod 2^32). Masking keeps a CRC of data that itself contains CRCs well
 * distributed. Returns an unsigned 32-bit integer.
 */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** Inverse of {@link maskCrc}. */
export function unmaskCrc(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}

/** `maskCrc(crc32c(bytes[start, end)))`. */
export function maskedCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return maskCrc(crc32c(bytes, start, end));
}
