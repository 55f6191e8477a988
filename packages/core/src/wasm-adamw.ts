// AdamW's per-parameter update as one kernel on the wasm backend's heap (issue 17: full fine-tuning with the
// 151,936-token Qwen vocabulary). The tfjs formulation makes fourteen elementwise passes and, even one tidy per
// assignment, four parameter-sized temporaries: for a [151,936, 512] embedding that is 1.2 GB of a 4 GiB heap, and
// the heap, which never shrinks, fragments around them. Here the moments are updated in place (they belong to the
// optimizer alone: nothing else holds their data), the new parameter is the only allocation, and every element
// goes through the exact float32 operations of the tfjs formulation in the same order (Math.fround after each one:
// a double operation on float32 inputs rounded once is the correctly rounded float32 result), so both give the
// same bits.
import { tf } from './tf';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendHeap } from './wasm-encoder';

/** Kernel name of {@link adamwStepWasm}. */
export const ADAMW_KERNEL = 'RfaiAdamWStep';

/** The scalars of one AdamW update (see AdamW in adamw.ts). */
export interface AdamWScalars {
  /** Gradient scale (clipping); 1: none. */
  scale: number;
  beta1: number;
  beta2: number;
  /** 1 - lr * weight_decay; 1: no decay (and no multiply, as the tfjs formulation skips it). */
  decay: number;
  /** lr / (1 - beta1^t). */
  stepSize: number;
  /** sqrt(1 - beta2^t). */
  bc2Sqrt: number;
  eps: number;
}

/** The update of every element: moments in place, the new parameter into O (which may be P itself). */
function adamwLoop(P: Float32Array, G: Float32Array, Mo: Float32Array, Vo: Float32Array, O: Float32Array, a: AdamWScalars): void {
  const f = Math.fround;
  // The scalars as the float32 tensors tf.mul / tf.add / tf.div would make of them.
  const scale = f(a.scale);
  const b1 = f(a.beta1);
  const c1 = f(1 - a.beta1);
  const b2 = f(a.beta2);
  const c2 = f(1 - a.beta2);
  const decay = f(a.decay);
  const step = f(a.stepSize);
  const bc2 = f(a.bc2Sqrt);
  const eps = f(a.eps);
  const scaled = a.scale !== 1;
  const decayed = a.decay !== 1;
  const n = P.length;
  for (let i = 0; i < n; i++) {
    const gi = scaled ? f(G[i] * scale) : G[i];
    const mi = f(f(Mo[i] * b1) + f(gi * c1));
    const vi = f(f(Vo[i] * b2) + f(f(gi * gi) * c2));
    Mo[i] = mi;
    Vo[i] = vi;
    const pi = decayed ? f(P[i] * decay) : P[i];
    const denom = f(f(f(Math.sqrt(vi)) / bc2) + eps);
    O[i] = pi - f(f(mi / denom) * step);
  }
}

function checkShapes(p: TensorInfo, others: TensorInfo[]): void {
  for (const t of [p, ...others]) {
    if (t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, p.shape)) {
      throw new Error(`${ADAMW_KERNEL}: parameter, gradient and moments must be float32 of shape [${p.shape}]`);
    }
  }
}

function adamwKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as WasmBackendHeap;
  const { p, g, m, v } = args.inputs as Record<'p' | 'g' | 'm' | 'v', TensorInfo>;
  checkShapes(p, [g, m, v]);
  const out = backend.makeOutput(p.shape, 'float32');
  // Views made after the output's allocation (which may grow, and detach, the heap).
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  adamwLoop(view(p), view(g), view(m), view(v), view(out), args.attrs as unknown as AdamWScalars);
  return out;
}

let registered = false;

/** Whether {@link adamwStepWasm} can run: the current backend is wasm. */
export function adamwKernelAvailable(): boolean {
  return tf.getBackend() === 'wasm';
}

/**
 * One AdamW update of parameter p with gradient g on the wasm backend: updates the moments m and v IN PLACE
 * (they must be the optimizer's own tensors, sharing their data with nothing) and returns the new parameter (a new
 * tensor; p is unchanged). Same float32 results as AdamW's tfjs formulation.
 */
export function adamwStepWasm(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: AdamWScalars): tf.Tensor {
  if (!registered) {
    registered = true;
    tf.registerKernel({ kernelName: ADAMW_KERNEL, backendName: 'wasm', kernelFunc: adamwKernel as unknown as tf.KernelFunc });
  }
  return tf.engine().runKernel(ADAMW_KERNEL, { p, g, m, v } as unknown as tf.NamedTensorMap, s as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/**
 * {@link adamwStepWasm} writing the new parameter over p's own data instead of a new tensor: no allocation at all.
 * Only for a parameter whose data nothing caches by identity: on wasm, a weight of 1 Mi elements or more, which
 * @rfai/models never lets XNNPACK pack or @rfai/core's transposed-operand cache copy (they key their copies by the
 * data's identity and would go stale). Same float32 results.
 */
export function adamwStepWasmInPlace(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: AdamWScalars): void {
  const backend = tf.backend() as unknown as WasmBackendHeap;
  checkShapes(p, [g, m, v]);
  const view = (t: tf.Tensor) => backend.typedArrayFromHeap(t as unknown as TensorInfo) as Float32Array;
  const P = view(p);
  adamwLoop(P, view(g), view(m), view(v), P, s);
}
