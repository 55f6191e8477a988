import { Rng } from '@rfai/core';
import { argmax, logProbOf, sampleToken } from './sampling';

function freqs(logits: number[], params: { temperature: number; topK: number; topP: number }, draws = 20000): number[] {
  const rng = new Rng(5);
  const l = Float32Array.from(logits);
  const counts = new Array(logits.length).fill(0);
  for (let i = 0; i < draws; i++) counts[sampleToken(l, params, rng)]++;
  return counts.map((c) => c / draws);
}

/** Expected distribution computed directly (float64): temperature, then top-k, then top-p, as transformers. */
function expected(logits: number[], t: number, k: number, p: number): number[] {
  const order = logits.map((_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  let keep = k > 0 ? order.slice(0, k) : order;
  const m = Math.max(...logits);
  let w = keep.map((i) => Math.exp((logits[i] - m) / t));
  let z = w.reduce((a, b) => a + b, 0);
  if (p < 1) {
    let cum = 0;
    let cut = keep.length;
    for (let j = 0; j < keep.length; j++) {
      cum += w[j] / z;
      if (cum >= p) {
        cut = j + 1;
        break;
      }
    }
    keep = keep.slice(0, cut);
    w = w.slice(0, cut);
    z = w.reduce((a, b) => a + b, 0);
  }
  const out = new Array(logits.length).fill(0);
  keep.forEach((i, j) => (out[i] = w[j] / z));
  return out;
}

describe('sampleToken', () => {
  const logits = [0, Math.log(2), Math.log(3), Math.log(4), -1, -Infinity];
  it.each([
    [1, 0, 1],
    [0.5, 0, 1],
    [2, 0, 1],
    [1, 3, 1],
    [1, 0, 0.6],
    [1, 4, 0.5],
    [0.7, 2, 0.9],
  ])('temperature %p, top-k %p, top-p %p matches the exact distribution', (t, k, p) => {
    const f = freqs(logits, { temperature: t, topK: k, topP: p });
    const e = expected(logits, t, k, p);
    for (let i = 0; i < logits.length; i++) expect(Math.abs(f[i] - e[i])).toBeLessThan(0.015);
    expect(f[5]).toBe(0);
  });

  it('top-k 1 and a tiny top-p are argmax; seeded draws repeat', () => {
    const rng = new Rng(1);
    const l = Float32Array.from([0.1, 2, 1.9, -3]);
    for (let i = 0; i < 20; i++) {
      expect(sampleToken(l, { temperature: 1, topK: 1, topP: 1 }, rng)).toBe(1);
      expect(sampleToken(l, { temperature: 1, topK: 0, topP: 1e-6 }, rng)).toBe(1);
    }
    const a = Array.from({ length: 50 }, (_, i) => sampleToken(l, { temperature: 1, topK: 0, topP: 1 }, new Rng(i)));
    const b = Array.from({ length: 50 }, (_, i) => sampleToken(l, { temperature: 1, topK: 0, topP: 1 }, new Rng(i)));
    expect(a).toEqual(b);
  });

  it('large vocabularies: top-k/top-p select from the right candidates', () => {
    const V = 151936;
    const l = new Float32Array(V).fill(-20);
    l[100] = 5;
    l[70000] = 5;
    l[150000] = 4;
    const f = freqs(Array.from(l), { temperature: 1, topK: 2, topP: 1 }, 40);
    expect(f[100] + f[70000]).toBe(1);
    expect(f[100]).toBeGreaterThan(0.1);
    expect(f[70000]).toBeGreaterThan(0.1);
    // Mass of 100, 70000, 150000 is ~0.99999: top-p 0.9 keeps exactly those three.
    const g = freqs(Array.from(l), { temperature: 1, topK: 0, topP: 0.9 }, 40);
    expect(g[100] + g[70000] + g[150000]).toBe(1);
    expect(g[150000]).toBeGreaterThan(0);
  });

  it('logProbOf and argmax', () => {
    const l = Float32Array.from([1, 2, 3]);
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expect(logProbOf(l, 1)).toBeCloseTo(2 - lse, 6);
    expect(argmax(Float32Array.from([1, 5, 5, 2]))).toBe(1);
  });
});
