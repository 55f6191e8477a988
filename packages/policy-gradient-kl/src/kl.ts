// Per-token KL estimators between the policy pi_theta and the frozen reference pi_ref (Schulman 2020,
// "Approximating KL divergence"). With p = log pi_theta(y_t) and q = log pi_ref(y_t) of the SAMPLED token
// (sampled from pi_theta), and log-ratio d = q - p:
//   k1 = p - q = -d                      unbiased for KL(pi_theta || pi_ref), high variance, can be negative
//   k2 = 0.5 (p - q)^2 = 0.5 d^2         biased (low for small KL), low variance, >= 0
//   k3 = exp(d) - d - 1                  unbiased, low variance, >= 0 (exp(x) >= 1 + x)
import { tf } from '@rfai/core';
import { PGShapeError } from './errors';
import { checkEnum, sameShape } from './validate';

/** KL estimator names. */
export type KLEstimator = 'k1' | 'k2' | 'k3';

/** The KL estimators, in order. */
export const KL_ESTIMATORS: readonly KLEstimator[] = ['k1', 'k2', 'k3'];

/**
 * Per-token KL(pi_theta || pi_ref) estimate, elementwise, same shape as the inputs.
 *
 * Differentiable in both inputs (gradients flow to `logp`; pass reference log-probs computed without a tape).
 * Values at padding positions are computed like any other: mask them afterwards.
 *
 * @param logp log pi_theta of the sampled tokens (natural log), any shape.
 * @param logpRef log pi_ref of the same tokens, same shape.
 * @param estimator 'k1' | 'k2' | 'k3' (see the module comment).
 * @returns a new float32 tensor; the caller disposes it.
 * @throws PGShapeError when the shapes differ; PGOptionError for an unknown estimator.
 */
export function klPerToken(logp: tf.Tensor, logpRef: tf.Tensor, estimator: KLEstimator): tf.Tensor {
  checkEnum('estimator', estimator, KL_ESTIMATORS);
  if (!sameShape(logp.shape, logpRef.shape)) {
    throw new PGShapeError('logpRef', logp.shape, logpRef.shape, 'Reference log-probs must align with the policy log-probs');
  }
  return tf.tidy(() => {
    const p = tf.cast(logp, 'float32');
    const q = tf.cast(logpRef, 'float32');
    if (estimator === 'k1') return tf.sub(p, q);
    if (estimator === 'k2') return tf.mul(0.5, tf.square(tf.sub(p, q)));
    // exp(d) - d - 1 written as expm1(d) - d: no cancellation against 1 for small d, and rounding keeps it >= 0
    // (expm1(d) >= d and rounding is monotonic); the max with 0 guards backends whose expm1 rounds loosely.
    const d = tf.sub(q, p);
    return tf.maximum(tf.sub(tf.expm1(d), d), 0);
  });
}

/** The same estimators on plain numbers (float64), for per-token reward shaping and tests. */
export function klValue(logp: number, logpRef: number, estimator: KLEstimator): number {
  const d = logpRef - logp;
  if (estimator === 'k1') return -d;
  if (estimator === 'k2') return 0.5 * d * d;
  // exp(d) - 1 - d loses digits for tiny d; expm1 keeps them.
  return Math.expm1(d) - d;
}
