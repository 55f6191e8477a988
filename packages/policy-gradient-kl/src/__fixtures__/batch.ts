// A seeded [N, T] batch for loss tests: ragged completion lengths, log-ratios that put some tokens outside the
// trust region on both sides, reference log-probs and entropies. Values are float32-exact so a float64 reference
// sees the same numbers as the tensors.
import { Rng } from '@rfai/core';

export interface TestBatch {
  n: number;
  t: number;
  lengths: number[];
  logprobs: number[];
  old: number[];
  ref: number[];
  entropy: number[];
  adv: number[];
  mask: number[];
}

export function makeBatch(seed: number, lengths = [6, 3, 1, 4], adv = [1.2, -0.7, 0.4, -1.5]): TestBatch {
  const rng = new Rng(seed);
  const range = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
  const n = lengths.length;
  const t = Math.max(...lengths);
  const f = Math.fround;
  const b: TestBatch = { n, t, lengths, logprobs: [], old: [], ref: [], entropy: [], adv: adv.map(f), mask: [] };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < t; j++) {
      const real = j < lengths[i];
      const lp = f(range(-3, -0.05));
      b.mask.push(real ? 1 : 0);
      b.logprobs.push(real ? lp : -Infinity); // padding holds garbage on purpose
      b.old.push(real ? f(lp + range(-0.45, 0.45)) : NaN);
      b.ref.push(real ? f(lp + range(-0.6, 0.6)) : 0);
      b.entropy.push(real ? f(range(0.2, 2.5)) : NaN);
    }
  }
  return b;
}

/** The same batch with padding set to 0 (what the implementation sees after masking), for the float64 reference. */
export function cleaned(b: TestBatch): TestBatch {
  const z = (xs: number[]) => xs.map((x, k) => (b.mask[k] ? x : 0));
  return { ...b, logprobs: z(b.logprobs), old: z(b.old), ref: z(b.ref), entropy: z(b.entropy) };
}
