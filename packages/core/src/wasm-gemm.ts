// A matrix product against a large weight read in place, on the wasm backend's heap (issue 17: the LM head's
// backward pass).
//
// y = a W for a [M, K] and W [K, N] row-major, y [M, N]: the product of the LM head's logit gradients [m, V] with the
// head [V, E] (dh = dl W). tfjs-backend-wasm runs a product on XNNPACK only with its right operand packed (copied,
// and cached for as long as that operand lives) and neither operand transposed, so the head, a weight that lives as
// long as the model, could only be multiplied this way through a transposed copy made for the call: 545 MB for
// Qwen's [151,936, 896] head, and a second of copying per step. This kernel reads W where it is.
//
// It walks W in blocks of rows (256 kB: small enough to stay in the core's L2 cache) and, for each group of up to 4 rows
// of a, every block of 8 columns: 4 x 8 accumulators (8 v128) take a splat of a[r, k] times two v128 of W[k, j..j+8]
// for each k of the block, then are added into y. W is read from memory once per call. A small WebAssembly module
// written out byte by byte (wasm-encoder.ts), instantiated on the backend's own memory. Sums run over k in a
// different order than XNNPACK's, so results differ from tf.matMul by float rounding.
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { functionBody, instantiateOnHeap, memoryOf, moduleBytes, op, type WasmBackendHeap } from './wasm-encoder';

/** The kernel's name in tfjs' registry (wasm only); inputs a [M, K], w [K, N] (N a multiple of 8); output [M, N]. */
export const GEMM_KERNEL = 'RfaiGemmAW';

/** Bytes of W per block: the rows of a block stay in L2 while every row group of a reuses them. */
const BLOCK_BYTES = 1 << 18;

/** Rows of a per call of the module's functions (one function per count 1..ROWS_MAX). */
const ROWS_MAX = 4;

/**
 * `gemm{R}(a, w, y, kk, n, lda)` (byte pointers a, w, y; kk rows of the block; n columns; lda the bytes of a row of
 * a): y[r, j] += sum_{t < kk} a[r, t] w[t, j] for r < R, j < n, with y's and w's rows n floats apart.
 * Locals: 0-5 params; 6 j, 7 nb (n * 4), 8 ap, 9 aEnd, 10 wp, 11 yp; v128 from 12: R * 2 accumulators, 2 weight
 * chunks, 1 splat.
 */
function gemmBody(R: number): number[] {
  const [A, W, Y, KK, N, LDA] = [0, 1, 2, 3, 4, 5];
  const [J, NB, AP, AEND, WP, YP] = [6, 7, 8, 9, 10, 11];
  const ACC = 12;
  const W0 = ACC + 2 * R;
  const AV = W0 + 2;
  const code: number[] = [];
  const e = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  /** Pushes the address of row r of y's current column block: yp + r * nb. */
  const yRow = (r: number) => (r === 0 ? e(op.get(YP)) : e(op.get(YP), op.get(NB), op.i32(r), op.i32Mul, op.i32Add));
  e(op.get(N), op.i32(4), op.i32Mul, op.set(NB));
  e(op.block, op.get(KK), op.i32(0), op.i32Eq, op.get(N), op.i32(0), op.i32Eq, op.i32Or, op.brIf(0));
  e(op.i32(0), op.set(J));
  e(op.loop); // column blocks of 8
  e(op.get(Y), op.get(J), op.i32Add, op.set(YP));
  for (let r = 0; r < R; r++) {
    for (let q = 0; q < 2; q++) {
      yRow(r);
      e(op.v128Load(16 * q), op.set(ACC + 2 * r + q));
    }
  }
  e(op.get(W), op.get(J), op.i32Add, op.set(WP));
  e(op.get(A), op.set(AP), op.get(A), op.get(KK), op.i32(4), op.i32Mul, op.i32Add, op.set(AEND));
  e(op.loop); // rows t of the block
  e(op.get(WP), op.v128Load(0), op.set(W0), op.get(WP), op.v128Load(16), op.set(W0 + 1));
  for (let r = 0; r < R; r++) {
    if (r === 0) e(op.get(AP));
    else e(op.get(AP), op.get(LDA), op.i32(r), op.i32Mul, op.i32Add);
    e(op.f32Load(0), op.f32x4Splat, op.set(AV));
    for (let q = 0; q < 2; q++) {
      e(op.get(ACC + 2 * r + q), op.get(AV), op.get(W0 + q), op.f32x4Mul, op.f32x4Add, op.set(ACC + 2 * r + q));
    }
  }
  e(op.get(WP), op.get(NB), op.i32Add, op.set(WP));
  e(op.get(AP), op.i32(4), op.i32Add, op.tee(AP), op.get(AEND), op.i32LtU, op.brIf(0));
  e(op.end); // rows
  for (let r = 0; r < R; r++) {
    for (let q = 0; q < 2; q++) {
      yRow(r);
      e(op.get(ACC + 2 * r + q), op.v128Store(16 * q));
    }
  }
  e(op.get(J), op.i32(32), op.i32Add, op.tee(J), op.get(NB), op.i32LtU, op.brIf(0));
  e(op.end, op.end); // column blocks, block
  return functionBody(6, 2 * R + 3, code);
}

/** The module: imports env.memory (`shared`: the threaded build's), exports gemm1 .. gemm4. */
export function gemmModuleBytes(shared = false): Uint8Array {
  return moduleBytes(
    6,
    Array.from({ length: ROWS_MAX }, (_, i) => [`gemm${i + 1}`, gemmBody(i + 1)] as [string, number[]]),
    shared,
  );
}

type GemmFn = (a: number, w: number, y: number, kk: number, n: number, lda: number) => void;

const instances = new WeakMap<object, GemmFn[]>();

function functionsFor(backend: WasmBackendHeap): GemmFn[] {
  let fns = instances.get(backend);
  if (!fns) {
    const exports = instantiateOnHeap(backend, gemmModuleBytes);
    if (!exports) throw new Error(`${GEMM_KERNEL}: the wasm backend's memory cannot be imported`);
    fns = Array.from({ length: ROWS_MAX }, (_, i) => exports[`gemm${i + 1}`] as GemmFn);
    instances.set(backend, fns);
  }
  return fns;
}

/** Whether W [K, N] can be this kernel's right operand here (wasm backend, float32, N a multiple of 8, memory). */
export function gemmWeightSupported(w: tf.Tensor): boolean {
  if (tf.getBackend() !== 'wasm' || w.rank !== 2 || w.dtype !== 'float32' || (w.shape[1] ?? 0) % 8 !== 0) return false;
  return memoryOf(tf.backend() as unknown as WasmBackendHeap) !== null;
}

/** Whether a [M, K] W [K, N] can run on this kernel here (see {@link gemmWeightSupported}). */
export function gemmAWSupported(a: tf.Tensor, w: tf.Tensor): boolean {
  if (a.rank !== 2 || a.dtype !== 'float32' || a.shape[0] < 1 || a.shape[1] !== w.shape[0]) return false;
  return gemmWeightSupported(w);
}

function gemmKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): TensorInfo {
  const backend = args.backend as WasmBackendHeap;
  const a = args.inputs.a as TensorInfo;
  const w = args.inputs.w as TensorInfo;
  const [M, K] = a.shape;
  const N = w.shape[1];
  if (w.shape[0] !== K || N % 8 !== 0) throw new Error(`${GEMM_KERNEL}: unsupported shapes a [${a.shape}] w [${w.shape}]`);
  const fns = functionsFor(backend);
  const out = backend.makeOutput([M, N], 'float32');
  // Views made after the output's allocation (which may grow the heap); their offsets are the heap addresses.
  const yv = backend.typedArrayFromHeap(out);
  yv.fill(0);
  const pa = backend.typedArrayFromHeap(a).byteOffset;
  const pw = backend.typedArrayFromHeap(w).byteOffset;
  const py = yv.byteOffset;
  const blockRows = Math.max(8, Math.floor(BLOCK_BYTES / (4 * N)));
  for (let k0 = 0; k0 < K; k0 += blockRows) {
    const kk = Math.min(blockRows, K - k0);
    for (let i = 0; i < M; i += ROWS_MAX) {
      const rows = Math.min(ROWS_MAX, M - i);
      fns[rows - 1](pa + 4 * (i * K + k0), pw + 4 * k0 * N, py + 4 * i * N, kk, N, 4 * K);
    }
  }
  return out;
}

let registered = false;

/** Registers {@link GEMM_KERNEL} for 'wasm' (idempotent). */
export function registerGemmKernel(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: GEMM_KERNEL, backendName: 'wasm', kernelFunc: gemmKernel as unknown as tf.KernelFunc });
}

/**
 * a W for a [M, K] and W [K, N] with W read in place (no packed or transposed copy), on the wasm backend (check
 * {@link gemmAWSupported} first). No gradient. The result is new.
 */
export function gemmAW(a: tf.Tensor2D, w: tf.Tensor): tf.Tensor2D {
  registerGemmKernel();
  return tf.engine().runKernel(GEMM_KERNEL, { a, w } as unknown as tf.NamedTensorMap, {}) as tf.Tensor2D;
}
