/**
 * Matrix products that stay on the fast path of every backend. tfjs-backend-wasm runs transposed products
 * (transposeA/transposeB, which tfjs' own matMul gradient uses) 5-10x slower than plain ones, so on wasm the
 * operands are transposed explicitly and the gradient is written with explicit transposes too.
 */
import { tf } from '@rfai/core';

function swapLast(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[r - 1] = r - 2;
  perm[r - 2] = r - 1;
  return tf.transpose(x, perm);
}

const plainMatMulWithGrad = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    // d(a b)/da = dy b^T, d(a b)/db = a^T dy, with explicit transposes.
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(dy, swapLast(saved[1])), tf.matMul(swapLast(saved[0]), dy)],
  };
}) as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** True when the current backend is wasm (transposed products are slow there). */
function onWasm(): boolean {
  return tf.getBackend() === 'wasm';
}

/**
 * a @ b for rank 2 or 3 (batched) tensors, optionally with b transposed (b^T over its last two axes).
 * Differentiable; the result is new (caller disposes or tidies).
 */
export function matmul(a: tf.Tensor, b: tf.Tensor, transposeB = false): tf.Tensor {
  if (!onWasm()) return tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, false, transposeB);
  return plainMatMulWithGrad(a, transposeB ? swapLast(b) : b);
}

/** Whether weights should be kept pre-transposed for repeated use (wasm), see CausalLM.linear. */
export function prefersPretransposed(): boolean {
  return onWasm();
}
