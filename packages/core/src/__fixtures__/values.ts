// Test helpers shared by the hand-written wasm kernels' tests: deterministic inputs and a relative comparison.

/** n deterministic values in (-scale, scale) without structure (a linear congruential sequence from seed). */
export function lcgValues(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

/** Largest |a - b| / (1 + |b|); the lengths must agree. */
export function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxRel: lengths differ (${a.length} and ${b.length})`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return worst;
}
