/**
 * Matrix products that stay on XNNPACK (about 10x the plain loops) without copying weights.
 *
 * tfjs-backend-wasm runs a product on XNNPACK only when neither operand is transposed and there is no batch
 * axis; it then packs (copies) the right operand and caches that copy for as long as the operand's data lives.
 * A weight used as the right operand therefore costs a second, permanent copy (1.4 GB more for a 0.5 B model
 * in a 4 GiB heap), and a transposed product falls back to plain loops (~2 GFLOP/s) or, through @rfai/core's
 * override, to a transposed copy per call. So on wasm the weight is the left (streamed) operand:
 *
 * - forward  y  = x W^T = (W x^T)^T : W [out, in] read in place, only x^T is packed (small weights, below
 *                                    1 M elements, go through the cached transposed copy instead);
 * - backward dx = dy W             : XNNPACK with W cached when W is small (< 1 M elements), else
 *                                    @rfai/core's gemmAW kernel, which reads W in place (or, where it does not
 *                                    apply, (W^T dy^T)^T with a transient W^T);
 * - backward dW = dy^T x           : computed only when W is trainable; x (an activation) is packed.
 *
 * Other backends (cpu, tfjs-node) use tf.matMul and tfjs' own gradient.
 */
import { gemmAW, gemmAWSupported, gemmWeightSupported, tf } from '@rfai/core';

/** Weights below this many elements may be packed and cached by XNNPACK (see the module comment). */
const CACHEABLE_ELEMENTS = 1 << 20;

function swapLast(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[r - 1] = r - 2;
  perm[r - 2] = r - 1;
  return tf.transpose(x, perm);
}

/** True when the current backend is wasm. */
function onWasm(): boolean {
  return tf.getBackend() === 'wasm';
}

/** Whether gradients are being recorded now (inside tf.grads / tf.variableGrads, outside a kernel). */
export function tapeIsOn(): boolean {
  return tf.engine().isTapeOn();
}

/** Whether a weight takes part in gradients: a trainable variable (frozen ones and constants do not). */
export function isTrainable(w: tf.Tensor): boolean {
  return w instanceof tf.Variable && w.trainable;
}

/** dy W for dy [N, out], W [out, in] -> [N, in], on wasm without a persistent copy of a large W. */
export function productDyW(dy: tf.Tensor2D, w: tf.Tensor): tf.Tensor2D {
  if (!onWasm() || w.size < CACHEABLE_ELEMENTS) return tf.matMul(dy, w as tf.Tensor2D);
  if (gemmAWSupported(dy, w)) return gemmAW(dy, w);
  // dx^T = W^T dy^T: a transient W^T as the streamed operand, dy^T (small) as the packed one.
  return tf.tidy(() => tf.transpose(tf.matMul(tf.transpose(w) as tf.Tensor2D, tf.transpose(dy)))) as tf.Tensor2D;
}

/**
 * dy W from dy^T: dT [out, N], W [out, in] -> [N, in], without a persistent copy of a large W (see the module
 * comment): small W as XNNPACK's packed (cached) operand, a large one transposed for this call only.
 */
export function productDtW(dT: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  if (!onWasm()) return tf.matMul(dT, w, true, false);
  if (w.size < CACHEABLE_ELEMENTS) return tf.tidy(() => tf.matMul(tf.transpose(dT) as tf.Tensor2D, w));
  if (gemmWeightSupported(w)) return tf.tidy(() => gemmAW(tf.transpose(dT) as tf.Tensor2D, w));
  return tf.tidy(() => tf.transpose(tf.matMul(tf.transpose(w) as tf.Tensor2D, dT))) as tf.Tensor2D;
}

/** Whether a weight is too large to be packed and cached by XNNPACK on wasm (see the module comment). */
export function isLargeWeight(w: tf.Tensor): boolean {
  return w.size >= CACHEABLE_ELEMENTS;
}

/**
 * dy W for several dy against one large W (LM head chunks): where gemmAW cannot read W in place, W^T is made once
 * (null otherwise). See {@link productDyW}.
 */
export function transposedWeight(w: tf.Tensor): tf.Tensor2D | null {
  return transposedWeightBytes(w) > 0 ? (tf.transpose(w) as tf.Tensor2D) : null;
}

/** Bytes of the W^T that {@link transposedWeight} would make for W (0 where it makes none). */
export function transposedWeightBytes(w: tf.Tensor): number {
  return onWasm() && w.size >= CACHEABLE_ELEMENTS && !gemmWeightSupported(w) ? 4 * w.size : 0;
}

/** dy W given W^T from {@link transposedWeight} (or W itself when that returned null). */
export function productDyWt(dy: tf.Tensor2D, w: tf.Tensor, wt: tf.Tensor2D | null): tf.Tensor2D {
  if (!wt) return productDyW(dy, w);
  return tf.tidy(() => tf.transpose(tf.matMul(wt, tf.transpose(dy)))) as tf.Tensor2D;
}

/** dy^T x for dy [N, out], x [N, in] -> [out, in] (the weight gradient of x W^T). */
export function productDyTX(dy: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D {
  if (!onWasm()) return tf.matMul(dy, x, true, false);
  return tf.tidy(() => tf.matMul(tf.transpose(dy), x)) as tf.Tensor2D;
}

/**
 * x W^T on the forward fast path (no gradient). x [N, in], W [out, in] -> [N, out]. On wasm as (W x^T)^T: the
 * weight is the streamed operand, read in place, and only x^T (small) is packed by XNNPACK.
 */
export function forwardXWt(x: tf.Tensor2D, w: tf.Tensor): tf.Tensor2D {
  // Small weights: @rfai/core's wasm kernel caches their transposed copy and XNNPACK its packing (cheap, fastest).
  if (!onWasm() || w.size < CACHEABLE_ELEMENTS) return tf.matMul(x, w as tf.Tensor2D, false, true);
  return tf.tidy(() => tf.transpose(tf.matMul(w as tf.Tensor2D, tf.transpose(x)))) as tf.Tensor2D;
}

type GradFn = Parameters<typeof tf.customGrad>[0];

/**
 * What the tape keeps: tfjs saves a tensor for the backward pass as a clone, and on wasm a clone is a full copy of
 * the data. Weights are variables that outlive the backward pass, so they are captured, not saved (a saved 0.5 B
 * embedding would cost 545 MB per use); only activations are saved.
 */
function xwtTrainable(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xx, ww, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([xx]);
    return {
      value: forwardXWt(xx, ww),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [productDyW(dy as tf.Tensor2D, w), productDyTX(dy as tf.Tensor2D, saved[0] as tf.Tensor2D)],
    };
  }) as GradFn)(x, w) as tf.Tensor2D;
}

/**
 * y = x W^T for x [N, in] and a weight in the checkpoint's layout W [out, in] -> [N, out]. Differentiable in x;
 * in W only when W is a trainable variable (a frozen base weight under LoRA gets no gradient, and none is
 * computed). The result is new (the caller disposes or tidies).
 */
export function linearProduct(x: tf.Tensor2D, w: tf.Tensor): tf.Tensor2D {
  // tfjs' own matMul gradient computes only the input gradients that are needed.
  if (!onWasm()) return tf.matMul(x, w as tf.Tensor2D, false, true);
  if (!tapeIsOn()) return forwardXWt(x, w);
  if (isTrainable(w)) return xwtTrainable(x, w as tf.Tensor2D);
  return tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xx] = args as [tf.Tensor2D, tf.GradSaveFunc];
    // A frozen weight: captured (not saved: see xwtTrainable), and no gradient is computed for it.
    return { value: forwardXWt(xx, w), gradFunc: (dy: tf.Tensor) => [productDyW(dy as tf.Tensor2D, w)] };
  }) as GradFn)(x) as tf.Tensor2D;
}

const plainMatMulWithGrad = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    // d(a b)/da = dy b^T, d(a b)/db = a^T dy, with explicit transposes.
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(dy, swapLast(saved[1])), tf.matMul(swapLast(saved[0]), dy)],
  };
}) as GradFn) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/**
 * a @ b for rank 2 or 3 (batched) activations (attention scores and context), optionally with b transposed
 * over its last two axes. Differentiable; the result is new (caller disposes or tidies). Use
 * {@link linearProduct} for weights.
 */
export function matmul(a: tf.Tensor, b: tf.Tensor, transposeB = false): tf.Tensor {
  if (!onWasm()) return tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, false, transposeB);
  return plainMatMulWithGrad(a, transposeB ? swapLast(b) : b);
}
