/**
 * Fused kernels for a decoding step (one new position per row, no gradient tape).
 *
 * A decoding step of a small model is bound by the number of tensor operations, not by arithmetic: the tiny
 * preset's step (8 rows, 4 layers) ran 317 kernels, each costing the engine's bookkeeping and an allocation for a
 * few thousand numbers. Its RMSNorm is 6 kernels, RoPE 7, SwiGLU 3, and attention against the cache ~14 (scaling,
 * transposes, appending to the cache, scores, bias, softmax, weighted sum). Here each of those is one kernel that
 * reads its inputs where they are (the wasm heap, or the cpu backend's arrays) and writes one output, in plain
 * loops; sums are accumulated in float64. Same values as the separate operations up to float32 rounding.
 *
 * Registered for the wasm and cpu backends ({@link fusedDecodeAvailable}); other backends (tfjs-node) keep the
 * separate operations. No gradients: the decoder uses them only when no tape records (decoding).
 */
import { heapRowOps, tf, type HeapRowOps } from '@rfai/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';

export const RMS_NORM_KERNEL = 'RfaiRmsNorm';
export const ROPE_KERNEL = 'RfaiRope';
export const SWIGLU_KERNEL = 'RfaiSwiglu';
export const DECODE_ATTENTION_KERNEL = 'RfaiDecodeAttention';

/** What the kernels need of a backend: wasm's heap views and outputs, or cpu's arrays. */
interface KernelBackend {
  typedArrayFromHeap?(t: TensorInfo): tf.TypedArray;
  makeOutput?(shape: number[], dtype: tf.DataType): TensorInfo;
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeTensorInfo?(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

/**
 * Allocates float32 outputs of the given shapes, then hands `compute` views of the inputs and outputs. On wasm the
 * outputs are allocated first: an allocation may grow the heap and detach views made earlier.
 */
function run(backend: KernelBackend, inputs: TensorInfo[], shapes: number[][], compute: (ins: Float32Array[], outs: Float32Array[]) => void): TensorInfo[] {
  for (const t of inputs) if (t.dtype !== 'float32') throw new Error(`fused decode kernel: float32 inputs expected, found ${t.dtype}`);
  if (backend.makeOutput && backend.typedArrayFromHeap) {
    const outs = shapes.map((s) => backend.makeOutput!(s, 'float32'));
    compute(
      inputs.map((t) => backend.typedArrayFromHeap!(t) as Float32Array),
      outs.map((t) => backend.typedArrayFromHeap!(t) as Float32Array),
    );
    return outs;
  }
  const outs = shapes.map((s) => new Float32Array(tf.util.sizeFromShape(s)));
  compute(inputs.map((t) => backend.readSync(t.dataId) as Float32Array), outs);
  return outs.map((v, i) => backend.makeTensorInfo!(shapes[i], 'float32', v));
}

/** x * rsqrt(mean(x^2 over the last axis) + eps) * w; x [..., E], w [E]. */
function rmsNormKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  const w = args.inputs.w as TensorInfo;
  const eps = Number(args.attrs?.eps);
  const E = x.shape[x.shape.length - 1];
  if (w.shape.length !== 1 || w.shape[0] !== E) throw new Error(`${RMS_NORM_KERNEL}: weight [${w.shape}] does not match x [${x.shape}]`);
  return run(args.backend as KernelBackend, [x, w], [x.shape], ([xv, wv], [out]) => {
    for (let at = 0; at < xv.length; at += E) {
      let ss = 0;
      for (let j = 0; j < E; j++) ss += xv[at + j] * xv[at + j];
      const inv = 1 / Math.sqrt(ss / E + eps);
      for (let j = 0; j < E; j++) out[at + j] = xv[at + j] * inv * wv[j];
    }
  })[0];
}

/** x * cos + rotate_half(x) * sin, rotate_half(x) = concat(-x2, x1); x [B, T, h, D], cos/sin [B, T, 1, D]. */
function ropeKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  const cos = args.inputs.cos as TensorInfo;
  const sin = args.inputs.sin as TensorInfo;
  const [B, T, h, D] = x.shape;
  if (cos.shape.join() !== [B, T, 1, D].join() || sin.shape.join() !== cos.shape.join()) {
    throw new Error(`${ROPE_KERNEL}: cos [${cos.shape}] / sin [${sin.shape}] do not match x [${x.shape}]`);
  }
  const half = D / 2;
  return run(args.backend as KernelBackend, [x, cos, sin], [x.shape], ([xv, cv, sv], [out]) => {
    for (let bt = 0; bt < B * T; bt++) {
      const c = bt * D;
      for (let k = 0; k < h; k++) {
        const at = (bt * h + k) * D;
        for (let d = 0; d < half; d++) {
          const x1 = xv[at + d];
          const x2 = xv[at + d + half];
          out[at + d] = x1 * cv[c + d] - x2 * sv[c + d];
          out[at + d + half] = x2 * cv[c + d + half] + x1 * sv[c + d + half];
        }
      }
    }
  })[0];
}

/** silu(gate) * up = gate * sigmoid(gate) * up, elementwise. */
function swigluKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): TensorInfo {
  const gate = args.inputs.gate as TensorInfo;
  const up = args.inputs.up as TensorInfo;
  if (gate.shape.join() !== up.shape.join()) throw new Error(`${SWIGLU_KERNEL}: gate [${gate.shape}] and up [${up.shape}] differ`);
  return run(args.backend as KernelBackend, [gate, up], [gate.shape], ([g, u], [out]) => {
    for (let i = 0; i < g.length; i++) out[i] = (g[i] / (1 + Math.exp(-g[i]))) * u[i];
  })[0];
}

/**
 * One position of attention per row against the cache, and the cache extended by it.
 * Inputs: q [B, 1, H, D] and k, v [B, 1, KV, D] of the new position (after RoPE), the cache pastK, pastV
 * [B*KV, S-1, D], the additive bias [B, 1, 1, S]. Outputs: the attention context [B, H*D] (heads in order, as
 * o_proj reads it) and the extended cache [B*KV, S, D] twice (keys, values). Query head h reads KV head
 * floor(h / G); scores are q.k / sqrt(D) plus the bias, softmax over the S keys.
 */
function decodeAttentionKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): TensorInfo[] {
  const { q, k, v, pastK, pastV, bias } = args.inputs as Record<string, TensorInfo>;
  const [B, one, H, D] = q.shape;
  const KV = k.shape[2];
  const S = pastK.shape[1] + 1;
  const ok =
    one === 1 && H % KV === 0 && k.shape.join() === [B, 1, KV, D].join() && v.shape.join() === k.shape.join() &&
    pastK.shape.join() === [B * KV, S - 1, D].join() && pastV.shape.join() === pastK.shape.join() && bias.shape.join() === [B, 1, 1, S].join();
  if (!ok) {
    throw new Error(`${DECODE_ATTENTION_KERNEL}: shapes do not fit: q [${q.shape}] k [${k.shape}] v [${v.shape}] pastK [${pastK.shape}] pastV [${pastV.shape}] bias [${bias.shape}]`);
  }
  const be = args.backend as KernelBackend;
  const ops = D % 4 === 0 ? heapRowOps(be) : null;
  if (ops) return attentionOnHeap(be, ops, { q, k, v, pastK, pastV, bias }, [B, H, KV, D, S]);
  const scores = new Float64Array(S);
  const acc = new Float64Array(D);
  return run(be, [q, k, v, pastK, pastV, bias], [[B, H * D], [B * KV, S, D], [B * KV, S, D]], (ins, outs) => {
    const [qv, kv, vv, pk, pv, bv] = ins;
    const [ctx, nk, nv] = outs;
    extendCache(pk, kv, nk, B * KV, S, D);
    extendCache(pv, vv, nv, B * KV, S, D);
    forEachQuery(B, H, KV, S, D, (b, qa, keys) => attendOne(qv, qa, nk, nv, keys, bv, b * S, S, D, scores, acc, ctx));
  });
}

/** Calls `f(b, qa, keys)` for every row b and query head: qa its query's offset, keys its KV head's first key's. */
function forEachQuery(B: number, H: number, KV: number, S: number, D: number, f: (b: number, qa: number, keys: number) => void): void {
  const G = H / KV;
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) f(b, (b * H + h) * D, (b * KV + Math.floor(h / G)) * S * D);
}

/**
 * The attention weights of one query in place: `scores` holds the S dot products q.k on entry and
 * softmax(q.k / sqrt(D) + bias[ba..ba+S)) on return.
 */
function softmaxScores(scores: Float32Array | Float64Array, S: number, D: number, bias: Float32Array, ba: number): void {
  const scale = 1 / Math.sqrt(D);
  let max = -Infinity;
  for (let s = 0; s < S; s++) {
    const z = scores[s] * scale + bias[ba + s];
    scores[s] = z;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let s = 0; s < S; s++) {
    const e = Math.exp(scores[s] - max);
    scores[s] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let s = 0; s < S; s++) scores[s] *= inv;
}

/** Copies the past rows and the new position into the extended cache [B*KV, S, D]. */
function extendCache(past: Float32Array, cur: Float32Array, out: Float32Array, rows: number, S: number, D: number): void {
  const old = (S - 1) * D;
  for (let r = 0; r < rows; r++) {
    out.set(past.subarray(r * old, (r + 1) * old), r * S * D);
    out.set(cur.subarray(r * D, (r + 1) * D), r * S * D + old);
  }
}

/**
 * {@link decodeAttentionKernel} on the wasm heap: the dot products and the weighted sums of every (row, head) in
 * wasm SIMD (@rfai/core heapRowOps), the softmax between them in JavaScript on a scratch row of the heap.
 */
function attentionOnHeap(be: KernelBackend, ops: HeapRowOps, t: Record<string, TensorInfo>, [B, H, KV, D, S]: number[]): TensorInfo[] {
  const outs = [[B, H * D], [B * KV, S, D], [B * KV, S, D]].map((shape) => be.makeOutput!(shape, 'float32'));
  const scratch = be.makeOutput!([S], 'float32');
  try {
    // Views made after every allocation (an allocation may grow the heap and detach earlier views).
    const view = (x: TensorInfo) => be.typedArrayFromHeap!(x) as Float32Array;
    const [ctx, nk, nv] = outs.map(view);
    extendCache(view(t.pastK), view(t.k), nk, B * KV, S, D);
    extendCache(view(t.pastV), view(t.v), nv, B * KV, S, D);
    const qv = view(t.q);
    const bv = view(t.bias);
    const sc = view(scratch);
    forEachQuery(B, H, KV, S, D, (b, qa, keys) => {
      ops.dots(qv.byteOffset + 4 * qa, nk.byteOffset + 4 * keys, sc.byteOffset, S, 4 * D);
      softmaxScores(sc, S, D, bv, b * S);
      ops.weightedSum(sc.byteOffset, nv.byteOffset + 4 * keys, ctx.byteOffset + 4 * qa, S, 4 * D);
    });
  } finally {
    be.disposeData(scratch.dataId);
  }
  return outs;
}

/**
 * One query (qv[qa..qa+D)) against S keys and values from `keys` (rows of D): ctx[qa..qa+D) = softmax(q.k / sqrt(D)
 * + bias) . v, in float64. `scores` [S] and `acc` [D] are scratch.
 */
function attendOne(
  qv: Float32Array,
  qa: number,
  kv: Float32Array,
  vv: Float32Array,
  keys: number,
  bias: Float32Array,
  ba: number,
  S: number,
  D: number,
  scores: Float64Array,
  acc: Float64Array,
  ctx: Float32Array,
): void {
  for (let s = 0, ka = keys; s < S; s++, ka += D) {
    let dot = 0;
    for (let d = 0; d < D; d++) dot += qv[qa + d] * kv[ka + d];
    scores[s] = dot;
  }
  softmaxScores(scores, S, D, bias, ba);
  acc.fill(0);
  for (let s = 0, va = keys; s < S; s++, va += D) {
    const p = scores[s];
    if (p === 0) continue; // a masked key (exp underflows to 0)
    for (let d = 0; d < D; d++) acc[d] += p * vv[va + d];
  }
  for (let d = 0; d < D; d++) ctx[qa + d] = acc[d];
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  const kernels: Array<[string, unknown]> = [
    [RMS_NORM_KERNEL, rmsNormKernel],
    [ROPE_KERNEL, ropeKernel],
    [SWIGLU_KERNEL, swigluKernel],
    [DECODE_ATTENTION_KERNEL, decodeAttentionKernel],
  ];
  for (const backendName of ['wasm', 'cpu']) {
    for (const [kernelName, f] of kernels) {
      if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({ kernelName, backendName, kernelFunc: f as tf.KernelFunc });
    }
  }
}

/** Whether the current backend runs the fused kernels (wasm and cpu; not tfjs-node). */
export function fusedDecodeAvailable(): boolean {
  const name = tf.getBackend();
  if (name !== 'wasm' && name !== 'cpu') return false;
  register();
  return true;
}

/** RMSNorm over the last axis in one kernel (no gradient). */
export function fusedRmsNorm(x: tf.Tensor, w: tf.Tensor, eps: number): tf.Tensor {
  return tf.engine().runKernel(RMS_NORM_KERNEL, { x, w } as unknown as tf.NamedTensorMap, { eps }) as tf.Tensor;
}

/** RoPE of x [B, T, h, D] with cos/sin [B, T, 1, D] in one kernel (no gradient). */
export function fusedRope(x: tf.Tensor4D, cos: tf.Tensor, sin: tf.Tensor): tf.Tensor4D {
  return tf.engine().runKernel(ROPE_KERNEL, { x, cos, sin } as unknown as tf.NamedTensorMap, {}) as tf.Tensor4D;
}

/** silu(gate) * up in one kernel (no gradient). */
export function fusedSwiglu(gate: tf.Tensor2D, up: tf.Tensor2D): tf.Tensor2D {
  return tf.engine().runKernel(SWIGLU_KERNEL, { gate, up } as unknown as tf.NamedTensorMap, {}) as tf.Tensor2D;
}

/** See {@link decodeAttentionKernel}: the context [B, H*D] and the extended cache's keys and values. */
export function fusedDecodeAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  past: { k: tf.Tensor3D; v: tf.Tensor3D },
  bias: tf.Tensor4D,
): { ctx: tf.Tensor2D; k: tf.Tensor3D; v: tf.Tensor3D } {
  const [ctx, nk, nv] = tf.engine().runKernel(DECODE_ATTENTION_KERNEL, { q, k, v, pastK: past.k, pastV: past.v, bias } as unknown as tf.NamedTensorMap, {}) as tf.Tensor[];
  return { ctx: ctx as tf.Tensor2D, k: nk as tf.Tensor3D, v: nv as tf.Tensor3D };
}
