// Gradients that tfjs-core 4.22 does not define, registered by @rfai/core.
import * as tf from '@tensorflow/tfjs-core';

/**
 * TopK: the gradient of `values` flows back to the positions `indices` picked in x
 * (TensorFlow's TopKV2 gradient); `indices` carries no gradient.
 * x [..., N], values and indices [..., K] -> dx [..., N].
 */
const topKGradConfig: tf.GradConfig = {
  kernelName: 'TopK',
  inputsToSave: ['x'],
  outputsToSave: [false, true],
  gradFunc: (dy, saved) => {
    const [x, indices] = saved;
    const dValues = (Array.isArray(dy) ? dy[0] : dy) as tf.Tensor;
    const n = x.shape[x.shape.length - 1] as number;
    return {
      x: () => tf.sum(tf.mul(tf.oneHot(indices as tf.Tensor, n), tf.expandDims(dValues, -1)), -2),
    };
  },
};

/**
 * Comparisons and logical ops have zero gradient with respect to their inputs (their
 * outputs are bool); the zeros are float32, as the engine requires of every gradient. tfjs defines this for GreaterEqual only, so tf.grad through
 * `where(greater(x, 0), ...)` would otherwise throw "gradient function not found".
 */
const zeroGradKernels = ['Greater', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr', 'LogicalXor'];
const zeroGradConfigs: tf.GradConfig[] = zeroGradKernels.map((kernelName) => ({
  kernelName,
  inputsToSave: ['a', 'b'],
  gradFunc: (_dy, saved) => {
    const [a, b] = saved;
    return { a: () => tf.zeros(a.shape), b: () => tf.zeros(b.shape) };
  },
}));
const logicalNotGradConfig: tf.GradConfig = {
  kernelName: 'LogicalNot',
  inputsToSave: ['x'],
  gradFunc: (_dy, saved) => ({ x: () => tf.zeros(saved[0].shape) }),
};

/**
 * Cumsum: tfjs-core 4.22's gradient transposes the result of cumsum(dy) when the axis is
 * not the last one, although the Cumsum kernel already returns the input's layout, so
 * tf.grad of a cumsum over axis 0 of a [2, 3] tensor fails with a shape error (and gives
 * permuted values for square shapes). The gradient of an (exclusive) cumulative sum is
 * the (exclusive) cumulative sum of dy in the opposite direction, in the same layout.
 */
const cumsumGradConfig: tf.GradConfig = {
  kernelName: 'Cumsum',
  inputsToSave: ['x'],
  gradFunc: (dy, _saved, attrs) => {
    const { axis, exclusive, reverse } = attrs as unknown as { axis: number; exclusive: boolean; reverse: boolean };
    return { x: () => tf.cumsum(dy as tf.Tensor, axis, exclusive, !reverse) };
  },
};

/** Kernels whose gradient @rfai/core registers: tfjs-core 4.22 has none for them. */
export const EXTRA_GRADIENT_KERNELS: readonly string[] = ['TopK', ...zeroGradKernels, 'LogicalNot'];
/** Kernels whose tfjs-core 4.22 gradient @rfai/core replaces because it is wrong. */
export const REPLACED_GRADIENT_KERNELS: readonly string[] = ['Cumsum'];

let registered = false;

/** Registers the gradients above unless tfjs already has one for the kernel. Idempotent. */
export function registerExtraGradients(): void {
  if (registered) return;
  registered = true;
  for (const config of [topKGradConfig, ...zeroGradConfigs, logicalNotGradConfig]) {
    if (tf.getGradient(config.kernelName) == null) tf.registerGradient(config);
  }
  tf.unregisterGradient(cumsumGradConfig.kernelName);
  tf.registerGradient(cumsumGradConfig);
}
