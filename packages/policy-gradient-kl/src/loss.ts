// The clipped policy-gradient loss over completion tokens (PPO surrogate as used by GRPO/RLOO in TRL), with an
// optional KL term towards the reference and an optional entropy bonus.
//
// Letters: N sequences in the batch, T completion positions (padded); every per-token tensor is [N, T].
import { tf } from '@rfai/core';
import { type LossAggregation, aggregationWeights } from './aggregation';
import { PGOptionError, PGShapeError, PGValueError } from './errors';
import { type KLEstimator, KL_ESTIMATORS, klPerToken } from './kl';
import { checkBoolean, checkEnum, checkNumber, sameShape } from './validate';

/** Where the KL towards the reference goes: a loss term (default) or the reward (see klPenalizedRewards). */
export type KLPlacement = 'loss' | 'reward';

/** Inputs and options of {@link policyLoss}. Tensors are read, never disposed. */
export interface PolicyLossOptions {
  /** log pi_theta of the sampled completion tokens [N, T], from a differentiable forward pass. */
  logprobs: tf.Tensor2D;
  /**
   * log pi_old [N, T]: the policy that sampled the batch. Default: the values of `logprobs` as constants, so
   * rho = 1 (one update epoch; the loss is then REINFORCE with a baseline).
   */
  oldLogprobs?: tf.Tensor2D;
  /** log pi_ref [N, T] from the frozen reference; required when klPlacement is 'loss' and klCoef > 0. */
  refLogprobs?: tf.Tensor2D;
  /** Advantages: one per sequence (array or [N] tensor) or one per token ([N, T] tensor). Treated as constants. */
  advantages: ArrayLike<number> | tf.Tensor1D | tf.Tensor2D;
  /** [N, T], 1 on real completion tokens, 0 on prompt and padding positions (any numeric or bool dtype). */
  mask: tf.Tensor2D;
  /** [N], 1 keeps a sample, 0 drops it entirely (e.g. computeAdvantages().sampleMask for ungraded samples). */
  sampleMask?: ArrayLike<number>;
  /** [N], true (or 1) for completions cut at the length limit (GenerationResult.finishReason === 'length'). */
  truncated?: ArrayLike<boolean | number>;
  /** Drop truncated completions from the loss (TRL mask_truncated_completions). Default false. */
  maskTruncatedCompletions?: boolean;
  /** PPO clip range epsilon: rho is clipped to [1 - eps, 1 + eps]. Default 0.2. */
  clipEpsilon?: number;
  /** Lower clip range; default clipEpsilon. */
  clipEpsilonLow?: number;
  /** Upper clip range (DAPO "clip-higher", e.g. 0.28); default clipEpsilon. */
  clipEpsilonHigh?: number;
  /** Coefficient beta of the KL term (e.g. a KL controller's value). Default 0 (no KL term). */
  klCoef?: number;
  /** Per-token KL estimator for the loss term and the KL metrics. Default 'k3'. */
  klEstimator?: KLEstimator;
  /** 'loss' (default): add klCoef * KL_t to each token's loss. 'reward': the KL already went into the rewards; no KL term (KL metrics are still reported when refLogprobs is given). */
  klPlacement?: KLPlacement;
  /** Per-token entropy H_t of pi_theta [N, T] (nats), differentiable; required when entropyCoef > 0. */
  entropy?: tf.Tensor2D;
  /** Entropy bonus coefficient: the loss subtracts entropyCoef * H_t. Default 0. */
  entropyCoef?: number;
  /** How per-token losses are averaged (see LossAggregation). Default 'token-mean'. */
  aggregation?: LossAggregation;
  /** `constant` aggregation only: the length normaliser (the generation limit). Default T. */
  maxCompletionLength?: number;
  /** Replaces the aggregation's denominator (see AggregationSpec.normalizer), e.g. for gradient accumulation. */
  normalizer?: number;
}

/**
 * Plain-number metrics of one loss evaluation (snake_case, ready for logging). Token means are over the tokens that
 * take part in the loss (num_tokens); they are 0 when num_tokens is 0.
 */
export interface PolicyLossMetrics {
  /** The aggregated loss: policy_loss + kl_penalty - entropy_bonus. */
  loss: number;
  /** The aggregated clipped surrogate -min(rho A, clip(rho) A). */
  policy_loss: number;
  /** klCoef times the aggregated KL (0 when klPlacement is 'reward' or klCoef is 0). */
  kl_penalty: number;
  /** entropyCoef times the aggregated entropy (0 without entropy). */
  entropy_bonus: number;
  /** Token mean of KL_t(pi_theta || pi_ref) with klEstimator; present only when refLogprobs is given. */
  kl_mean?: number;
  /** Max over tokens of KL_t; present only when refLogprobs is given. */
  kl_max?: number;
  /** Fraction of tokens whose gradient the clip removes: low or high (TRL clip_ratio/region_mean). */
  clip_fraction: number;
  /** Fraction of tokens with rho < 1 - epsLow and A < 0. */
  clip_fraction_low: number;
  /** Fraction of tokens with rho > 1 + epsHigh and A > 0. */
  clip_fraction_high: number;
  /** Token mean of the entropy; present only when entropy is given. */
  entropy_mean?: number;
  /**
   * KL(pi_old || pi_theta) estimated with k3 on the sampled tokens: token mean of (rho - 1) - log rho (Schulman's
   * approx_kl; >= 0, exactly 0 when rho = 1).
   */
  approx_kl: number;
  /** Token mean, min and max of rho = exp(log pi_theta - log pi_old). */
  ratio_mean: number;
  ratio_min: number;
  ratio_max: number;
  /** Mean and population std of the advantages of kept samples (per-token advantages: over tokens). */
  advantage_mean: number;
  advantage_std: number;
  /** Completion tokens that take part in the loss. */
  num_tokens: number;
  /** Positions of the [N, T] grid that do not take part (prompt, padding and the tokens of dropped samples). */
  masked_tokens: number;
  /** Completion tokens removed because their sample was dropped. */
  dropped_tokens: number;
  /** Rows of the batch (N). */
  num_samples: number;
  /** Samples removed by sampleMask (ungraded). */
  dropped_samples: number;
  /** Truncated samples removed by maskTruncatedCompletions (not already dropped by sampleMask). */
  truncated_dropped: number;
  /** The denominator the aggregation divided by. */
  normalizer: number;
  /** The KL coefficient used. */
  kl_coef: number;
}

/** Result of {@link policyLoss}. */
export interface PolicyLossResult {
  /** The scalar loss, differentiable w.r.t. logprobs (and entropy). The caller disposes it. */
  loss: tf.Scalar;
  metrics: PolicyLossMetrics;
}

/**
 * Per token (i, t) on completion tokens of kept samples:
 *   l = -min(rho A, clip(rho, 1 - epsLow, 1 + epsHigh) A) + klCoef * KL_t - entropyCoef * H_t,
 *   rho = exp(logprobs - oldLogprobs),
 * aggregated with `aggregation`. Values at masked positions are ignored (they may be anything, even -Infinity or
 * NaN) and get zero gradient.
 *
 * Call it inside tf.variableGrads / tf.grads to differentiate; the metrics are read synchronously.
 * @throws PGShapeError for misaligned tensors; PGOptionError for bad options or a missing tensor an option needs;
 *   PGValueError for a non-finite advantage of a kept sample, a mask value other than 0/1, or a non-finite loss
 *   (naming the first input with a non-finite value at a real token).
 */
export function policyLoss(options: PolicyLossOptions): PolicyLossResult {
  const o = options;
  const { logprobs, mask } = o;
  if (!(logprobs instanceof tf.Tensor) || logprobs.rank !== 2) {
    throw new PGShapeError('logprobs', '[N, T]', logprobs instanceof tf.Tensor ? logprobs.shape : []);
  }
  const [n, t] = logprobs.shape;
  if (n === 0) throw new PGShapeError('logprobs', '[N, T] with N >= 1', logprobs.shape, 'The batch is empty');
  const shape2 = [n, t];
  const check2 = (name: string, x: tf.Tensor | undefined) => {
    if (x === undefined) return;
    if (!(x instanceof tf.Tensor) || !sameShape(x.shape, shape2)) {
      throw new PGShapeError(name, shape2, x instanceof tf.Tensor ? x.shape : [], `${name} must align with logprobs`);
    }
  };
  if (mask === undefined) throw new PGOptionError('mask', 'a [N, T] tensor', mask);
  check2('mask', mask);
  check2('oldLogprobs', o.oldLogprobs);
  check2('refLogprobs', o.refLogprobs);
  check2('entropy', o.entropy);

  const eps = checkNumber('clipEpsilon', o.clipEpsilon ?? 0.2, { min: 0, max: 1, maxOpen: true });
  const epsLow = o.clipEpsilonLow === undefined ? eps : checkNumber('clipEpsilonLow', o.clipEpsilonLow, { min: 0, max: 1, maxOpen: true });
  const epsHigh = o.clipEpsilonHigh === undefined ? eps : checkNumber('clipEpsilonHigh', o.clipEpsilonHigh, { min: 0 });
  const klCoef = checkNumber('klCoef', o.klCoef ?? 0, { min: 0 });
  const klEstimator = checkEnum('klEstimator', o.klEstimator ?? 'k3', KL_ESTIMATORS);
  const klPlacement = checkEnum('klPlacement', o.klPlacement ?? 'loss', ['loss', 'reward'] as const);
  const entropyCoef = checkNumber('entropyCoef', o.entropyCoef ?? 0, { min: 0 });
  const maskTruncated = checkBoolean('maskTruncatedCompletions', o.maskTruncatedCompletions ?? false);
  const klInLoss = klPlacement === 'loss' && klCoef > 0;
  if (klInLoss && o.refLogprobs === undefined) {
    throw new PGOptionError('refLogprobs', `a [N, T] tensor when klCoef > 0 (${klCoef}) and klPlacement is 'loss'`, undefined, 'Compute the reference log-probs, or set klCoef to 0');
  }
  if (entropyCoef > 0 && o.entropy === undefined) {
    throw new PGOptionError('entropy', `a [N, T] tensor when entropyCoef > 0 (${entropyCoef})`, undefined, 'Request entropy from tokenLogProbs, or set entropyCoef to 0');
  }

  // Row keep flags: sampleMask and (optionally) truncation.
  const rowKeep = new Float32Array(n).fill(1);
  let droppedSamples = 0;
  let truncatedDropped = 0;
  if (o.sampleMask !== undefined) {
    if (o.sampleMask.length !== n) throw new PGShapeError('sampleMask', [n], [o.sampleMask.length], 'Give one flag per sequence');
    for (let i = 0; i < n; i++) {
      const v = o.sampleMask[i];
      if (v !== 0 && v !== 1) throw new PGValueError('sampleMask', [i], v, '0 (drop) or 1 (keep)');
      if (v === 0) {
        rowKeep[i] = 0;
        droppedSamples++;
      }
    }
  }
  if (o.truncated !== undefined) {
    if (o.truncated.length !== n) throw new PGShapeError('truncated', [n], [o.truncated.length], 'Give one flag per sequence');
    for (let i = 0; i < n; i++) {
      const v = o.truncated[i];
      if (v !== 0 && v !== 1 && v !== true && v !== false) throw new PGValueError('truncated', [i], v, 'a boolean or 0/1');
      if (maskTruncated && (v === true || v === 1) && rowKeep[i] === 1) {
        rowKeep[i] = 0;
        truncatedDropped++;
      }
    }
  }

  // Effective mask on the CPU (checks 0/1 values and counts tokens).
  const rawMask = mask.dataSync();
  const m = new Float32Array(n * t);
  let completionTokens = 0;
  let droppedTokens = 0;
  for (let k = 0; k < n * t; k++) {
    const v = Number(rawMask[k]);
    if (v !== 0 && v !== 1) throw new PGValueError('mask', [Math.floor(k / t), k % t], rawMask[k], '0 or 1');
    completionTokens += v;
    if (v === 1 && rowKeep[Math.floor(k / t)] === 0) droppedTokens++;
    m[k] = v * rowKeep[Math.floor(k / t)];
  }
  const numTokens = completionTokens - droppedTokens;

  // Advantages as constants, broadcast to [N, 1] or [N, T]; dropped rows are zeroed (NaN allowed there).
  const adv = readAdvantages(o.advantages, n, t, rowKeep, m);

  const { weights, denominator } = aggregationWeights({
    aggregation: o.aggregation ?? 'token-mean',
    mask: m,
    n,
    t,
    maxCompletionLength: o.maxCompletionLength,
    normalizer: o.normalizer,
  });

  let metricValues: Float32Array | undefined;
  const loss = tf.tidy(() => {
    const mT = tf.tensor2d(m, [n, t]);
    const on = tf.greater(mT, 0);
    const zeros = tf.zerosLike(mT);
    const W = tf.tensor2d(weights, [n, t]);
    const A = tf.tensor(adv.values, adv.perToken ? [n, t] : [n, 1]);
    // Sanitise: masked positions become 0 and receive zero gradient (where's gradient), so -Infinity padding is safe.
    const lp = tf.where(on, tf.cast(logprobs, 'float32'), zeros);
    const old = o.oldLogprobs
      ? tf.where(on, tf.cast(o.oldLogprobs, 'float32'), zeros)
      : tf.tensor2d(sanitisedCopy(logprobs, m), [n, t]); // constant copy: rho = 1, no gradient through pi_old

    const logRatio = tf.sub(lp, old);
    const rho = tf.exp(logRatio);
    const surr1 = tf.mul(rho, A);
    const surr2 = tf.mul(tf.clipByValue(rho, 1 - epsLow, 1 + epsHigh), A);
    const pg = tf.neg(tf.minimum(surr1, surr2)); // [N, T]

    let perToken: tf.Tensor = pg;
    let kl: tf.Tensor | undefined;
    if (o.refLogprobs) {
      const ref = tf.where(on, tf.cast(o.refLogprobs, 'float32'), zeros);
      kl = klPerToken(lp, ref, klEstimator);
      if (klInLoss) perToken = tf.add(perToken, tf.mul(klCoef, kl));
    }
    let ent: tf.Tensor | undefined;
    if (o.entropy) {
      ent = tf.where(on, tf.cast(o.entropy, 'float32'), zeros);
      if (entropyCoef > 0) perToken = tf.sub(perToken, tf.mul(entropyCoef, ent));
    }
    const total = tf.sum(tf.mul(perToken, W)) as tf.Scalar;

    // Metrics: one read-back of a small vector.
    const cnt = Math.max(numTokens, 1);
    const tokenMean = (x: tf.Tensor) => tf.div(tf.sum(tf.mul(x, mT)), cnt);
    const negInf = tf.fill([n, t], -Infinity);
    const posInf = tf.fill([n, t], Infinity);
    const Ab = tf.mul(A, tf.onesLike(mT));
    const low = tf.logicalAnd(tf.less(rho, 1 - epsLow), tf.less(Ab, 0));
    const high = tf.logicalAnd(tf.greater(rho, 1 + epsHigh), tf.greater(Ab, 0));
    const lowF = tf.cast(tf.logicalAnd(low, on), 'float32');
    const highF = tf.cast(tf.logicalAnd(high, on), 'float32');
    const approx = tf.sub(tf.sub(rho, 1), logRatio);
    const parts: tf.Tensor[] = [
      total,
      tf.sum(tf.mul(pg, W)),
      kl && klInLoss ? tf.mul(klCoef, tf.sum(tf.mul(kl, W))) : tf.scalar(0),
      ent && entropyCoef > 0 ? tf.mul(entropyCoef, tf.sum(tf.mul(ent, W))) : tf.scalar(0),
      kl ? tokenMean(kl) : tf.scalar(0),
      kl ? tf.max(tf.where(on, kl, negInf)) : tf.scalar(0),
      tf.div(tf.sum(lowF), cnt),
      tf.div(tf.sum(highF), cnt),
      ent ? tokenMean(ent) : tf.scalar(0),
      tokenMean(approx),
      tokenMean(rho),
      tf.min(tf.where(on, rho, posInf)),
      tf.max(tf.where(on, rho, negInf)),
    ];
    metricValues = tf.stack(parts.map((p) => tf.reshape(p, []))).dataSync() as Float32Array;
    return total;
  });

  const v = metricValues as Float32Array;
  if (!Number.isFinite(v[0])) {
    loss.dispose();
    throw diagnoseNonFinite(o, m, n, t, v[0]);
  }
  const noTok = numTokens === 0;
  const metrics: PolicyLossMetrics = {
    loss: v[0],
    policy_loss: v[1],
    kl_penalty: v[2],
    entropy_bonus: v[3],
    clip_fraction: v[6] + v[7],
    clip_fraction_low: v[6],
    clip_fraction_high: v[7],
    approx_kl: v[9],
    ratio_mean: noTok ? 0 : v[10],
    ratio_min: noTok ? 0 : v[11],
    ratio_max: noTok ? 0 : v[12],
    advantage_mean: adv.mean,
    advantage_std: adv.std,
    num_tokens: numTokens,
    masked_tokens: n * t - numTokens,
    dropped_tokens: droppedTokens,
    num_samples: n,
    dropped_samples: droppedSamples,
    truncated_dropped: truncatedDropped,
    normalizer: denominator,
    kl_coef: klCoef,
  };
  if (o.refLogprobs) {
    metrics.kl_mean = v[4];
    metrics.kl_max = noTok ? 0 : v[5];
  }
  if (o.entropy) metrics.entropy_mean = v[8];
  return { loss, metrics };
}

/** Advantages as a flat Float32Array ([N] or [N*T]) with dropped rows zeroed, plus their mean/std over kept samples. */
function readAdvantages(
  a: PolicyLossOptions['advantages'],
  n: number,
  t: number,
  rowKeep: Float32Array,
  m: Float32Array,
): { values: Float32Array; perToken: boolean; mean: number; std: number } {
  let raw: ArrayLike<number>;
  let perToken = false;
  if (a instanceof tf.Tensor) {
    if (sameShape(a.shape, [n])) raw = a.dataSync();
    else if (sameShape(a.shape, [n, t])) {
      raw = a.dataSync();
      perToken = true;
    } else throw new PGShapeError('advantages', `[${n}] or [${n}, ${t}]`, a.shape, 'Give one advantage per sequence or per token');
  } else {
    if (a === undefined || a === null || typeof a.length !== 'number') throw new PGOptionError('advantages', `an array of length ${n} or a tensor`, a);
    if (a.length !== n) throw new PGShapeError('advantages', [n], [a.length], 'Give one advantage per sequence');
    raw = a;
  }
  const values = new Float32Array(raw.length);
  const kept: number[] = [];
  for (let k = 0; k < raw.length; k++) {
    const i = perToken ? Math.floor(k / t) : k;
    if (rowKeep[i] === 0) continue; // dropped sample: advantage ignored (may be NaN)
    if (perToken && m[k] === 0) continue; // padding: ignored
    const x = raw[k];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new PGValueError('advantages', perToken ? [i, k % t] : [i], x, 'a finite number for a kept sample', 'Drop the sample with sampleMask, or fix the reward');
    }
    values[k] = x;
    kept.push(x);
  }
  let mean = 0;
  for (const x of kept) mean += x;
  mean = kept.length ? mean / kept.length : 0;
  let ss = 0;
  for (const x of kept) ss += (x - mean) * (x - mean);
  return { values, perToken, mean, std: kept.length ? Math.sqrt(ss / kept.length) : 0 };
}

function sanitisedCopy(x: tf.Tensor2D, m: Float32Array): Float32Array {
  const src = x.dataSync();
  const out = new Float32Array(m.length);
  for (let k = 0; k < m.length; k++) out[k] = m[k] ? src[k] : 0;
  return out;
}

/** Names the first input holding a non-finite value at a real token, or the overflowing log-ratio. */
function diagnoseNonFinite(o: PolicyLossOptions, m: Float32Array, n: number, t: number, lossValue: number): PGValueError {
  const named: [string, tf.Tensor | undefined][] = [
    ['logprobs', o.logprobs],
    ['oldLogprobs', o.oldLogprobs],
    ['refLogprobs', o.refLogprobs],
    ['entropy', o.entropy],
  ];
  for (const [name, x] of named) {
    if (!x) continue;
    const d = x.dataSync();
    for (let k = 0; k < n * t; k++) {
      if (m[k] && !Number.isFinite(d[k])) {
        return new PGValueError(name, [Math.floor(k / t), k % t], d[k], 'a finite value at a completion token', 'The model produced a non-finite log-prob or entropy');
      }
    }
  }
  const lp = o.logprobs.dataSync();
  const old = o.oldLogprobs?.dataSync();
  const ref = o.refLogprobs?.dataSync();
  for (let k = 0; k < n * t; k++) {
    if (!m[k]) continue;
    if (old && Math.abs(lp[k] - old[k]) > 80) {
      return new PGValueError('logprobs - oldLogprobs', [Math.floor(k / t), k % t], lp[k] - old[k], 'a log-ratio whose exp is finite in float32', 'The policy moved too far from the sampling policy; lower the learning rate or resample');
    }
    if (ref && Math.abs(ref[k] - lp[k]) > 80) {
      return new PGValueError('refLogprobs - logprobs', [Math.floor(k / t), k % t], ref[k] - lp[k], 'a log-ratio whose exp is finite in float32', 'The policy is far from the reference; use klEstimator k1/k2 or a larger klCoef');
    }
  }
  return new PGValueError('loss', [], lossValue, 'a finite loss', 'All inputs are finite at completion tokens; check the coefficients');
}
