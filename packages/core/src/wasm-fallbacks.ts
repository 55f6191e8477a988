// Kernels that @tensorflow/tfjs-backend-wasm 4.22 does not implement, registered
// for 'wasm' so that a training step never fails with "kernel not registered".
//
// - UnsortedSegmentSum (the gradient of gather, hence of every embedding
//   lookup) is computed here in JavaScript: it reads the inputs from the wasm
//   heap, sums in float64 in index order and writes one output.
// - A few more kernels (convolution backprops, Einsum) are delegated to the
//   cpu backend's kernel: inputs are copied to cpu, the cpu kernel runs, and
//   its outputs are copied back to the wasm heap.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendHeap } from './wasm-encoder';
import { heapRowOps } from './wasm-rows';
import { simdTranspose, simdTransposeSupported } from './wasm-transpose';

/** Backend operations the fallbacks use; BackendWasm and MathBackendCPU both have them. */
interface ReadWriteBackend extends KernelBackend {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeOutput?(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): TensorInfo;
  makeTensorInfo?(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): TensorInfo;
  disposeIntermediateTensorInfo?(info: TensorInfo): void;
}

/** Kernels registered for 'wasm' by @rfai/core, with how each is computed. */
export const WASM_FALLBACK_KERNELS: Readonly<Record<string, 'javascript' | 'cpu-delegate'>> = {
  UnsortedSegmentSum: 'javascript',
  Einsum: 'cpu-delegate',
  Conv2DBackpropFilter: 'cpu-delegate',
  DepthwiseConv2dNativeBackpropFilter: 'cpu-delegate',
  DepthwiseConv2dNativeBackpropInput: 'cpu-delegate',
};

/** wasm kernels of tfjs that @rfai/core wraps for speed (same results), with why. */
export const WASM_KERNEL_OVERRIDES: Readonly<Record<string, string>> = {
  BatchMatMul: 'batch > 1 or a transposed operand: split into untransposed batch-1 products, which tfjs-backend-wasm runs on XNNPACK (10-50x faster); untransposed batched products with an inner dimension of at most 256 (attention) row by row in wasm SIMD on the heap instead (1.1-4.4x XNNPACK there, the same values)',
  GatherV2: 'float32 or int32: slices copied in JavaScript straight from the input\'s heap memory into the output\'s (tfjs computes every element\'s address in a generic loop, ~50 ns an element: 6 ms for the [32, 105, 32] keys a shared prompt hands its rows, 0.1 ms here); same values (a copy)',
  Slice: 'float32 or int32: copied in runs straight from the input\'s heap memory (tfjs first reads the whole input out of the heap, whatever the box: 17.7 ms for the last position of [4, 500, 896], 0.006 ms here); same values',
  SplitV: 'float32 or int32: each piece copied as above (tfjs reads the whole input out of the heap once per piece: 3.2 ms for the [32, 168, 32] keys\' gradient split into past and new, 0.03 ms here); same values',
  Transpose: 'a float32 matrix of 64 Ki elements or more: in 4 x 4 wasm SIMD tiles on the heap, the last rows and columns mod 4 in JavaScript (wasm-transpose.ts; [4864, 122] 0.29 ms instead of 2.2); else when wide (rows < cols), in 16 x 16 blocks in JavaScript (tfjs writes it column by column: 2.3x slower for [896, 4864], 2x for [27, 151936])',
};

/**
 * cpu kernels of tfjs that @rfai/core replaces, with why. tfjs-backend-cpu 4.22's UnsortedSegmentSum loops over every
 * segment for every row (an equality mask and a sum per segment): 200 rows into Qwen's 151,936 segments did not finish
 * in 5 minutes (the gradient of a trainable embedding on cpu); the JavaScript kernel above touches each row once.
 */
export const CPU_KERNEL_OVERRIDES: Readonly<Record<string, string>> = {
  UnsortedSegmentSum: 'the JavaScript kernel of the wasm fallback (float64 sums, each row once): tfjs\' cpu kernel takes O(segments x rows), minutes for an embedding of 151,936 rows',
};

/** Smallest matrix (elements) whose transposition the Transpose override does itself. */
const BLOCKED_TRANSPOSE_MIN_ELEMENTS = 1 << 16;
const TRANSPOSE_BLOCK = 16;

/** Transposes a row-major [rows, cols] matrix into dst ([cols, rows]) in square blocks (cache-friendly on both sides). */
export function blockedTranspose2d(src: Float32Array, dst: Float32Array, rows: number, cols: number): void {
  const B = TRANSPOSE_BLOCK;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) {
        const base = r * cols;
        for (let c = c0; c < c1; c++) dst[c * rows + r] = src[base + c];
      }
    }
  }
}

/**
 * Transpose override for wasm: a float32 [rows, cols] matrix (perm [1, 0], or leading axes of size 1 kept in place)
 * of at least BLOCKED_TRANSPOSE_MIN_ELEMENTS elements is transposed here, straight from the input's heap memory into
 * the output's: in wasm SIMD 4 x 4 tiles (wasm-transpose.ts; the last rows and columns mod 4 in JavaScript) where the
 * heap's memory can be imported, else, when rows < cols, in 16 x 16 blocks in JavaScript; everything else goes to the
 * native kernel. Same values (a copy).
 */
export function blockedTransposeKernel(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as WasmBackendLike;
    const x = args.inputs.x as TensorInfo;
    const perm = (args.attrs as unknown as { perm: number[] }).perm;
    const r = x.shape.length;
    const lead = x.shape.slice(0, -2);
    const swapsLastTwo =
      r >= 2 && perm[r - 1] === r - 2 && perm[r - 2] === r - 1 && lead.every((d, i) => d === 1 && perm[i] === i);
    const [rows, cols] = x.shape.slice(-2);
    if (!swapsLastTwo || x.dtype !== 'float32' || rows * cols < BLOCKED_TRANSPOSE_MIN_ELEMENTS || !backend.makeOutput) return native(args);
    const simd = simdTransposeSupported(backend as unknown as WasmBackendHeap, rows, cols);
    if (!simd && rows >= cols) return native(args);
    const out = backend.makeOutput([...lead, cols, rows], 'float32'); // allocated, not written
    // Views made after the output's allocation (which may grow, and detach, the heap).
    const src = backend.typedArrayFromHeap(x) as Float32Array;
    const dst = backend.typedArrayFromHeap(out) as Float32Array;
    if (simd) simdTranspose(backend as unknown as WasmBackendHeap, src, dst, rows, cols);
    else blockedTranspose2d(src, dst, rows, cols);
    return out;
  };
}

function makeOutput(backend: ReadWriteBackend, shape: number[], dtype: tf.DataType, values: tf.backend_util.BackendValues): TensorInfo {
  // wasm's makeOutput(shape, dtype, offset, values); the cpu backend's makeOutput takes other arguments.
  if (backend.makeOutput && (backend as Partial<WasmBackendLike>).typedArrayFromHeap) return backend.makeOutput(shape, dtype, undefined, values);
  if (backend.makeTensorInfo) return backend.makeTensorInfo(shape, dtype, values);
  throw new Error(`@rfai/core fallback kernel: backend '${tf.getBackend()}' can create no output tensor`);
}

/**
 * UnsortedSegmentSum: out[s, ...] = sum of x[i, ...] over every i with segmentIds[i] = s.
 * segmentIds may have any rank r; it indexes the first r dimensions of x. Ids outside
 * [0, numSegments) are dropped, as the tfjs cpu kernel and TensorFlow do for negative ids.
 * Sums are accumulated in float64 and rounded once to the output dtype (x's dtype).
 */
export function unsortedSegmentSumKernel(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as ReadWriteBackend;
  const x = args.inputs.x as TensorInfo;
  const segmentIds = args.inputs.segmentIds as TensorInfo;
  const numSegments = Number(args.attrs?.numSegments);
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`UnsortedSegmentSum: numSegments must be a non-negative integer, found ${String(args.attrs?.numSegments)}`);
  }
  const idRank = segmentIds.shape.length;
  const idsShape = x.shape.slice(0, idRank);
  if (idsShape.some((d, i) => d !== segmentIds.shape[i])) {
    throw new Error(
      `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
    );
  }
  // On wasm the inputs are read where they are (readSync would copy them out of the heap); they are not written
  // before the output is allocated below, after the last read.
  const heapIn = backend as Partial<WasmBackendLike>;
  const read = (t: TensorInfo) => (heapIn.typedArrayFromHeap ? heapIn.typedArrayFromHeap(t) : (backend.readSync(t.dataId) as tf.TypedArray));
  const xv = read(x);
  const ids = read(segmentIds);
  const inner = tf.util.sizeFromShape(x.shape.slice(idRank));
  // Only the segments some id names get an accumulator (an embedding's gradient touches a few hundred of 151,936
  // rows: a dense float64 accumulator would be 622 MB of JavaScript memory and as many zeros to round).
  const slot = new Int32Array(numSegments).fill(-1);
  const touched: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s >= 0 && s < numSegments && slot[s] < 0) {
      slot[s] = touched.length;
      touched.push(s);
    }
  }
  const acc = new Float64Array(touched.length * inner);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = slot[s] * inner;
    for (let j = 0; j < inner; j++) acc[dst + j] += xv[src + j];
  }
  const dtype = x.dtype === 'int32' ? 'int32' : 'float32';
  const shape = [numSegments, ...x.shape.slice(idRank)];
  /** Writes the sums (rounded once to the output dtype) into a zeroed output. */
  const fill = (out: tf.TypedArray) => {
    out.fill(0);
    touched.forEach((s, k) => {
      for (let j = 0; j < inner; j++) out[s * inner + j] = acc[k * inner + j];
    });
  };
  const heap = backend as Partial<WasmBackendLike>;
  if (backend.makeOutput && heap.typedArrayFromHeap) {
    // wasm: written straight into the output's heap memory, with no full-size JavaScript copy.
    const out = backend.makeOutput(shape, dtype);
    fill(heap.typedArrayFromHeap(out));
    return out;
  }
  const out = dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  fill(out);
  return makeOutput(backend, shape, dtype, out);
}

/**
 * Builds a wasm kernel that runs the cpu backend's kernel `kernelName`:
 * inputs are copied from the wasm heap to cpu tensors, the cpu kernel computes,
 * and every output is copied back to a new wasm tensor. cpu intermediates are freed.
 */
export function cpuDelegateKernel(kernelName: string): tf.KernelFunc {
  return (args) => {
    const wasmBackend = args.backend as ReadWriteBackend;
    const cpuBackend = tf.engine().findBackend('cpu') as ReadWriteBackend | null;
    const cpuKernel = tf.getKernel(kernelName, 'cpu');
    if (cpuBackend == null || cpuKernel == null || !cpuBackend.makeTensorInfo) {
      throw new Error(`@rfai/core: the cpu backend or its '${kernelName}' kernel is unavailable, so '${kernelName}' cannot run on wasm`);
    }
    // Some kernels (Einsum, Concat, Pack) take their inputs as an array: keep that form.
    const cpuInputs: NamedTensorInfoMap = (Array.isArray(args.inputs) ? [] : {}) as NamedTensorInfoMap;
    const created: TensorInfo[] = [];
    for (const [name, info] of Object.entries(args.inputs)) {
      if (info == null) continue;
      const values = wasmBackend.readSync(info.dataId);
      const copy = cpuBackend.makeTensorInfo(info.shape, info.dtype, values);
      cpuInputs[name] = copy;
      created.push(copy);
    }
    const result = cpuKernel.kernelFunc({ inputs: cpuInputs, backend: cpuBackend, attrs: args.attrs });
    const outputs = Array.isArray(result) ? result : [result];
    const moved = outputs.map((o) => makeOutput(wasmBackend, o.shape, o.dtype, cpuBackend.readSync(o.dataId)));
    for (const t of [...created, ...outputs]) cpuBackend.disposeIntermediateTensorInfo?.(t);
    return Array.isArray(result) ? moved : moved[0];
  };
}

/** Transposes a row-major [rows, cols] matrix into a new [cols, rows] array. */
function transpose2d(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = src[base + c];
  }
  return out;
}

type WasmBackendLike = ReadWriteBackend & {
  typedArrayFromHeap(t: TensorInfo): tf.TypedArray;
  disposeData(id: object, force?: boolean): boolean;
  __rfaiTransposeCacheHook?: boolean;
};

/**
 * Transposed copies of batch-1 right operands (weights in Hugging Face [out, in] layout used
 * as matMul(x, w, false, true)), keyed by the source's dataId. A tensor's data never changes
 * while its dataId lives (Variable.assign switches dataIds), so a copy stays valid until the
 * source is freed, when the hooked disposeData frees it too. Reusing the same transposed
 * tensor lets XNNPACK reuse its packed weights. Bounded by TRANSPOSE_CACHE_LIMIT_BYTES.
 */
const transposeCache = new Map<object, { info: TensorInfo; bytes: number }>();
let transposeCacheBytes = 0;
/** Most wasm heap bytes the transposed-operand cache may hold (default 256 MiB). */
export const TRANSPOSE_CACHE_LIMIT_BYTES = 256 * 1024 * 1024;

/** Frees cached transposed copies together with their source tensors. */
function hookDisposeData(backend: WasmBackendLike): void {
  if (backend.__rfaiTransposeCacheHook) return;
  const original = backend.disposeData.bind(backend);
  backend.disposeData = (dataId: object, force?: boolean) => {
    const freed = original(dataId, force);
    const cached = freed ? transposeCache.get(dataId) : undefined;
    if (cached) {
      transposeCache.delete(dataId);
      transposeCacheBytes -= cached.bytes;
      original(cached.info.dataId, true);
    }
    return freed;
  };
  backend.__rfaiTransposeCacheHook = true;
}

/**
 * Frees every cached transposed operand (on the backend that made it). initBackend() calls
 * this before it re-creates the wasm module, whose heap holds the copies.
 */
export function clearTransposeCache(): void {
  const wasm = tf.engine().registry['wasm'] as WasmBackendLike | undefined;
  for (const { info } of transposeCache.values()) {
    // The hooked disposeData is keyed by sources, so freeing a copy directly leaves the map alone.
    if (wasm != null && wasm.disposeData != null) wasm.disposeData(info.dataId, true);
  }
  transposeCache.clear();
  transposeCacheBytes = 0;
}

/** Number of transposed operands cached and their bytes (for tests and diagnostics). */
export function transposeCacheStats(): { entries: number; bytes: number } {
  return { entries: transposeCache.size, bytes: transposeCacheBytes };
}

/**
 * BatchMatMul override for wasm. tfjs-backend-wasm 4.22 runs a product on XNNPACK only
 * when the batch is 1 and neither operand is transposed; anything else goes to a plain
 * C++ loop that is 10-50x slower (measured here: [1,128,64]x[1,64,128] 0.08 ms, the same
 * with transposeB 0.85 ms; [8,128,64]x[8,64,128] 22-46 ms). This kernel copies each batch
 * entry out of the wasm heap (transposing it in JavaScript when asked), runs it through
 * the native kernel as an untransposed batch-1 product and stacks the results. A
 * transposed batch-1 right operand (a weight) is transposed once and cached (see above); a
 * batch-1 right operand shared by a batched, untransposed left operand makes one product of
 * [batch * m, k] rows (the left operand's memory as it is).
 * Broadcasts other than "equal batch dimensions or one side with batch 1" and non-float32
 * inputs go to the native kernel unchanged.
 */
export function splitBatchMatMulKernel(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as WasmBackendLike;
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const batchA = tf.util.sizeFromShape(outerA);
    const batchB = tf.util.sizeFromShape(outerB);
    const batch = Math.max(batchA, batchB);
    const sameOuter = tf.util.arraysEqual(outerA, outerB);
    const fastAlready = batch <= 1 && !transposeA && !transposeB;
    if (fastAlready || a.dtype !== 'float32' || b.dtype !== 'float32' || !(sameOuter || batchA === 1 || batchB === 1)) return native(args);
    const [ra, ca] = a.shape.slice(-2);
    const [rb, cb] = b.shape.slice(-2);
    const m = transposeA ? ca : ra;
    const k = transposeA ? ra : ca;
    const n = transposeB ? rb : cb;
    if ((transposeB ? cb : rb) !== k) return native(args); // let the native kernel report the mismatch
    if (!transposeA && !transposeB && batch > 1 && rowsProducts) {
      const out = rowsProduct(backend, a, b, tf.backend_util.assertAndGetBroadcastShape(outerA, outerB), batchA, batchB);
      if (out) return out;
    }
    hookDisposeData(backend);
    const attrs = { ...args.attrs, transposeA: false, transposeB: false };
    const temps: TensorInfo[] = [];

    // Right operand shared by every batch entry and transposed: transpose once, cache.
    let sharedB: TensorInfo | null = null;
    if (batchB === 1 && transposeB) {
      const hit = transposeCache.get(b.dataId);
      if (hit) sharedB = hit.info;
      else {
        sharedB = makeOutput(backend, [1, k, n], 'float32', transpose2d(backend.typedArrayFromHeap(b) as Float32Array, rb, cb));
        const bytes = 4 * k * n;
        if (transposeCacheBytes + bytes <= TRANSPOSE_CACHE_LIMIT_BYTES) {
          transposeCache.set(b.dataId, { info: sharedB, bytes });
          transposeCacheBytes += bytes;
        } else temps.push(sharedB);
      }
    }
    try {
      if (batch <= 1 && !transposeA) {
        // Only B was transposed: A goes in as it is.
        // Same rank as b, so the output keeps the shape the op expects ([m, n] for 2-D inputs).
        const bInfo: TensorInfo = { dataId: sharedB!.dataId, dtype: 'float32', shape: [...outerB, k, n] };
        return native({ inputs: { a, b: bInfo }, backend: args.backend, attrs });
      }
      const outOuter = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
      if (batchB === 1 && !transposeA && tf.util.arraysEqual(outOuter, outerA)) {
        // One right operand for every batch entry (x [B, T, k] times a weight): the batch is
        // the rows of a single [1, B*T, k] x [1, k, n] product, with no copy of A. The output's
        // memory is already laid out as [..., m, n].
        const a2: TensorInfo = { dataId: a.dataId, dtype: 'float32', shape: [1, batch * m, k] };
        const b2: TensorInfo = sharedB != null ? { dataId: sharedB.dataId, dtype: 'float32', shape: [1, k, n] } : { dataId: b.dataId, dtype: 'float32', shape: [1, k, n] };
        const o = native({ inputs: { a: a2, b: b2 }, backend: args.backend, attrs }) as TensorInfo;
        return { dataId: o.dataId, dtype: o.dtype, shape: [...outOuter, m, n] };
      }
      const sizeA = ra * ca, sizeB = rb * cb, sizeO = m * n;
      const out = new Float32Array(batch * sizeO);
      for (let i = 0; i < batch; i++) {
        // Copy each slice out first: allocating on the wasm heap may grow (and detach) it.
        const ia = batchA === 1 ? 0 : i, ib = batchB === 1 ? 0 : i;
        let av: Float32Array = (backend.typedArrayFromHeap(a) as Float32Array).slice(ia * sizeA, (ia + 1) * sizeA);
        if (transposeA) av = transpose2d(av, ra, ca);
        const ai = makeOutput(backend, [1, m, k], 'float32', av);
        let bi = sharedB;
        if (bi == null) {
          let bv: Float32Array = (backend.typedArrayFromHeap(b) as Float32Array).slice(ib * sizeB, (ib + 1) * sizeB);
          if (transposeB) bv = transpose2d(bv, rb, cb);
          bi = makeOutput(backend, [1, k, n], 'float32', bv);
        }
        const oi = native({ inputs: { a: ai, b: bi }, backend: args.backend, attrs }) as TensorInfo;
        out.set(backend.typedArrayFromHeap(oi), i * sizeO);
        for (const t of bi === sharedB ? [ai, oi] : [ai, bi, oi]) backend.disposeData(t.dataId);
      }
      return makeOutput(backend, [...outOuter, m, n], 'float32', out);
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
}

/** Runs shorter than this are copied element by element (a subarray per run costs more than the copy). */
const SET_MIN_RUN = 16;

/** dst[at .. at + n) = src[from .. from + n). */
function copyRun(src: tf.TypedArray, from: number, dst: tf.TypedArray, at: number, n: number): void {
  if (n >= SET_MIN_RUN) dst.set(src.subarray(from, from + n), at);
  else for (let e = 0; e < n; e++) dst[at + e] = src[from + e];
}

/**
 * Copies the box `begin` .. `begin + size` of a row-major tensor `src` of `shape` into `dst` (row-major, from
 * `at`): the innermost axes the box covers whole, and the first one it does not, make one contiguous run per
 * position of the axes before them. Returns the index after the last value written.
 */
export function copyBox(src: tf.TypedArray, shape: number[], begin: number[], size: number[], dst: tf.TypedArray, at = 0): number {
  const rank = shape.length;
  if (size.some((d) => d === 0)) return at;
  // run: elements per contiguous run; outer: the axes [0, outer) index the runs.
  let run = 1;
  let outer = rank;
  while (outer > 0) {
    const ax = outer - 1;
    run *= size[ax];
    outer--;
    if (size[ax] !== shape[ax]) break;
  }
  const strides = tf.util.computeStrides(shape);
  const stride = (ax: number) => (ax === rank - 1 ? 1 : strides[ax]);
  let base = 0;
  for (let ax = 0; ax < rank; ax++) base += begin[ax] * stride(ax);
  const idx = new Array<number>(outer).fill(0);
  let from = base;
  for (;;) {
    copyRun(src, from, dst, at, run);
    at += run;
    // Next position of the outer axes (odometer), last axis fastest.
    let ax = outer - 1;
    while (ax >= 0) {
      idx[ax]++;
      from += stride(ax);
      if (idx[ax] < size[ax]) break;
      from -= size[ax] * stride(ax);
      idx[ax] = 0;
      ax--;
    }
    if (ax < 0) return at;
  }
}

/**
 * Slice override for wasm: float32 and int32 boxes copied from the input's heap memory (tfjs-backend-wasm 4.22
 * first reads the whole input out of the heap, then copies row by row with a subarray per row). Other dtypes go to
 * the native kernel.
 */
export function sliceRunsKernel(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as WasmBackendLike;
    const x = args.inputs.x as TensorInfo;
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || !backend.makeOutput) return native(args);
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const [b, sz] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    tf.slice_util.assertParamsValid(x as tf.Tensor, b, sz);
    const out = backend.makeOutput(sz, x.dtype);
    // Views made after the output's allocation (which may grow, and detach, the heap).
    copyBox(backend.typedArrayFromHeap(x), x.shape, b, sz, backend.typedArrayFromHeap(out));
    return out;
  };
}

/** SplitV override for wasm: each piece of a float32 or int32 input is a box copied as in {@link sliceRunsKernel}. */
export function splitRunsKernel(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as WasmBackendLike;
    const x = args.inputs.x as TensorInfo;
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || !backend.makeOutput) return native(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
    const outs = sizes.map((d) => backend.makeOutput!(x.shape.map((v, i) => (i === ax ? d : v)), x.dtype));
    const src = backend.typedArrayFromHeap(x);
    const begin = new Array<number>(x.shape.length).fill(0);
    outs.forEach((o) => {
      copyBox(src, x.shape, begin, o.shape, backend.typedArrayFromHeap(o));
      begin[ax] += o.shape[ax];
    });
    return outs;
  };
}


/**
 * GatherV2 override for wasm: float32 and int32 inputs are gathered here, slice by slice, from the input's heap
 * memory into the output's (tfjs-backend-wasm 4.22 computes every element's source address from strides, ~50 ns an
 * element). Same semantics as the native kernel (axis, batchDims, the same out-of-range error); other dtypes and
 * empty inputs go to it.
 */
export function gatherSlicesKernel(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as WasmBackendLike;
    const x = args.inputs.x as TensorInfo;
    const indices = args.inputs.indices as TensorInfo;
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || indices.dtype !== 'int32' || tf.util.sizeFromShape(x.shape) === 0 || !backend.makeOutput) return native(args);
    const parsedAxis = tf.util.parseAxisParam(axis, x.shape)[0];
    const dimSize = x.shape[parsedAxis];
    const idx = backend.typedArrayFromHeap(indices) as Int32Array;
    for (let i = 0; i < idx.length; i++) {
      const v = idx[i];
      tf.util.assert(v <= dimSize - 1 && v >= 0, () => `GatherV2: the index value ${v} is not in [0, ${dimSize - 1}]`);
    }
    const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(x as tf.Tensor, indices as tf.Tensor, parsedAxis, batchDims);
    const out = backend.makeOutput(info.outputShape, x.dtype);
    // Views made after the output's allocation (which may grow, and detach, the heap).
    const src = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
    const dst = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
    const ids = backend.typedArrayFromHeap(indices) as Int32Array;
    const { batchSize, outerSize, sliceSize: slice } = info;
    const per = ids.length / batchSize; // indices per batch entry
    let at = 0;
    for (let b = 0; b < batchSize; b++) {
      for (let o = 0; o < outerSize; o++) {
        const base = (b * outerSize + o) * dimSize;
        for (let i = 0; i < per; i++) {
          const from = (base + ids[b * per + i]) * slice;
          copyRun(src, from, dst, at, slice);
          at += slice;
        }
      }
    }
    return out;
  };
}

/**
 * Longest inner dimension k for which an untransposed batched product runs row by row on the heap (heapRowOps'
 * weighted sums: each output row walks b's k rows) rather than as XNNPACK products. Measured on one wasm thread
 * (tools/bench/batched-products.ts, GFLOP/s XNNPACK / rows): [32, 126, 32] x [32, 32, 168] 5.3 / 23.5,
 * [32, 126, 168] x [32, 168, 32] 14.4 / 25.3, [4, 224, 64] x [4, 64, 92] 21.6 / 24.0, [32, 441, 64] x [32, 64, 168]
 * 14.5 / 24.4, [2, 1000, 128] x [2, 128, 1000] 23.8 / 25.6, the tiny preset's real key count [16, 110, 32] x
 * [16, 32, 163] 2.8 / 20.3; with k = 500 XNNPACK wins (27.8 / 21.9), k = 1000 (27.0 / 14.0).
 */
export const ROWS_PRODUCT_MAX_DEPTH = 256;

/**
 * a b for untransposed float32 a [..., m, k] and b [..., k, n] with a batch (equal outer shapes, or one side's batch
 * 1): each output row is the weighted sum of b's rows by a's row (heapRowOps), read and written where the tensors
 * are (any n: attention's key counts are whatever the sequences make them, e.g. 163). XNNPACK (no FMA) sums each
 * output in the same order, so the values are the same. null where it does not apply.
 */
function rowsProduct(backend: WasmBackendLike, a: TensorInfo, b: TensorInfo, outOuter: number[], batchA: number, batchB: number): TensorInfo | null {
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  if (k > ROWS_PRODUCT_MAX_DEPTH || k === 0 || n === 0 || !backend.makeOutput) return null;
  const ops = heapRowOps(backend);
  if (!ops) return null;
  const batch = Math.max(batchA, batchB);
  const out = backend.makeOutput([...outOuter, m, n], 'float32');
  // Addresses taken after the output's allocation (which may grow the heap and move nothing, but detach views).
  const pa = backend.typedArrayFromHeap(a).byteOffset;
  const pb = backend.typedArrayFromHeap(b).byteOffset;
  const po = backend.typedArrayFromHeap(out).byteOffset;
  for (let i = 0; i < batch; i++) {
    const ai = pa + 4 * (batchA === 1 ? 0 : i) * m * k;
    const bi = pb + 4 * (batchB === 1 ? 0 : i) * k * n;
    const oi = po + 4 * i * m * n;
    for (let r = 0; r < m; r++) ops.weightedSum(ai + 4 * r * k, bi, oi + 4 * r * n, k, 4 * n);
  }
  return out;
}

/** Whether the BatchMatMul override may take {@link rowsProduct} (benchmarks and tests compare both). */
let rowsProducts = true;

/** @internal Turns the row-by-row batched products on or off; returns the previous setting. */
export function setRowsProducts(on: boolean): boolean {
  const was = rowsProducts;
  rowsProducts = on;
  return was;
}

/** @internal tfjs-backend-wasm's own BatchMatMul kernel, kept for comparison (tests, benchmarks). */
export let nativeWasmBatchMatMul: tf.KernelConfig | null = null;

/** @internal tfjs-backend-wasm's own GatherV2 kernel, kept for comparison (tests, benchmarks). */
export let nativeWasmGather: tf.KernelConfig | null = null;

let registered = false;

/**
 * Registers every kernel of WASM_FALLBACK_KERNELS for 'wasm' unless tfjs already
 * has one (a later tfjs release that implements it natively wins), the wrappers of
 * WASM_KERNEL_OVERRIDES and the cpu kernels of CPU_KERNEL_OVERRIDES. Idempotent.
 */
export function registerWasmFallbacks(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel('UnsortedSegmentSum', 'cpu') != null) {
    tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'cpu', kernelFunc: unsortedSegmentSumKernel as tf.KernelFunc });
  }
  for (const [kernelName, how] of Object.entries(WASM_FALLBACK_KERNELS)) {
    if (tf.getKernel(kernelName, 'wasm') != null) continue;
    const kernelFunc = how === 'javascript' ? (unsortedSegmentSumKernel as tf.KernelFunc) : cpuDelegateKernel(kernelName);
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
  wrapWasmKernel('Transpose', blockedTransposeKernel);
  nativeWasmGather = wrapWasmKernel('GatherV2', gatherSlicesKernel);
  wrapWasmKernel('Slice', sliceRunsKernel);
  wrapWasmKernel('SplitV', splitRunsKernel);
  nativeWasmBatchMatMul = wrapWasmKernel('BatchMatMul', splitBatchMatMulKernel);
}

/** Replaces tfjs-backend-wasm's kernel `name` by `wrap(it)` (which falls back to it); returns the native config. */
function wrapWasmKernel(name: string, wrap: (native: tf.KernelFunc) => tf.KernelFunc): tf.KernelConfig | null {
  const native = tf.getKernel(name, 'wasm');
  if (native == null) return null;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...native, kernelFunc: wrap(native.kernelFunc) });
  return native;
}
