import { tf } from '@rfai/core';
import { cleaned, makeBatch } from './__fixtures__/batch';
import { type RefOptions, refLoss, refTokenLoss } from './__fixtures__/reference-loss';
import {
  type LossAggregation,
  type PolicyLossOptions,
  PGOptionError,
  PGShapeError,
  PGValueError,
  policyLoss,
} from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const t2 = (xs: number[], n: number, t: number) => tf.tensor2d(xs, [n, t]);

function tensors(b: ReturnType<typeof makeBatch>) {
  return {
    logprobs: t2(b.logprobs, b.n, b.t),
    oldLogprobs: t2(b.old, b.n, b.t),
    refLogprobs: t2(b.ref, b.n, b.t),
    entropy: t2(b.entropy, b.n, b.t),
    mask: t2(b.mask, b.n, b.t),
  };
}

describe('policyLoss: values against a float64 reference', () => {
  const b = makeBatch(42);
  const c = cleaned(b);
  const aggs: LossAggregation[] = ['token-mean', 'sequence-mean', 'constant'];
  const cases = aggs.flatMap((aggregation) => (['k1', 'k2', 'k3'] as const).map((klEstimator) => [aggregation, klEstimator] as const));

  it.each(cases)('%s with %s KL, clip, entropy bonus', (aggregation, klEstimator) => {
    const ts = tensors(b);
    const o: RefOptions = { epsLow: 0.2, epsHigh: 0.28, klCoef: 0.05, klEstimator, entropyCoef: 0.01, aggregation, maxLen: 8 };
    const { loss, metrics } = policyLoss({
      ...ts,
      advantages: b.adv,
      clipEpsilon: 0.2,
      clipEpsilonHigh: 0.28,
      klCoef: 0.05,
      klEstimator,
      entropyCoef: 0.01,
      aggregation,
      maxCompletionLength: aggregation === 'constant' ? 8 : undefined,
    });
    const want = refLoss(c, o);
    expect(loss.dataSync()[0]).toBeCloseTo(want, 5);
    expect(metrics.loss).toBeCloseTo(want, 5);
    // the parts add up and each matches its own reference
    const policyOnly = refLoss(c, { ...o, klCoef: 0, entropyCoef: 0 });
    const withKl = refLoss(c, { ...o, entropyCoef: 0 });
    expect(metrics.policy_loss).toBeCloseTo(policyOnly, 5);
    expect(metrics.kl_penalty).toBeCloseTo(withKl - policyOnly, 5);
    expect(metrics.entropy_bonus).toBeCloseTo(withKl - want, 5);
    expect(metrics.normalizer).toBe(aggregation === 'token-mean' ? 14 : aggregation === 'sequence-mean' ? 4 : 32);
    tf.dispose([loss, ...Object.values(ts)]);
  });

  it('reports the metrics a trainer logs, each checked against a direct computation', () => {
    const ts = tensors(b);
    const { loss, metrics } = policyLoss({ ...ts, advantages: b.adv, clipEpsilon: 0.2, klCoef: 0.1 });
    let n = 0, kl = 0, klMax = -Infinity, ent = 0, approx = 0, low = 0, high = 0, rs = 0, rmin = Infinity, rmax = -Infinity;
    for (let i = 0; i < b.n; i++) {
      for (let j = 0; j < b.t; j++) {
        const k = i * b.t + j;
        if (!b.mask[k]) continue;
        const p = b.logprobs[k], q = b.ref[k], lr = p - b.old[k], rho = Math.exp(lr);
        const k3 = Math.exp(q - p) - (q - p) - 1;
        n++;
        kl += k3;
        klMax = Math.max(klMax, k3);
        ent += b.entropy[k];
        approx += rho - 1 - lr;
        rs += rho;
        rmin = Math.min(rmin, rho);
        rmax = Math.max(rmax, rho);
        if (rho < 0.8 && b.adv[i] < 0) low++;
        if (rho > 1.2 && b.adv[i] > 0) high++;
      }
    }
    expect(low).toBeGreaterThan(0); // the fixture exercises both sides of the trust region
    expect(high).toBeGreaterThan(0);
    expect(metrics.num_tokens).toBe(14);
    expect(metrics.masked_tokens).toBe(24 - 14);
    expect(metrics.kl_mean).toBeCloseTo(kl / n, 6);
    expect(metrics.kl_max).toBeCloseTo(klMax, 6);
    expect(metrics.entropy_mean).toBeCloseTo(ent / n, 6);
    expect(metrics.approx_kl).toBeCloseTo(approx / n, 6);
    expect(metrics.clip_fraction_low).toBeCloseTo(low / n, 6);
    expect(metrics.clip_fraction_high).toBeCloseTo(high / n, 6);
    expect(metrics.clip_fraction).toBeCloseTo((low + high) / n, 6);
    expect(metrics.ratio_mean).toBeCloseTo(rs / n, 6);
    expect(metrics.ratio_min).toBeCloseTo(rmin, 6);
    expect(metrics.ratio_max).toBeCloseTo(rmax, 6);
    const am = (1.2 - 0.7 + 0.4 - 1.5) / 4;
    expect(metrics.advantage_mean).toBeCloseTo(am, 6);
    const as = Math.sqrt(b.adv.reduce((s, a) => s + (a - am) ** 2, 0) / 4);
    expect(metrics.advantage_std).toBeCloseTo(as, 6);
    expect(metrics.kl_coef).toBe(0.1);
    expect(metrics.entropy_bonus).toBe(0); // entropy given, coefficient 0: reported, not in the loss
    expect(metrics.num_samples).toBe(4);
    expect(metrics.dropped_samples).toBe(0);
    tf.dispose([loss, ...Object.values(ts)]);
  });

  it('leaks no tensors: only the returned loss survives', () => {
    const ts = tensors(b);
    const before = tf.memory().numTensors;
    const { loss } = policyLoss({ ...ts, advantages: b.adv, klCoef: 0.1, entropyCoef: 0.01 });
    expect(tf.memory().numTensors).toBe(before + 1);
    loss.dispose();
    tf.dispose(Object.values(ts));
  });
});

describe('policyLoss: aggregation normalisers', () => {
  // rho = 1 and no KL: every token's loss is -A of its sequence. Lengths 1 and 3, A = 1 and 2.
  const mask = () => tf.tensor2d([[1, 0, 0], [1, 1, 1]]);
  const lp = () => tf.tensor2d([[-1, 0, 0], [-1, -2, -3]]);
  const run = (aggregation: LossAggregation, extra: Partial<PolicyLossOptions> = {}) => {
    const m = mask();
    const l = lp();
    const { loss, metrics } = policyLoss({ logprobs: l, mask: m, advantages: [1, 2], aggregation, ...extra });
    const v = loss.dataSync()[0];
    tf.dispose([m, l, loss]);
    return { v, metrics };
  };

  it('token-mean divides the token sum by the number of tokens', () => {
    expect(run('token-mean').v).toBeCloseTo(-(1 * 1 + 2 * 3) / 4, 6);
  });
  it('sequence-mean averages the per-sequence token means', () => {
    expect(run('sequence-mean').v).toBeCloseTo(-(1 + 2) / 2, 6);
  });
  it('constant divides by N * maxCompletionLength (default T)', () => {
    expect(run('constant').v).toBeCloseTo(-(1 + 6) / (2 * 3), 6);
    expect(run('constant', { maxCompletionLength: 5 }).v).toBeCloseTo(-(1 + 6) / (2 * 5), 6);
  });
  it('normalizer replaces the denominator (gradient accumulation over micro-batches)', () => {
    expect(run('token-mean', { normalizer: 10 }).v).toBeCloseTo(-7 / 10, 6);
    expect(run('sequence-mean', { normalizer: 4 }).v).toBeCloseTo(-(1 + 2) / 4, 6);
    expect(run('constant', { normalizer: 20 }).v).toBeCloseTo(-7 / 20, 6);
    // two micro-batches with the global count add up to the full-batch token-mean
    const full = run('token-mean').v;
    const parts = [0, 1].map((i) => {
      const m = tf.tensor2d([[1, 0, 0], [1, 1, 1]][i], [1, 3]);
      const l = tf.tensor2d([[-1, 0, 0], [-1, -2, -3]][i], [1, 3]);
      const { loss } = policyLoss({ logprobs: l, mask: m, advantages: [[1, 2][i]], normalizer: 4 });
      const v = loss.dataSync()[0];
      tf.dispose([m, l, loss]);
      return v;
    });
    expect(parts[0] + parts[1]).toBeCloseTo(full, 6);
  });
  it('an all-masked batch gives loss 0, not NaN', () => {
    for (const aggregation of ['token-mean', 'sequence-mean', 'constant'] as const) {
      const { v, metrics } = run(aggregation, { sampleMask: [0, 0] });
      expect(v).toBe(0);
      expect(metrics.num_tokens).toBe(0);
      expect(metrics.approx_kl).toBe(0);
      expect(metrics.dropped_samples).toBe(2);
      expect(metrics.dropped_tokens).toBe(4);
    }
  });
});

describe('policyLoss: dropped and truncated samples', () => {
  it('masks ungraded samples out entirely (their advantage may be NaN)', () => {
    const b = makeBatch(7);
    const ts = tensors(b);
    const adv = [b.adv[0], NaN, b.adv[2], b.adv[3]];
    for (const aggregation of ['token-mean', 'sequence-mean', 'constant'] as const) {
      const { loss, metrics } = policyLoss({ ...ts, advantages: adv, sampleMask: [1, 0, 1, 1], klCoef: 0.02, aggregation });
      const c = cleaned(b);
      const mask = c.mask.map((m, k) => (Math.floor(k / b.t) === 1 ? 0 : m));
      const want = refLoss({ ...c, mask, adv: [b.adv[0], 0, b.adv[2], b.adv[3]] }, {
        epsLow: 0.2, epsHigh: 0.2, klCoef: 0.02, klEstimator: 'k3', entropyCoef: 0, aggregation,
      });
      expect(loss.dataSync()[0]).toBeCloseTo(want, 5);
      expect(metrics.dropped_samples).toBe(1);
      expect(metrics.dropped_tokens).toBe(3);
      expect(metrics.num_tokens).toBe(11);
      expect(metrics.masked_tokens).toBe(13);
      expect(metrics.normalizer).toBe(aggregation === 'token-mean' ? 11 : aggregation === 'sequence-mean' ? 3 : 24);
      loss.dispose();
    }
    tf.dispose(Object.values(ts));
  });

  it('drops truncated completions only when maskTruncatedCompletions is set', () => {
    const b = makeBatch(9);
    const ts = tensors(b);
    const truncated = [true, false, false, 1];
    const off = policyLoss({ ...ts, advantages: b.adv, truncated });
    expect(off.metrics.truncated_dropped).toBe(0);
    expect(off.metrics.num_tokens).toBe(14);
    const on = policyLoss({ ...ts, advantages: b.adv, truncated, maskTruncatedCompletions: true, sampleMask: [1, 1, 1, 0] });
    expect(on.metrics.truncated_dropped).toBe(1); // row 3 is already dropped by sampleMask
    expect(on.metrics.dropped_samples).toBe(1);
    expect(on.metrics.num_tokens).toBe(3 + 1);
    const c = cleaned(b);
    const keep = [0, 1, 1, 0];
    const want = refLoss({ ...c, mask: c.mask.map((m, k) => m * keep[Math.floor(k / b.t)]) }, {
      epsLow: 0.2, epsHigh: 0.2, klCoef: 0, klEstimator: 'k3', entropyCoef: 0, aggregation: 'token-mean',
    });
    expect(on.loss.dataSync()[0]).toBeCloseTo(want, 5);
    tf.dispose([off.loss, on.loss, ...Object.values(ts)]);
  });
});

describe('policyLoss: KL placement and per-token advantages', () => {
  it("'reward' placement adds no KL term but still reports the KL", () => {
    const b = makeBatch(3);
    const ts = tensors(b);
    const r = policyLoss({ ...ts, advantages: b.adv, klCoef: 0.5, klPlacement: 'reward' });
    const plain = policyLoss({ ...ts, advantages: b.adv });
    expect(r.loss.dataSync()[0]).toBeCloseTo(plain.loss.dataSync()[0], 6);
    expect(r.metrics.kl_penalty).toBe(0);
    expect(r.metrics.kl_mean).toBeGreaterThan(0);
    expect(plain.metrics.kl_mean).toBeGreaterThan(0); // refLogprobs given: reported even with klCoef 0
    const none = policyLoss({ logprobs: ts.logprobs, mask: ts.mask, advantages: b.adv });
    expect(none.metrics.kl_mean).toBeUndefined();
    expect(none.metrics.entropy_mean).toBeUndefined();
    tf.dispose([r.loss, plain.loss, none.loss, ...Object.values(ts)]);
  });

  it('accepts [N] and [N, T] advantage tensors', () => {
    const b = makeBatch(5);
    const ts = tensors(b);
    const perSeq = policyLoss({ ...ts, advantages: tf.tensor1d(b.adv) });
    const tokenAdv = tf.tensor2d(b.mask.map((m, k) => (m ? b.adv[Math.floor(k / b.t)] : NaN)), [b.n, b.t]);
    const perTok = policyLoss({ ...ts, advantages: tokenAdv });
    expect(perTok.loss.dataSync()[0]).toBeCloseTo(perSeq.loss.dataSync()[0], 6);
    expect(perTok.metrics.advantage_mean).toBeCloseTo(
      b.adv.reduce((s, a, i) => s + a * b.lengths[i], 0) / 14,
      6,
    );
    tf.dispose([perSeq.loss, perTok.loss, tokenAdv, ...Object.values(ts)]);
  });

  it('matches the per-token formula at a single token', () => {
    const { loss } = policyLoss({
      logprobs: tf.tensor2d([[-1]]),
      oldLogprobs: tf.tensor2d([[-1.5]]),
      refLogprobs: tf.tensor2d([[-0.8]]),
      mask: tf.tensor2d([[1]]),
      advantages: [2],
      klCoef: 0.1,
    });
    const want = refTokenLoss(
      { n: 1, t: 1, logprobs: [-1], old: [-1.5], ref: [-0.8], adv: [2], mask: [1] },
      { epsLow: 0.2, epsHigh: 0.2, klCoef: 0.1, klEstimator: 'k3', entropyCoef: 0, aggregation: 'token-mean' },
      0,
      0,
    );
    // rho = e^0.5 = 1.6487 > 1.2 with A > 0: -1.2 * 2 = -2.4; KL k3 = e^0.2 - 0.2 - 1
    expect(want).toBeCloseTo(-2.4 + 0.1 * (Math.exp(0.2) - 1.2), 12);
    expect(loss.dataSync()[0]).toBeCloseTo(want, 6);
    loss.dispose();
  });
});

describe('policyLoss: errors', () => {
  const b = makeBatch(11);
  let ts: ReturnType<typeof tensors>;
  beforeEach(() => {
    ts = tensors(b);
  });
  afterEach(() => tf.dispose(Object.values(ts)));

  it('rejects misaligned tensors and arrays', () => {
    const bad = tf.zeros([4, 5]) as tf.Tensor2D;
    expect(() => policyLoss({ ...ts, refLogprobs: bad, advantages: b.adv })).toThrow(
      new PGShapeError('refLogprobs', [4, 6], [4, 5], 'refLogprobs must align with logprobs'),
    );
    expect(() => policyLoss({ ...ts, advantages: [1, 2] })).toThrow(
      'advantages: expected shape [4], found [2]. Give one advantage per sequence',
    );
    expect(() => policyLoss({ ...ts, advantages: bad })).toThrow(
      'advantages: expected shape [4] or [4, 6], found [4, 5]. Give one advantage per sequence or per token',
    );
    expect(() => policyLoss({ ...ts, advantages: b.adv, sampleMask: [1, 1] })).toThrow(
      'sampleMask: expected shape [4], found [2]. Give one flag per sequence',
    );
    expect(() => policyLoss({ ...ts, advantages: b.adv, truncated: [true] })).toThrow(
      'truncated: expected shape [4], found [1]',
    );
    const v = tf.zeros([4]) as unknown as tf.Tensor2D;
    expect(() => policyLoss({ ...ts, logprobs: v, advantages: b.adv })).toThrow('logprobs: expected shape [N, T], found [4]');
    const empty = tf.zeros([0, 3]) as tf.Tensor2D;
    expect(() => policyLoss({ logprobs: empty, mask: empty, advantages: [] })).toThrow(
      'logprobs: expected shape [N, T] with N >= 1, found [0, 3]. The batch is empty',
    );
    tf.dispose([bad, v, empty]);
  });

  it('rejects bad option values with the option name', () => {
    const base = { ...ts, advantages: b.adv };
    expect(() => policyLoss({ ...base, clipEpsilon: 1 })).toThrow(
      new PGOptionError('clipEpsilon', 'a finite number >= 0 and < 1', 1),
    );
    expect(() => policyLoss({ ...base, clipEpsilonHigh: -0.1 })).toThrow('option clipEpsilonHigh: expected a finite number >= 0, found -0.1');
    expect(() => policyLoss({ ...base, klCoef: NaN })).toThrow('option klCoef: expected a finite number >= 0, found NaN');
    expect(() => policyLoss({ ...base, klEstimator: 'k5' as never })).toThrow("option klEstimator: expected one of 'k1', 'k2', 'k3'");
    expect(() => policyLoss({ ...base, klPlacement: 'value' as never })).toThrow("option klPlacement: expected one of 'loss', 'reward'");
    expect(() => policyLoss({ ...base, aggregation: 'sum' as never })).toThrow(
      "option aggregation: expected one of 'token-mean', 'sequence-mean', 'constant', found \"sum\"",
    );
    expect(() => policyLoss({ ...base, aggregation: 'constant', maxCompletionLength: 5 })).toThrow(
      'option maxCompletionLength: expected >= the longest completion in the batch (6 tokens), found 5. Set it to the generation limit (max_new_tokens)',
    );
    expect(() => policyLoss({ ...base, aggregation: 'constant', maxCompletionLength: 8, normalizer: 3 })).toThrow(
      'option normalizer: expected not combined with maxCompletionLength, found 3. Give one of the two',
    );
    expect(() => policyLoss({ ...base, normalizer: 0 })).toThrow('option normalizer: expected a finite number > 0, found 0');
    expect(() => policyLoss({ ...base, maskTruncatedCompletions: 'yes' as never })).toThrow(
      'option maskTruncatedCompletions: expected true or false, found "yes"',
    );
  });

  it('requires the tensors an option needs', () => {
    expect(() => policyLoss({ logprobs: ts.logprobs, mask: ts.mask, advantages: b.adv, klCoef: 0.1 })).toThrow(
      "option refLogprobs: expected a [N, T] tensor when klCoef > 0 (0.1) and klPlacement is 'loss', found undefined. Compute the reference log-probs, or set klCoef to 0",
    );
    expect(() => policyLoss({ logprobs: ts.logprobs, mask: ts.mask, advantages: b.adv, entropyCoef: 0.01 })).toThrow(
      'option entropy: expected a [N, T] tensor when entropyCoef > 0 (0.01), found undefined. Request entropy from tokenLogProbs, or set entropyCoef to 0',
    );
    expect(() => policyLoss({ logprobs: ts.logprobs, advantages: b.adv } as never)).toThrow(
      'option mask: expected a [N, T] tensor, found undefined',
    );
  });

  it('rejects bad values: mask not 0/1, NaN advantage of a kept sample, bad flags', () => {
    const m = tf.tensor2d(b.mask.map((x, k) => (k === 7 ? 0.5 : x)), [b.n, b.t]);
    expect(() => policyLoss({ ...ts, mask: m, advantages: b.adv })).toThrow(new PGValueError('mask', [1, 1], 0.5, '0 or 1'));
    expect(() => policyLoss({ ...ts, advantages: [1, NaN, 1, 1] })).toThrow(
      'advantages[1]: expected a finite number for a kept sample, found NaN. Drop the sample with sampleMask, or fix the reward',
    );
    expect(() => policyLoss({ ...ts, advantages: b.adv, sampleMask: [1, 2, 1, 1] })).toThrow(
      'sampleMask[1]: expected 0 (drop) or 1 (keep), found 2',
    );
    expect(() => policyLoss({ ...ts, advantages: b.adv, truncated: [0, 0, 'x' as never, 0] })).toThrow(
      'truncated[2]: expected a boolean or 0/1, found "x"',
    );
    m.dispose();
  });

  it('names the input behind a non-finite loss', () => {
    const lp = tf.tensor2d(b.logprobs.map((x, k) => (k === 8 ? NaN : x)), [b.n, b.t]);
    expect(() => policyLoss({ ...ts, logprobs: lp, advantages: b.adv })).toThrow(
      'logprobs[1, 2]: expected a finite value at a completion token, found NaN. The model produced a non-finite log-prob or entropy',
    );
    const old = tf.tensor2d(b.logprobs.map((x, k) => (k === 6 ? x - 200 : x)), [b.n, b.t]);
    const before = tf.memory().numTensors;
    expect(() => policyLoss({ ...ts, oldLogprobs: old, advantages: b.adv })).toThrow(
      /^logprobs - oldLogprobs\[1, 0\]: expected a log-ratio whose exp is finite in float32, found 200/,
    );
    expect(tf.memory().numTensors).toBe(before); // the loss tensor was disposed before throwing
    tf.dispose([lp, old]);
  });
});
