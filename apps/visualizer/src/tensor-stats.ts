// Statistics of weight tensors: norms, ranges, non-finite counts, and LoRA update norms.

/** Statistics of one tensor's values. Sums use float64. */
export interface TensorStats {
  name: string;
  dtype: string;
  shape: number[];
  /** Number of elements. */
  numel: number;
  /** Frobenius (L2) norm over finite values. */
  l2: number;
  /** Root mean square over finite values: l2 / sqrt(finite count); 0 for an empty tensor. */
  rms: number;
  /** Mean over finite values. */
  mean: number;
  /** Smallest / largest finite value; null when none is finite. */
  min: number | null;
  max: number | null;
  /** Count of NaN and infinite values. */
  nonFinite: number;
}

/** Computes {@link TensorStats} of a tensor's values. */
export function tensorStats(name: string, dtype: string, shape: number[], values: ArrayLike<number | bigint>): TensorStats {
  let sum = 0;
  let sq = 0;
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  let finite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    finite++;
    sum += v;
    sq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return {
    name,
    dtype,
    shape,
    numel: values.length,
    l2: Math.sqrt(sq),
    rms: finite > 0 ? Math.sqrt(sq / finite) : 0,
    mean: finite > 0 ? sum / finite : 0,
    min: finite > 0 ? min : null,
    max: finite > 0 ? max : null,
    nonFinite,
  };
}

/**
 * Frobenius norm of B·A without forming it: ||BA||_F^2 = Σ_ij (BᵀB)_ij (AAᵀ)_ij.
 * `a` is row-major [r, in], `b` is row-major [out, r]. Cost O(r²·(in + out)).
 */
export function loraProductNorm(a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[]): number {
  const [r, inDim] = aShape;
  const [outDim, rb] = bShape;
  if (aShape.length !== 2 || bShape.length !== 2 || rb !== r) {
    throw new RangeError(`LoRA shapes do not chain: lora_A is [${aShape.join(', ')}], lora_B is [${bShape.join(', ')}]; expected A [r, in] and B [out, r].`);
  }
  const aat = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let j = i; j < r; j++) {
      let s = 0;
      for (let k = 0; k < inDim; k++) s += a[i * inDim + k] * a[j * inDim + k];
      aat[i * r + j] = s;
      aat[j * r + i] = s;
    }
  }
  const btb = new Float64Array(r * r);
  for (let o = 0; o < outDim; o++) {
    for (let i = 0; i < r; i++) {
      const bi = b[o * r + i];
      for (let j = 0; j < r; j++) btb[i * r + j] += bi * b[o * r + j];
    }
  }
  let s = 0;
  for (let i = 0; i < r * r; i++) s += btb[i] * aat[i];
  return Math.sqrt(Math.max(0, s));
}
