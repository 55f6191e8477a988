// Deterministic test helpers: a seeded PRNG (mulberry32) and categorical sampling. Test-only.

/** mulberry32: a small 32-bit seeded generator; uniform() in [0, 1). */
export class TestRng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  uniform(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }
  /** Index drawn from the categorical distribution `probs` (sums to 1). */
  categorical(probs: readonly number[]): number {
    const u = this.uniform();
    let c = 0;
    for (let k = 0; k < probs.length; k++) {
      c += probs[k];
      if (u < c) return k;
    }
    return probs.length - 1;
  }
}
