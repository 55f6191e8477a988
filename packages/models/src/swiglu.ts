/**
 * The SwiGLU activation silu(g) * u = g sigmoid(g) u with a hand-written gradient (issue 17: the tape of a layer that
 * is not checkpointed).
 *
 * tfjs' own gradient of `mul(mul(g, sigmoid(g)), u)` saves five [N, F] tensors (the sigmoid's output, both operands
 * of each product; on wasm each a copy) and makes five more [N, F] gradients, all held until the backward pass ends:
 * about 20 MB a layer of Qwen2.5-0.5B for 91 tokens. This saves g and u only and returns dg and du directly:
 *   s = sigmoid(g),  d act / d u = g s,  d act / d g = u s (1 + g (1 - s)).
 * The forward computes exactly what the unfused expression computes (same operations in the same order).
 */
import { tf } from '@rfai/core';

type GradFn = Parameters<typeof tf.customGrad>[0];

const fused = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [g, u, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([g, u]);
  return {
    value: tf.mul(tf.mul(g, tf.sigmoid(g)), u),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [gs, us] = saved;
        const s = tf.sigmoid(gs);
        const du = tf.mul(dy, tf.mul(gs, s));
        // u s (1 + g (1 - s)) = u (s + g s (1 - s))
        const dg = tf.mul(tf.mul(dy, us), tf.add(s, tf.mul(tf.mul(gs, s), tf.sub(1, s))));
        return [dg, du];
      }),
  };
}) as GradFn) as (g: tf.Tensor, u: tf.Tensor) => tf.Tensor;

/**
 * silu(gate) * up for gate, up of one shape. Differentiable in both; under a gradient tape the fused gradient
 * above, without one the plain expression (identical values either way). The result is new.
 */
export function swiglu(gate: tf.Tensor, up: tf.Tensor): tf.Tensor {
  if (!tf.engine().isTapeOn()) return tf.mul(tf.mul(gate, tf.sigmoid(gate)), up);
  return fused(gate, up);
}
