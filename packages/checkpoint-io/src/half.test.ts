import { bf16BitsToF32, bf16ToFloat32, f16BitsToF32, f16ToFloat32, f32ToBf16Bits, f32ToF16Bits, float32ToBf16, float32ToF16 } from './half';

// Independent reference: the value of an F16 bit pattern from its definition.
function f16Value(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0x1f) return m ? NaN : s * Infinity;
  if (e === 0) return s * m * 2 ** -24;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

function bitsOf(x: number): number {
  return new Uint32Array(new Float32Array([x]).buffer)[0];
}

// Seeded LCG so the random cases are the same every run.
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

describe('F16', () => {
  it('widens all 65536 bit patterns exactly', () => {
    const bad: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const want = f16Value(h);
      const got = f16BitsToF32(h);
      if (Number.isNaN(want) ? !Number.isNaN(got) : !Object.is(got, want)) bad.push(h);
    }
    expect(bad).toEqual([]);
  });

  it('round-trips every non-NaN pattern and keeps NaN a NaN', () => {
    const bad: number[] = [];
    let nans = 0;
    for (let h = 0; h < 65536; h++) {
      const back = f32ToF16Bits(f16BitsToF32(h));
      if (Number.isNaN(f16Value(h))) {
        nans++;
        // Still NaN, and quiet.
        if ((back & 0x7c00) !== 0x7c00 || (back & 0x200) === 0) bad.push(h);
      } else if (back !== h) bad.push(h);
    }
    expect(bad).toEqual([]);
    expect(nans).toBe(2 * 1023);
  });

  it('rounds known values to nearest even', () => {
    const cases: [number, number][] = [
      [1, 0x3c00],
      [-2, 0xc000],
      [0.1, 0x2e66],
      [65504, 0x7bff],
      [65519.99, 0x7bff],
      [65520, 0x7c00], // halfway to 65536 -> even -> Inf
      [1e9, 0x7c00],
      [-Infinity, 0xfc00],
      [-0, 0x8000],
      [2 ** -24, 0x0001],
      [2 ** -25, 0x0000], // tie to even (0)
      [1.5 * 2 ** -25, 0x0001],
      [3 * 2 ** -25, 0x0002], // 1.5 ulp -> tie -> even (2)
      [2 ** -14, 0x0400],
      [1 + 2 ** -11, 0x3c00], // tie -> even
      [1 + 3 * 2 ** -11, 0x3c02],
    ];
    for (const [x, h] of cases) expect([x, f32ToF16Bits(x)]).toEqual([x, h]);
  });

  it('matches a brute-force nearest search on random floats', () => {
    // Every non-negative finite F16 value in increasing order (bit order is value order).
    const values: number[] = [];
    for (let h = 0; h < 0x7c00; h++) values.push(f16Value(h));
    const next = lcg(7);
    const xs = new Float32Array(5000);
    for (let i = 0; i < xs.length; i++) {
      // Exponents spread over the F16 range and beyond, random mantissa.
      xs[i] = (next() & 1 ? -1 : 1) * (1 + next() / 2 ** 32) * 2 ** ((next() % 46) - 30);
    }
    const got = float32ToF16(xs);
    const bad: [number, number, number][] = [];
    for (let i = 0; i < xs.length; i++) {
      const a = Math.abs(xs[i]);
      let want: number;
      if (a >= 65520) want = 0x7c00;
      else {
        let lo = 0;
        let hi = values.length - 1;
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if (values[mid] <= a) lo = mid;
          else hi = mid;
        }
        const dl = a - values[lo];
        const dh = values[hi] - a;
        want = dl < dh ? lo : dh < dl ? hi : lo % 2 === 0 ? lo : hi;
      }
      if (xs[i] < 0) want |= 0x8000;
      if (got[i] !== want) bad.push([xs[i], got[i], want]);
    }
    expect(bad).toEqual([]);
    expect(Array.from(f16ToFloat32(new Uint16Array([0x3c00, 0xfc00, 0x0001])))).toEqual([1, -Infinity, 2 ** -24]);
  });
});

describe('BF16', () => {
  it('widens by shifting into the upper 16 bits', () => {
    expect(bf16BitsToF32(0x3f80)).toBe(1);
    expect(bf16BitsToF32(0xc040)).toBe(-3);
    expect(Object.is(bf16BitsToF32(0x8000), -0)).toBe(true);
    expect(bf16BitsToF32(0x7f80)).toBe(Infinity);
    expect(Number.isNaN(bf16BitsToF32(0x7fc0))).toBe(true);
    expect(Array.from(bf16ToFloat32(new Uint16Array([0x4049, 0x0001])))).toEqual([3.140625, 2 ** -133]);
  });

  it('rounds to nearest even and keeps NaN, Inf and -0', () => {
    const cases: [number, number][] = [
      [1, 0x3f80],
      [1 + 2 ** -8, 0x3f80], // halfway between 0x3f80 and 0x3f81 -> even
      [1 + 3 * 2 ** -8, 0x3f82], // halfway between 0x3f81 and 0x3f82 -> even
      [1 + 2 ** -8 + 2 ** -20, 0x3f81],
      [3.14159265, 0x4049],
      [-0, 0x8000],
      [Infinity, 0x7f80],
      [-Infinity, 0xff80],
      [3.4028234663852886e38, 0x7f80], // max F32 rounds up to Inf
    ];
    for (const [x, h] of cases) expect([x, f32ToBf16Bits(x)]).toEqual([x, h]);
    const nan = f32ToBf16Bits(NaN);
    expect(nan & 0x7f80).toBe(0x7f80);
    expect(nan & 0x40).toBe(0x40);
    // A signalling NaN whose payload lives only in the low bits must not become Inf.
    const snan = new Float32Array(new Uint32Array([0x7f800001]).buffer);
    expect(float32ToBf16(snan)[0]).toBe(0x7fc0);
  });

  it('matches an independent nearest computation on random floats', () => {
    const next = lcg(11);
    const bits = new Uint32Array(5000);
    for (let i = 0; i < bits.length; i++) {
      // Random finite floats (exponent below 0xff).
      bits[i] = (next() & 0x807fffff) | ((next() % 255) << 23);
    }
    const xs = new Float32Array(bits.buffer);
    const got = float32ToBf16(xs);
    const bad: [number, number, number][] = [];
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      const lo = (bits[i] >>> 16) & 0xffff;
      const vLo = bf16BitsToF32(lo);
      const vHi = bf16BitsToF32(lo + 1); // next magnitude (may be Inf)
      const dl = Math.abs(x - vLo);
      const dh = Math.abs(vHi - x);
      const want = dl < dh ? lo : dh < dl ? lo + 1 : lo % 2 === 0 ? lo : lo + 1;
      if (got[i] !== want || f32ToBf16Bits(x) !== want) bad.push([x, got[i], want]);
    }
    expect(bad).toEqual([]);
    expect(bitsOf(1)).toBe(0x3f800000);
  });
});
