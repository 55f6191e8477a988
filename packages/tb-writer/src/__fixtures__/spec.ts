// Independent, deliberately naive implementations of the specifications,
// used by the tests to build expected bytes and fixtures: a bit-at-a-time
// CRC32C, BigInt masking, and a byte-array protobuf builder. They share no
// code with the package.

/** Bit-at-a-time CRC32C (reflected polynomial 0x82F63B78). */
export function crc32cBitwise(bytes: ArrayLike<number>): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc ^= bytes[i];
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** masked = ((crc >>> 15) | (crc << 17)) + 0xa282ead8 mod 2^32, computed with BigInt. */
export function maskBig(crc: number): number {
  const c = BigInt(crc);
  const mask32 = 0xffffffffn;
  const rot = ((c >> 15n) | (c << 17n)) & mask32;
  return Number((rot + 0xa282ead8n) & mask32);
}

/** Unsigned LEB128 varint via BigInt (negatives as 64-bit two's complement). */
export function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

export const utf8 = (s: string): number[] => [...Buffer.from(s, 'utf8')];
export const f64 = (v: number): number[] => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return [...b];
};
export const f32 = (v: number): number[] => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(v);
  return [...b];
};
export const u32 = (v: number): number[] => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return [...b];
};
export const u64 = (v: number): number[] => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return [...b];
};

/** Field key byte(s). */
export const key = (field: number, wire: number): number[] => varint(field * 8 + wire);
/** Length-delimited field. */
export const ld = (field: number, payload: number[]): number[] => [...key(field, 2), ...varint(payload.length), ...payload];
export const str = (field: number, s: string): number[] => ld(field, utf8(s));
export const dbl = (field: number, v: number): number[] => [...key(field, 1), ...f64(v)];
export const flt = (field: number, v: number): number[] => [...key(field, 5), ...f32(v)];
export const vint = (field: number, v: number): number[] => [...key(field, 0), ...varint(v)];

/** TFRecord framing of `data`. */
export function record(data: number[]): number[] {
  const len = u64(data.length);
  return [...len, ...u32(maskBig(crc32cBitwise(len))), ...data, ...u32(maskBig(crc32cBitwise(data)))];
}
