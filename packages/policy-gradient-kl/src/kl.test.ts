import { Rng, tf } from '@rfai/core';
import { PGOptionError, PGShapeError, PGValueError, klPenalizedRewards, klPerToken, klValue } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Exact moments of each estimator for tokens sampled from pi, with q = log ref. */
function exactMoments(pi: number[], ref: number[]) {
  const e = { kl: 0, k1: [0, 0], k2: [0, 0], k3: [0, 0] };
  for (let k = 0; k < pi.length; k++) {
    const d = Math.log(ref[k]) - Math.log(pi[k]);
    e.kl += pi[k] * Math.log(pi[k] / ref[k]);
    const v = { k1: -d, k2: 0.5 * d * d, k3: Math.exp(d) - d - 1 };
    for (const name of ['k1', 'k2', 'k3'] as const) {
      e[name][0] += pi[k] * v[name];
      e[name][1] += pi[k] * v[name] * v[name];
    }
  }
  return e;
}

describe('KL estimators', () => {
  it('match their formulas elementwise', () => {
    const p = [-0.1, -2.3, -5, -0.7];
    const q = [-0.3, -1.1, -5, -4.2];
    for (const est of ['k1', 'k2', 'k3'] as const) {
      const got = klPerToken(tf.tensor1d(p), tf.tensor1d(q), est);
      const want = p.map((pi, i) => {
        const d = q[i] - pi;
        return est === 'k1' ? pi - q[i] : est === 'k2' ? 0.5 * (pi - q[i]) ** 2 : Math.exp(d) - d - 1;
      });
      const g = got.dataSync();
      want.forEach((w, i) => expect(g[i]).toBeCloseTo(w, 5));
      want.forEach((w, i) => expect(klValue(p[i], q[i], est)).toBeCloseTo(w, 12));
      got.dispose();
    }
  });

  it('k3 is never negative, also for tiny and large log-ratios in float32', () => {
    const n = 4001;
    const d = new Float32Array(n);
    for (let i = 0; i < n; i++) d[i] = (i - 2000) * 0.01; // [-20, 20]
    const tiny = Float32Array.from([1e-9, -1e-9, 3e-8, -3e-8, 1e-7, -1e-7, 6e-8, -6e-8, 1e-6, -1e-6]);
    for (const ds of [d, tiny]) {
      const p = tf.tensor1d(Array.from(ds, () => -1.5));
      const q = tf.add(p, tf.tensor1d(ds));
      const k3 = klPerToken(p, q, 'k3');
      expect(tf.min(k3).dataSync()[0]).toBeGreaterThanOrEqual(0);
      tf.dispose([p, q, k3]);
    }
    for (const x of [-30, -1e-9, 0, 1e-9, 30]) expect(klValue(0, x, 'k3')).toBeGreaterThanOrEqual(0);
  });

  // Monte Carlo: tokens sampled from pi with a seeded sampler; the sample mean of each estimator must sit within
  // 4 standard errors (from the exact variance) of its exact expectation; k1 and k3 expectations equal KL exactly.
  const pairs: [string, number[], number[]][] = [
    ['close', [0.3, 0.25, 0.2, 0.15, 0.1], [0.28, 0.27, 0.18, 0.17, 0.1]],
    ['far', [0.7, 0.1, 0.1, 0.05, 0.05], [0.1, 0.2, 0.2, 0.25, 0.25]],
  ];
  it.each(pairs)('sample means approach the exact KL (%s distributions)', (name, pi, ref) => {
    const M = 100_000;
    const rng = new Rng(name === 'close' ? 1234 : 5678);
    const lp = new Float32Array(M);
    const lq = new Float32Array(M);
    for (let i = 0; i < M; i++) {
      const k = rng.categorical(pi);
      lp[i] = Math.log(pi[k]);
      lq[i] = Math.log(ref[k]);
    }
    const p = tf.tensor1d(lp);
    const q = tf.tensor1d(lq);
    const ex = exactMoments(pi, ref);
    // unbiasedness of k1 and k3 holds exactly
    expect(ex.k1[0]).toBeCloseTo(ex.kl, 12);
    expect(ex.k3[0]).toBeCloseTo(ex.kl, 12);
    for (const est of ['k1', 'k2', 'k3'] as const) {
      const k = klPerToken(p, q, est);
      const mean = tf.mean(k).dataSync()[0];
      const [m1, m2] = ex[est];
      const se = Math.sqrt((m2 - m1 * m1) / M);
      expect(Math.abs(mean - m1)).toBeLessThan(4 * se);
      if (est !== 'k2') expect(Math.abs(mean - ex.kl)).toBeLessThan(4 * se);
      expect(tf.min(k).dataSync()[0]).toBeGreaterThanOrEqual(est === 'k1' ? -Infinity : 0);
      k.dispose();
    }
    if (name === 'close') {
      // k2 is biased but its bias is third order in the log-ratio: within 5 % of KL for close distributions
      expect(Math.abs(ex.k2[0] - ex.kl) / ex.kl).toBeLessThan(0.05);
      // and k3 has a much lower variance than k1 there
      expect(ex.k3[1] - ex.k3[0] ** 2).toBeLessThan(0.1 * (ex.k1[1] - ex.k1[0] ** 2));
    } else {
      expect(Math.abs(ex.k2[0] - ex.kl) / ex.kl).toBeGreaterThan(0.2); // visibly biased far apart
    }
    tf.dispose([p, q]);
  });

  it('propagates gradients to the policy log-probs', () => {
    const q = tf.tensor1d([-1, -2]);
    const g = tf.grad((p: tf.Tensor) => tf.sum(klPerToken(p, q, 'k3')))(tf.tensor1d([-1.5, -1]));
    // d/dp [exp(q - p) - (q - p) - 1] = 1 - exp(q - p)
    const gv = g.dataSync();
    expect(gv[0]).toBeCloseTo(1 - Math.exp(0.5), 5);
    expect(gv[1]).toBeCloseTo(1 - Math.exp(-1), 5);
  });

  it('rejects mismatched shapes and unknown estimators', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([2, 2]);
    expect(() => klPerToken(a, b, 'k3')).toThrow(
      new PGShapeError('logpRef', [2, 3], [2, 2], 'Reference log-probs must align with the policy log-probs'),
    );
    expect(() => klPerToken(a, a, 'k4' as never)).toThrow("option estimator: expected one of 'k1', 'k2', 'k3', found \"k4\"");
    tf.dispose([a, b]);
  });
});

describe('klPenalizedRewards (KL placement "reward")', () => {
  const logprobs = [[-0.5, -1.0, -0.2], [-2.0], []];
  const refLogprobs = [[-0.7, -0.9, -0.2], [-1.0], []];

  it('puts -beta * k1 on every token and the reward on the last one', () => {
    const res = klPenalizedRewards({ rewards: [1, 0.5, 0.25], logprobs, refLogprobs, klCoef: 0.1 });
    // k1 = p - q: [0.2, -0.1, 0], [-1.0]
    expect(res.klSums[0]).toBeCloseTo(0.1, 12);
    expect(res.klSums[1]).toBeCloseTo(-1.0, 12);
    expect(res.klSums[2]).toBe(0);
    expect(res.tokenRewards[0][0]).toBeCloseTo(-0.02, 12);
    expect(res.tokenRewards[0][1]).toBeCloseTo(0.01, 12);
    expect(res.tokenRewards[0][2]).toBeCloseTo(1, 12);
    expect(res.tokenRewards[1][0]).toBeCloseTo(0.5 + 0.1, 12);
    expect(res.tokenRewards[2]).toEqual([]);
    expect(res.returns[0]).toBeCloseTo(1 - 0.01, 12);
    expect(res.returns[1]).toBeCloseTo(0.5 + 0.1, 12);
    expect(res.returns[2]).toBe(0.25);
    // returns are the sums of the token rewards
    expect(res.tokenRewards[0].reduce((a, b) => a + b, 0)).toBeCloseTo(res.returns[0], 12);
    expect(res.klMean).toBeCloseTo((0.1 - 1.0) / 4, 12);
  });

  it('uses k3 when asked, and keeps ungraded rewards NaN', () => {
    const res = klPenalizedRewards({ rewards: [NaN, null, 0], logprobs, refLogprobs, klCoef: 1, estimator: 'k3' });
    const k3 = (p: number, q: number) => Math.exp(q - p) - (q - p) - 1;
    expect(res.klSums[0]).toBeCloseTo(k3(-0.5, -0.7) + k3(-1.0, -0.9), 12);
    expect(res.returns[0]).toBeNaN();
    expect(res.returns[1]).toBeNaN();
    expect(res.tokenRewards[0][2]).toBeNaN();
    expect(res.tokenRewards[0][0]).toBeCloseTo(-k3(-0.5, -0.7), 12);
  });

  it('accepts [N, T] tensors with a mask', () => {
    const lp = tf.tensor2d([[-0.5, -1.0, -0.2], [-2.0, -Infinity, 0]]);
    const lr = tf.tensor2d([[-0.7, -0.9, -0.2], [-1.0, 0, 0]]);
    const mask = tf.tensor2d([[1, 1, 1], [1, 0, 0]]);
    const res = klPenalizedRewards({ rewards: [1, 0.5], logprobs: lp, refLogprobs: lr, mask, klCoef: 0.1 });
    expect(res.klSums[0]).toBeCloseTo(0.1, 6);
    expect(res.returns[1]).toBeCloseTo(0.6, 6);
    expect(res.tokenRewards[1].length).toBe(1);
    tf.dispose([lp, lr, mask]);
  });

  it('rejects inconsistent inputs', () => {
    expect(() => klPenalizedRewards({ rewards: [1], logprobs, refLogprobs, klCoef: 0.1 })).toThrow(
      'logprobs: expected shape [1], found [3]. Give one log-prob sequence per reward',
    );
    expect(() =>
      klPenalizedRewards({ rewards: [1, 1, 1], logprobs, refLogprobs: [[-1], [-1], []], klCoef: 0.1 }),
    ).toThrow('refLogprobs[0]: expected shape [3], found [1]');
    expect(() =>
      klPenalizedRewards({ rewards: [1, 1, 1], logprobs: [[-1, NaN], [], []], refLogprobs: [[-1, -1], [], []], klCoef: 0.1 }),
    ).toThrow(new PGValueError('logprobs', [0, 1], NaN, 'a finite log-prob on a completion token'));
    expect(() => klPenalizedRewards({ rewards: [Infinity, 1, 1], logprobs, refLogprobs, klCoef: 0.1 })).toThrow(
      'rewards[0]: expected a finite number, or NaN/null for an ungraded sample, found Infinity',
    );
    expect(() => klPenalizedRewards({ rewards: [1, 1, 1], logprobs, refLogprobs, klCoef: -1 })).toThrow(
      new PGOptionError('klCoef', 'a finite number >= 0', -1),
    );
    const t = tf.zeros([3, 2]) as tf.Tensor2D;
    expect(() => klPenalizedRewards({ rewards: [1, 1, 1], logprobs: t, refLogprobs: t, klCoef: 0.1 })).toThrow(
      'mask: expected shape [3, 2], found []. A mask [N, T] is required when logprobs is a tensor',
    );
    expect(() => klPenalizedRewards({ rewards: [1, 1, 1], logprobs, refLogprobs, mask: t, klCoef: 0.1 })).toThrow(
      'mask: expected shape absent for ragged log-prob arrays, found [3, 2]. Pass a mask only with [N, T] tensors',
    );
    t.dispose();
  });
});
