// Global-norm gradient clipping with torch.nn.utils.clip_grad_norm_ semantics.
import { tf } from './tf';
import { InvalidOptionError } from './errors';

/**
 * L2 norm of all gradients taken together: sqrt(sum over tensors of sum(g^2)),
 * computed in float32 on the current backend. Does not dispose `grads`.
 */
export function globalNorm(grads: Map<string, tf.Tensor>): number {
  if (grads.size === 0) return 0;
  // One gradient at a time, no cast of a float32 one (on wasm a cast copies): one gradient-sized temporary at most.
  const sums = [...grads.values()].map((g) => tf.tidy(() => tf.sum(tf.square(g.dtype === 'float32' ? g : tf.cast(g, 'float32')))));
  try {
    return tf.tidy(() => tf.sqrt(tf.addN(sums)).dataSync()[0]);
  } finally {
    tf.dispose(sums);
  }
}

/**
 * The factor clipByGlobalNorm scales by for a global norm `norm`: min(1, maxNorm / (norm + 1e-6)), or 1 when the norm
 * is not finite. Pass it as Optimizer.step's gradScale to clip without a copy of the gradients.
 */
export function clipCoefficient(norm: number, maxNorm: number): number {
  if (!(typeof maxNorm === 'number' && Number.isFinite(maxNorm) && maxNorm > 0)) {
    throw new InvalidOptionError('clipCoefficient maxNorm', 'a positive finite number', maxNorm);
  }
  return Number.isFinite(norm) ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
}

/** Result of clipByGlobalNorm(). */
export interface ClipResult {
  /** New gradient tensors (same keys), scaled by `coef`. The caller disposes them. */
  grads: Map<string, tf.Tensor>;
  /** Global L2 norm before clipping (what torch's clip_grad_norm_ returns); NaN/Infinity when a gradient is non-finite. */
  norm: number;
  /** The factor applied: min(1, maxNorm / (norm + 1e-6)); 1 when the norm is not finite. */
  coef: number;
}

/**
 * Scales all gradients together so their global L2 norm is at most `maxNorm`
 * (torch.nn.utils.clip_grad_norm_: coef = maxNorm / (norm + 1e-6), clamped to 1).
 * When the norm is NaN or infinite the gradients are returned unscaled (torch would
 * multiply them by NaN or 0); check with findNonFinite() or let the optimizer skip the step.
 * Returns new tensors; does not dispose `grads`.
 * @param maxNorm positive finite number, e.g. 1.0
 */
export function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm: number): ClipResult {
  if (!(typeof maxNorm === 'number' && Number.isFinite(maxNorm) && maxNorm > 0)) {
    throw new InvalidOptionError('clipByGlobalNorm maxNorm', 'a positive finite number', maxNorm);
  }
  const norm = globalNorm(grads);
  const coef = clipCoefficient(norm, maxNorm);
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of grads) out.set(name, coef === 1 ? tf.clone(g) : tf.tidy(() => tf.mul(g, coef)));
  return { grads: out, norm, coef };
}
