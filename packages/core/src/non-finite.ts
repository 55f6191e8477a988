// NaN / Inf detection in gradients, naming the parameters affected.
import { tf } from './tf';

/** One parameter whose gradient holds non-finite values. */
export interface NonFiniteReport {
  /** Parameter name (the key of the gradient map). */
  name: string;
  /** Number of NaN elements. */
  nan: number;
  /** Number of +Infinity elements. */
  posInf: number;
  /** Number of -Infinity elements. */
  negInf: number;
}

/**
 * Finds gradients holding NaN or ±Infinity. Returns one report per affected parameter,
 * in map order; an empty array when every value is finite. Reads back one small tensor
 * (two when something is found). Does not dispose `grads`.
 */
export function findNonFinite(grads: Map<string, tf.Tensor>): NonFiniteReport[] {
  const entries = [...grads.entries()];
  if (entries.length === 0) return [];
  // sum(g * 0) is 0 for a finite g and NaN as soon as one element is NaN or infinite. One gradient at a time, with
  // no cast of a float32 one (on wasm a cast copies): at most one gradient-sized temporary exists.
  const sums = entries.map(([, g]) => tf.tidy(() => tf.sum(tf.mul(g.dtype === 'float32' ? g : tf.cast(g, 'float32'), 0))));
  const probe = tf.tidy(() => tf.stack(sums).dataSync());
  tf.dispose(sums);
  const bad = entries.filter((_, i) => !Number.isFinite(probe[i]));
  if (bad.length === 0) return [];
  const counts = tf.tidy(() =>
    tf
      .stack(
        bad.flatMap(([, g]) => {
          const x = tf.cast(g, 'float32');
          const inf = tf.isInf(x);
          return [
            tf.sum(tf.cast(tf.isNaN(x), 'int32')),
            tf.sum(tf.cast(tf.logicalAnd(inf, tf.greater(x, 0)), 'int32')),
            tf.sum(tf.cast(tf.logicalAnd(inf, tf.less(x, 0)), 'int32')),
          ];
        }),
      )
      .dataSync(),
  );
  return bad.map(([name], i) => ({ name, nan: counts[3 * i], posInf: counts[3 * i + 1], negInf: counts[3 * i + 2] }));
}

/** One line naming every affected parameter, e.g. "model.norm.weight (2 NaN), lm_head.weight (1 +Inf)". */
export function describeNonFinite(reports: NonFiniteReport[]): string {
  return reports
    .map((r) => {
      const parts = [r.nan ? `${r.nan} NaN` : '', r.posInf ? `${r.posInf} +Inf` : '', r.negInf ? `${r.negInf} -Inf` : ''].filter(Boolean);
      return `${r.name} (${parts.join(', ')})`;
    })
    .join(', ');
}
