// F16 (IEEE binary16) and BF16 (bfloat16) <-> F32 conversion on raw bits.
// Writing rounds to nearest, ties to even; NaN stays a (quiet) NaN, +-Inf and -0 are exact.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

let f16Table: Float32Array | undefined;

/** All 65536 F16 bit patterns as F32 values (built once, 256 KiB). */
function f16ToF32Table(): Float32Array {
  if (f16Table) return f16Table;
  const table = new Float32Array(65536);
  const bits = new Uint32Array(table.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0x1f) {
      // Inf, or NaN with its payload moved to the top of the F32 mantissa.
      bits[h] = sign | 0x7f800000 | (mant << 13);
    } else if (exp !== 0) {
      bits[h] = sign | ((exp + 112) << 23) | (mant << 13);
    } else if (mant === 0) {
      bits[h] = sign;
    } else {
      // Subnormal F16 is a normal F32: shift the leading 1 out of the mantissa.
      let e = 113;
      let m = mant;
      while ((m & 0x400) === 0) {
        m <<= 1;
        e--;
      }
      bits[h] = sign | (e << 23) | ((m & 0x3ff) << 13);
    }
  }
  f16Table = table;
  return table;
}

/** F16 bits -> F32 value. */
export function f16BitsToF32(h: number): number {
  return f16ToF32Table()[h & 0xffff];
}

/** F32 bits (as unsigned 32-bit integer) -> F16 bits, round to nearest even. */
export function f32BitsToF16Bits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) {
    // Inf stays Inf; NaN keeps the top of its payload and is forced quiet.
    return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  }
  const e = exp - 112; // re-biased exponent (127 -> 15)
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1) === 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++; // a carry into the exponent gives Inf correctly
  return sign | h;
}

/** F32 value -> F16 bits, round to nearest even. */
export function f32ToF16Bits(x: number): number {
  f32[0] = x;
  return f32BitsToF16Bits(u32[0]);
}

/** BF16 bits -> F32 value. */
export function bf16BitsToF32(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0];
}

/** F32 bits -> BF16 bits: round to nearest even on the upper 16 bits; NaN stays quiet NaN. */
export function f32BitsToBf16Bits(bits: number): number {
  if ((bits & 0x7fffffff) > 0x7f800000) return ((bits >>> 16) | 0x0040) & 0xffff;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** F32 value -> BF16 bits, round to nearest even. */
export function f32ToBf16Bits(x: number): number {
  f32[0] = x;
  return f32BitsToBf16Bits(u32[0]);
}

/** Converts a whole Float32Array to F16 bits (into `out` when given). */
export function float32ToF16(src: Float32Array, out = new Uint16Array(src.length)): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < bits.length; i++) out[i] = f32BitsToF16Bits(bits[i]);
  return out;
}

/** Converts a whole Float32Array to BF16 bits (into `out` when given). */
export function float32ToBf16(src: Float32Array, out = new Uint16Array(src.length)): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    out[i] =
      (b & 0x7fffffff) > 0x7f800000 ? ((b >>> 16) | 0x0040) & 0xffff : ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
  }
  return out;
}

/** Converts F16 bits to a Float32Array (into `out` when given). */
export function f16ToFloat32(src: Uint16Array, out = new Float32Array(src.length)): Float32Array {
  const table = f16ToF32Table();
  for (let i = 0; i < src.length; i++) out[i] = table[src[i]];
  return out;
}

/** Converts BF16 bits to a Float32Array (into `out` when given). */
export function bf16ToFloat32(src: Uint16Array, out = new Float32Array(src.length)): Float32Array {
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) bits[i] = src[i] << 16;
  return out;
}
