// Exactness of the loss gradient w.r.t. the log-probs: autodiff against central finite differences, the REINFORCE
// identity at rho = 1, and the direction of clipping.
import { Rng, tf } from '@rfai/core';
import { cleaned, makeBatch } from './__fixtures__/batch';
import { type RefOptions, refGradient } from './__fixtures__/reference-loss';
import { type LossAggregation, type PolicyLossOptions, policyLoss } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** d loss / d logprobs by autodiff, as a flat array. */
function autodiff(opts: Omit<PolicyLossOptions, 'logprobs'>, logprobs: number[], n: number, t: number): Float32Array {
  const x = tf.tensor2d(logprobs, [n, t]);
  const g = tf.grad((lp: tf.Tensor) => policyLoss({ ...opts, logprobs: lp as tf.Tensor2D }).loss)(x);
  const out = g.dataSync() as Float32Array;
  tf.dispose([x, g]);
  return out;
}

function lossAt(opts: Omit<PolicyLossOptions, 'logprobs'>, logprobs: number[], n: number, t: number): number {
  const x = tf.tensor2d(logprobs, [n, t]);
  const { loss } = policyLoss({ ...opts, logprobs: x });
  const v = loss.dataSync()[0];
  tf.dispose([x, loss]);
  return v;
}

const aggs: LossAggregation[] = ['token-mean', 'sequence-mean', 'constant'];

describe('gradient w.r.t. log-probs vs central finite differences', () => {
  const b = makeBatch(42);
  const c = cleaned(b);
  const epsLow = 0.2;
  const epsHigh = 0.28;

  it('the fixture keeps every token at least 5e-3 away from a clip boundary (no kink inside the FD stencil)', () => {
    for (let k = 0; k < b.n * b.t; k++) {
      if (!b.mask[k]) continue;
      const rho = Math.exp(b.logprobs[k] - b.old[k]);
      expect(Math.abs(rho - (1 - epsLow))).toBeGreaterThan(5e-3);
      expect(Math.abs(rho - (1 + epsHigh))).toBeGreaterThan(5e-3);
    }
  });

  it.each(aggs)('%s: matches float64 finite differences of the reference loss to 2e-6', (aggregation) => {
    const mk = (xs: number[]) => tf.tensor2d(xs, [b.n, b.t]);
    const ts = { oldLogprobs: mk(b.old), refLogprobs: mk(b.ref), entropy: mk(b.entropy), mask: mk(b.mask) };
    const opts = { ...ts, advantages: b.adv, clipEpsilon: epsLow, clipEpsilonHigh: epsHigh, klCoef: 0.07, entropyCoef: 0.01, aggregation };
    const g = autodiff(opts, b.logprobs, b.n, b.t);
    const o: RefOptions = { epsLow, epsHigh, klCoef: 0.07, klEstimator: 'k3', entropyCoef: 0.01, aggregation };
    // float64 central differences with h = 1e-6: truncation ~h^2 |f'''| < 1e-11, rounding ~1e-16/1e-6 = 1e-10;
    // the float32 autodiff itself carries ~1e-7 relative error on gradients of size <= 0.3, hence 2e-6.
    const want = refGradient(c, o);
    for (let k = 0; k < b.n * b.t; k++) expect(Math.abs(g[k] - want[k])).toBeLessThan(2e-6);
    // masked positions (holding -Infinity / NaN in the inputs) get exactly zero gradient
    for (let k = 0; k < b.n * b.t; k++) if (!b.mask[k]) expect(Math.abs(g[k])).toBe(0);
    expect(want.some((x, k) => b.mask[k] && Math.abs(x) > 1e-3)).toBe(true);
    tf.dispose(Object.values(ts));
  });

  it('matches float32 central differences of the implementation itself (h = 1e-3, tolerance 5e-4)', () => {
    // Error budget: the float32 loss (14 terms of size <= 0.3, summed) carries a rounding error |dL| of a few
    // 1e-8 to 1e-7; a central difference divides the difference of two such errors by 2h ~ 2e-3, giving up to
    // ~1e-4. Truncation, h^2/6 |f'''| with |f'''| <= ~1 here, is ~2e-7. h is a power of two so x +- h is exact.
    // Tolerance 5e-4: above the rounding bound, still 100x below the largest gradients (~0.1) tested.
    const mk = (xs: number[]) => tf.tensor2d(xs, [b.n, b.t]);
    const ts = { oldLogprobs: mk(b.old), refLogprobs: mk(b.ref), entropy: mk(b.entropy), mask: mk(b.mask) };
    const opts = { ...ts, advantages: b.adv, clipEpsilon: epsLow, clipEpsilonHigh: epsHigh, klCoef: 0.07, entropyCoef: 0.01 };
    const g = autodiff(opts, b.logprobs, b.n, b.t);
    const h = 1 / 1024; // ~1e-3, a power of two so x +- h is exact for these magnitudes
    let worst = 0;
    for (let k = 0; k < b.n * b.t; k++) {
      if (!b.mask[k]) continue;
      const plus = b.logprobs.slice();
      const minus = b.logprobs.slice();
      plus[k] += h;
      minus[k] -= h;
      const fd = (lossAt(opts, plus, b.n, b.t) - lossAt(opts, minus, b.n, b.t)) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - g[k]));
    }
    expect(worst).toBeLessThan(5e-4);
    tf.dispose(Object.values(ts));
  });
});

describe('REINFORCE at rho = 1', () => {
  const b = makeBatch(17);
  const c = cleaned(b);
  const total = b.lengths.reduce((s, l) => s + l, 0);

  it.each(aggs)('%s: d loss / d logp[i, t] = -A_i * w[i, t] with the aggregation weight', (aggregation) => {
    const mask = tf.tensor2d(b.mask, [b.n, b.t]);
    // oldLogprobs omitted (one epoch), and passed explicitly equal: both give rho = 1
    const gOmitted = autodiff({ mask, advantages: b.adv, aggregation }, c.logprobs, b.n, b.t);
    const old = tf.tensor2d(c.logprobs, [b.n, b.t]);
    const gEqual = autodiff({ mask, oldLogprobs: old, advantages: b.adv, aggregation }, c.logprobs, b.n, b.t);
    for (let i = 0; i < b.n; i++) {
      const w = aggregation === 'token-mean' ? 1 / total : aggregation === 'sequence-mean' ? 1 / (b.lengths[i] * b.n) : 1 / (b.n * b.t);
      for (let j = 0; j < b.t; j++) {
        const want = b.mask[i * b.t + j] ? -b.adv[i] * w : 0;
        expect(gOmitted[i * b.t + j]).toBeCloseTo(want, 7);
        expect(gEqual[i * b.t + j]).toBeCloseTo(want, 7);
      }
    }
    tf.dispose([mask, old]);
  });

  it('through a softmax policy, equals the gradient of -sum_i A_i sum_t w log pi(y_t) w.r.t. the logits', () => {
    // A tiny tabular policy: logits theta [T, K] per position, N sampled sequences of length T.
    const rng = new Rng(99);
    const n = 5;
    const t = 4;
    const kv = 6;
    const theta = tf.variable(tf.tensor2d(rng.uniformArray(t * kv, -1, 1), [t, kv]));
    const tokens = Array.from({ length: n * t }, () => rng.int(kv));
    const lengths = [4, 2, 3, 1, 4];
    const maskArr = tokens.map((_, k) => (k % t < lengths[Math.floor(k / t)] ? 1 : 0));
    const adv = [0.9, -1.1, 0.3, 1.7, -0.4];
    const mask = tf.tensor2d(maskArr, [n, t]);
    const onehot = tf.oneHot(tf.tensor2d(tokens, [n, t], 'int32'), kv); // [N, T, K]
    const logpOf = () => tf.sum(tf.mul(tf.expandDims(tf.logSoftmax(theta), 0), onehot), -1) as tf.Tensor2D; // [N, T]
    const total = lengths.reduce((s, l) => s + l, 0);

    const { grads: g1 } = tf.variableGrads(() => policyLoss({ logprobs: logpOf(), mask, advantages: adv }).loss, [theta]);
    const w = tf.tensor2d(maskArr.map((m, k) => (m * -adv[Math.floor(k / t)]) / total), [n, t]);
    const { grads: g2 } = tf.variableGrads(() => tf.sum(tf.mul(logpOf(), w)) as tf.Scalar, [theta]);
    const a = g1[theta.name].dataSync();
    const e = g2[theta.name].dataSync();
    expect(Math.max(...Array.from(e, Math.abs))).toBeGreaterThan(1e-2);
    for (let k = 0; k < a.length; k++) expect(a[k]).toBeCloseTo(e[k], 6);
    tf.dispose([theta, mask, onehot, w, g1[theta.name], g2[theta.name]]);
  });
});

describe('clipping zeroes the gradient outside the trust region, in the right direction', () => {
  // One token per case; eps = 0.2. Gradient of -min(rho A, clip(rho) A) w.r.t. log pi is -A rho inside the
  // active branch, 0 where the clipped branch is the minimum.
  const cases: [string, number, number, boolean][] = [
    ['A > 0, rho = 1.5 (above 1 + eps): no push further up', 1, 1.5, false],
    ['A > 0, rho = 0.5 (below 1 - eps): still pushed up', 1, 0.5, true],
    ['A > 0, rho = 1.1 (inside)', 1, 1.1, true],
    ['A < 0, rho = 0.5 (below 1 - eps): no push further down', -1, 0.5, false],
    ['A < 0, rho = 1.5 (above 1 + eps): still pushed down', -1, 1.5, true],
    ['A < 0, rho = 0.9 (inside)', -1, 0.9, true],
  ];
  it.each(cases)('%s', (_name, a, rho, flows) => {
    const old = -1.3;
    const lp = old + Math.log(rho);
    const oldT = tf.tensor2d([[old]]);
    const mask = tf.tensor2d([[1]]);
    const g = autodiff({ oldLogprobs: oldT, mask, advantages: [a * 2] }, [lp], 1, 1)[0];
    if (flows) expect(g).toBeCloseTo(-a * 2 * rho, 5);
    else expect(Math.abs(g)).toBe(0);
    // and the sign: a gradient step (lp -= lr * g) moves rho towards more of the advantage
    if (flows) expect(Math.sign(-g)).toBe(Math.sign(a));
    tf.dispose([oldT, mask]);
  });

  it('clipEpsilonLow / clipEpsilonHigh move the boundaries separately', () => {
    const oldT = tf.tensor2d([[-1]]);
    const mask = tf.tensor2d([[1]]);
    // rho = 1.25: inside with high = 0.28, clipped with the default 0.2
    const lp = -1 + Math.log(1.25);
    expect(Math.abs(autodiff({ oldLogprobs: oldT, mask, advantages: [1] }, [lp], 1, 1)[0])).toBe(0);
    expect(autodiff({ oldLogprobs: oldT, mask, advantages: [1], clipEpsilonHigh: 0.28 }, [lp], 1, 1)[0]).toBeCloseTo(-1.25, 5);
    // rho = 0.85: inside with the default, clipped with low = 0.1 for A < 0
    const lp2 = -1 + Math.log(0.85);
    expect(autodiff({ oldLogprobs: oldT, mask, advantages: [-1] }, [lp2], 1, 1)[0]).toBeCloseTo(0.85, 5);
    expect(Math.abs(autodiff({ oldLogprobs: oldT, mask, advantages: [-1], clipEpsilonLow: 0.1 }, [lp2], 1, 1)[0])).toBe(0);
    tf.dispose([oldT, mask]);
  });
});

describe('KL and entropy terms in the gradient', () => {
  it('k3 adds klCoef * w * (1 - exp(q - p)); the entropy bonus gives -entropyCoef * w on the entropy', () => {
    const mask = tf.tensor2d([[1, 1]]);
    const ref = tf.tensor2d([[-0.5, -2]]);
    const ent = tf.tensor2d([[1.0, 0.5]]);
    const p = [-1, -1.5];
    const g = autodiff({ mask, refLogprobs: ref, advantages: [0], klCoef: 0.3 }, p, 1, 2);
    expect(g[0]).toBeCloseTo((0.3 / 2) * (1 - Math.exp(0.5)), 6);
    expect(g[1]).toBeCloseTo((0.3 / 2) * (1 - Math.exp(-0.5)), 6);
    const lp = tf.tensor2d([p]);
    const ge = tf.grad((e: tf.Tensor) => policyLoss({ logprobs: lp, mask, advantages: [1], entropy: e as tf.Tensor2D, entropyCoef: 0.05 }).loss)(ent);
    const gv = ge.dataSync();
    expect(gv[0]).toBeCloseTo(-0.05 / 2, 7);
    expect(gv[1]).toBeCloseTo(-0.05 / 2, 7);
    tf.dispose([mask, ref, ent, lp, ge]);
  });
});
