// A matrix product for few rows against a large weight, on the wasm backend's heap (issue 17: decoding).
//
// y = x W^T for x [M, K] (M <= FEW_ROWS_MAX) and W [N, K] (the checkpoint's layout), y [M, N]. Decoding a large
// model multiplies two or four rows by every weight: the work is reading the weights once. tfjs-backend-wasm runs
// such a product on XNNPACK as (W x^T)^T, whose kernels compute 8 columns at a time, so with M = 2 three quarters
// of its arithmetic is padding, and it reaches about 4 GB/s of weights (Qwen2.5-0.5B: 0.4 s a decode step). This
// kernel reads each weight row once and takes its dot product with every x row (wasm SIMD, 4 lanes, one, two or four
// weight rows a turn as x's size makes fastest): one pass over W, as fast as memory streams it.
//
// It is a small WebAssembly module written out byte by byte (wasm-encoder.ts), instantiated on the wasm backend's
// own memory, so it reads the tensors where they are. One module per row length K (a multiple of 8),
// so that row offsets are immediates. Sums are in a different order than XNNPACK's (4 or 8 partial sums per dot
// product, then added), so results differ from tf.matMul by float rounding: callers that must reproduce earlier
// results keep tf.matMul.
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { functionBody, instantiateOnHeap, memoryOf, moduleBytes, op, type WasmBackendHeap } from './wasm-encoder';

/**
 * Largest number of x rows the kernel takes. At 8 rows its x loads (8 per weight chunk) make it slower than
 * XNNPACK (tools/bench/few-rows.ts: [151936, 896] 308 against 171 ms), at 4 it streams 7 GB/s against 5.
 */
export const FEW_ROWS_MAX = 4;
/** The kernel's name in tfjs' registry (wasm only); inputs x [M, K], w [N, K]; output [M, N]. */
export const FEW_ROWS_KERNEL = 'RfaiFewRowsXWt';

/** Bytes of x up to which one weight row a turn is fastest: x stays in the 32 KB L1 data cache beside the stream. */
const X_IN_L1_BYTES = 16 * 1024;

/**
 * Weight rows per turn (R) and partial sums per dot product (P) for M x rows of K floats: at most 8 accumulators.
 * Measured on one wasm thread with weights streamed from memory (400 MB of distinct weights in turn), ms per product
 * of Qwen's shapes: while x fits in L1 beside the weight stream, one weight row a turn streams fastest (M = 2:
 * [4864, 896] 0.68 against 1.78 with R 2, [151936, 896] 22 against 46, [2048, 1024] 0.38 against 0.90; M = 4:
 * [4864, 896] 1.05 against 1.93), and where it does not, several rows a turn share each load of x (M = 2:
 * [896, 4864] 1.43 with R 4 against 2.06 with R 1, [1024, 3072] 0.88 against 0.94).
 */
function tiling(M: number, K: number): { R: number; P: number } {
  const xFitsL1 = 4 * M * K <= X_IN_L1_BYTES;
  if (M === 1) return { R: 1, P: 2 };
  if (M === 2) return xFitsL1 ? { R: 1, P: 2 } : { R: 4, P: 1 };
  return xFitsL1 ? { R: 1, P: 1 } : { R: 2, P: 1 };
}

/**
 * Emits the loop over weight rows j in [w, wEnd) by R rows a turn, for a fixed row length k = K (bytes kb):
 * y[m, j + r] = sum_k x[m, k] W[j + r, k]. Row offsets are immediates (k is fixed), so each turn of the k loop
 * computes two addresses. Locals as in {@link fewRowsBody}.
 */
function rowLoop(e: (...parts: number[][]) => void, M: number, kb: number, R: number, P: number, wEndLocal: number): void {
  const [X, W] = [0, 1];
  const [KK, YROW, NY, XK, WK, XV] = [5, 6, 7, 8, 9, 10];
  const ACC = 11; // M * R * P v128 accumulators, then R * P weight chunks
  const WV = ACC + M * R * P;
  const acc = (m: number, r: number, p: number) => ACC + (m * R + r) * P + p;
  // while (w < wEnd)
  e(op.block, op.get(W), op.get(wEndLocal), op.i32GeU, op.brIf(0), op.loop);
  for (let a = 0; a < M * R * P; a++) e(op.v128Zero, op.set(ACC + a));
  e(op.i32(0), op.set(KK));
  e(op.loop);
  e(op.get(W), op.get(KK), op.i32Add, op.set(WK), op.get(X), op.get(KK), op.i32Add, op.set(XK));
  for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) e(op.get(WK), op.v128Load(r * kb + 16 * p), op.set(WV + r * P + p));
  for (let m = 0; m < M; m++) {
    for (let p = 0; p < P; p++) {
      e(op.get(XK), op.v128Load(m * kb + 16 * p), op.set(XV));
      for (let r = 0; r < R; r++) {
        e(op.get(acc(m, r, p)), op.get(XV), op.get(WV + r * P + p), op.f32x4Mul, op.f32x4Add, op.set(acc(m, r, p)));
      }
    }
  }
  e(op.get(KK), op.i32(16 * P), op.i32Add, op.set(KK), op.get(KK), op.i32(kb), op.i32LtU, op.brIf(0));
  e(op.end); // k loop
  // y[m, j + r] = horizontal sum of the P partial sums
  for (let m = 0; m < M; m++) {
    for (let r = 0; r < R; r++) {
      const a = acc(m, r, 0);
      for (let p = 1; p < P; p++) e(op.get(a), op.get(acc(m, r, p)), op.f32x4Add, op.set(a));
      e(op.get(YROW), op.get(NY), op.i32(m), op.i32Mul, op.i32Add); // store address
      e(op.get(a), op.lane(0), op.get(a), op.lane(1), op.f32Add);
      e(op.get(a), op.lane(2), op.get(a), op.lane(3), op.f32Add, op.f32Add);
      e(op.f32Store(4 * r));
    }
  }
  e(op.get(YROW), op.i32(4 * R), op.i32Add, op.set(YROW));
  e(op.get(W), op.i32(R * kb), op.i32Add, op.set(W), op.get(W), op.get(wEndLocal), op.i32LtU, op.brIf(0));
  e(op.end, op.end); // row loop, block
}

/**
 * The body of `xwt{M}(x, w, y, n)`: byte pointers x [M, K], w [n, K], y [M, n], for the module's K (a multiple of
 * 8). Locals: 0 x, 1 w, 2 y, 3 n (params), 4 wEnd, 5 kk, 6 yRow, 7 ny (n * 4), 8 xk, 9 wk, 10 xv (v128), then
 * the accumulators and weight chunks. R rows a turn while R rows remain, then one at a time.
 */
function fewRowsBody(M: number, K: number): number[] {
  const [W, Y, N] = [1, 2, 3];
  const [WEND, YROW, NY] = [4, 6, 7];
  const kb = K * 4;
  const { R, P } = tiling(M, K);
  const code: number[] = [];
  const e = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  e(op.get(Y), op.set(YROW));
  e(op.get(N), op.i32(4), op.i32Mul, op.set(NY));
  // wEnd = w + (n - n % R) * kb: R rows a turn
  e(op.get(W), op.get(N), op.get(N), op.i32(R), op.i32RemU, op.i32Sub, op.i32(kb), op.i32Mul, op.i32Add, op.set(WEND));
  rowLoop(e, M, kb, R, P, WEND);
  if (R > 1) {
    // the last n % R rows, one at a time (same partial sums)
    e(op.get(W), op.get(N), op.i32(R), op.i32RemU, op.i32(kb), op.i32Mul, op.i32Add, op.set(WEND));
    rowLoop(e, M, kb, 1, P, WEND);
  }
  return functionBody(6, 1 + M * R * P + R * P, code);
}

/** The module for rows of K floats (K a multiple of 8): imports env.memory, exports xwt1 .. xwt{FEW_ROWS_MAX}. */
export function fewRowsModuleBytes(K: number, shared = false): Uint8Array {
  if (!(K > 0 && K % 8 === 0)) throw new Error(`fewRowsModuleBytes: K must be a positive multiple of 8, found ${K}`);
  const ms = Array.from({ length: FEW_ROWS_MAX }, (_, i) => i + 1);
  return moduleBytes(4, ms.map((m) => [`xwt${m}`, fewRowsBody(m, K)]), shared);
}

type XwtFn = (x: number, w: number, y: number, n: number) => void;

const instances = new WeakMap<object, Map<number, XwtFn[]>>();

function functionsFor(backend: WasmBackendHeap, K: number): XwtFn[] {
  let byK = instances.get(backend);
  if (!byK) instances.set(backend, (byK = new Map()));
  let fns = byK.get(K);
  if (!fns) {
    const exports = instantiateOnHeap(backend, (shared) => fewRowsModuleBytes(K, shared));
    if (!exports) throw new Error(`${FEW_ROWS_KERNEL}: the wasm backend's memory cannot be imported`);
    fns = Array.from({ length: FEW_ROWS_MAX }, (_, i) => exports[`xwt${i + 1}`] as XwtFn);
    byK.set(K, fns);
  }
  return fns;
}

/** Whether the few-rows kernel can run x [M, K] W^T for W [N, K] here (wasm backend, shapes, dtype, memory). */
export function fewRowsSupported(x: tf.Tensor, w: tf.Tensor): boolean {
  if (tf.getBackend() !== 'wasm' || x.rank !== 2 || w.rank !== 2) return false;
  if (x.dtype !== 'float32' || w.dtype !== 'float32') return false;
  const [M, K] = x.shape;
  if (M < 1 || M > FEW_ROWS_MAX || K % 8 !== 0 || w.shape[1] !== K) return false;
  return memoryOf(tf.backend() as unknown as WasmBackendHeap) !== null;
}

function fewRowsKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): TensorInfo {
  const backend = args.backend as WasmBackendHeap;
  const x = args.inputs.x as TensorInfo;
  const w = args.inputs.w as TensorInfo;
  const [M, K] = x.shape;
  const N = w.shape[0];
  if (M < 1 || M > FEW_ROWS_MAX || K % 8 !== 0 || w.shape[1] !== K) {
    throw new Error(`${FEW_ROWS_KERNEL}: unsupported shapes x [${x.shape}] w [${w.shape}]`);
  }
  const fns = functionsFor(backend, K);
  const out = backend.makeOutput([M, N], 'float32');
  // Views made after the output's allocation (which may grow the heap); their offsets are the heap addresses.
  const px = backend.typedArrayFromHeap(x).byteOffset;
  const pw = backend.typedArrayFromHeap(w).byteOffset;
  const py = backend.typedArrayFromHeap(out).byteOffset;
  fns[M - 1](px, pw, py, N);
  return out;
}

let registered = false;

/** Registers {@link FEW_ROWS_KERNEL} for 'wasm' (idempotent). */
export function registerFewRowsKernel(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: FEW_ROWS_KERNEL, backendName: 'wasm', kernelFunc: fewRowsKernel as unknown as tf.KernelFunc });
}

/**
 * x W^T for x [M, K] (M <= {@link FEW_ROWS_MAX}) and a weight W [N, K], on the wasm backend with the few-rows
 * kernel (check {@link fewRowsSupported} first). No gradient: for inference (decoding). The result is new.
 */
export function fewRowsXWt(x: tf.Tensor2D, w: tf.Tensor): tf.Tensor2D {
  registerFewRowsKernel();
  return tf.engine().runKernel(FEW_ROWS_KERNEL, { x, w } as unknown as tf.NamedTensorMap, {}) as tf.Tensor2D;
}
