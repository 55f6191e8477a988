// Row primitives of attention on the wasm backend's heap, in wasm SIMD (issue 17: decoding steps).
//
// One query against a cache of S keys: the S dot products q . k_s, then the weighted sum of the S value rows. In
// JavaScript these run at ~1 ns a multiply-add (0.3 ms of a 1.2 ms decoding step of the tiny preset, 4 layers); here
// 4 lanes at a time. A small WebAssembly module written out byte by byte (wasm-encoder.ts), instantiated on the
// backend's own memory, so it reads the tensors where they are: arguments are byte addresses on the heap
// (`typedArrayFromHeap(t).byteOffset`). dots needs rows a multiple of 4 floats long; weightedSum takes any width.
// dots sums in 4 partial sums per dot product (then added), so its results differ from a sequential sum by float
// rounding; weightedSum sums each output in row order.
import { functionBody, instantiateOnHeap, moduleBytes, op, type WasmBackendHeap } from './wasm-encoder';

/** SIMD row operations on the heap (byte addresses; `rowBytes` a multiple of 16 for dots, of 4 for weightedSum). */
export interface HeapRowOps {
  /** out[s] = sum_d q[d] k[s, d] for s < S: the dot products of one row q with S consecutive rows k. */
  dots(q: number, k: number, out: number, S: number, rowBytes: number): void;
  /** out[d] = sum_s p[s] v[s, d]: the rows v weighted by p[0..S). */
  weightedSum(p: number, v: number, out: number, S: number, rowBytes: number): void;
}

/**
 * `dots(q, k, out, S, rb)`: four keys a turn (four accumulators share each load of q), then one a turn for the last
 * S mod 4. Locals: 0-4 params; 5 off, 6 n4 (turns of four left); v128 7-10 acc, 11 q chunk.
 */
function dotsBody(): number[] {
  const [Q, K, OUT, S, RB] = [0, 1, 2, 3, 4];
  const [OFF, N4] = [5, 6];
  const ACC = 7;
  const QC = 11;
  const code: number[] = [];
  const e = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  /** Pushes the sum of accumulator a's four lanes. */
  const lanesSum = (a: number) => e(op.get(a), op.lane(0), op.get(a), op.lane(1), op.f32Add, op.get(a), op.lane(2), op.get(a), op.lane(3), op.f32Add, op.f32Add);
  e(op.block, op.get(S), op.i32(0), op.i32Eq, op.get(RB), op.i32(0), op.i32Eq, op.i32Or, op.brIf(0));
  // Turns of four keys.
  e(op.get(S), op.i32(2), op.i32ShrU, op.set(N4));
  e(op.block, op.get(N4), op.i32(0), op.i32Eq, op.brIf(0));
  e(op.loop);
  for (let j = 0; j < 4; j++) e(op.v128Zero, op.set(ACC + j));
  e(op.i32(0), op.set(OFF));
  e(op.loop); // 4 floats a turn
  e(op.get(Q), op.get(OFF), op.i32Add, op.v128Load(0), op.set(QC));
  for (let j = 0; j < 4; j++) {
    // key j of the turn: K + j * rb + off
    e(op.get(ACC + j), op.get(QC), op.get(K), op.get(OFF), op.i32Add);
    if (j > 0) e(op.get(RB), op.i32(j), op.i32Mul, op.i32Add);
    e(op.v128Load(0), op.f32x4Mul, op.f32x4Add, op.set(ACC + j));
  }
  e(op.get(OFF), op.i32(16), op.i32Add, op.tee(OFF), op.get(RB), op.i32LtU, op.brIf(0));
  e(op.end);
  for (let j = 0; j < 4; j++) {
    e(op.get(OUT));
    lanesSum(ACC + j);
    e(op.f32Store(4 * j));
  }
  e(op.get(OUT), op.i32(16), op.i32Add, op.set(OUT), op.get(K), op.get(RB), op.i32(4), op.i32Mul, op.i32Add, op.set(K));
  e(op.get(N4), op.i32(1), op.i32Sub, op.tee(N4), op.brIf(0));
  e(op.end, op.end); // turns of four, their block
  // The last S mod 4 keys, one a turn.
  e(op.get(S), op.i32(3), op.i32And, op.tee(S), op.i32(0), op.i32Eq, op.brIf(0));
  e(op.loop);
  e(op.v128Zero, op.set(ACC), op.i32(0), op.set(OFF));
  e(op.loop);
  e(op.get(ACC), op.get(Q), op.get(OFF), op.i32Add, op.v128Load(0), op.get(K), op.get(OFF), op.i32Add, op.v128Load(0), op.f32x4Mul, op.f32x4Add, op.set(ACC));
  e(op.get(OFF), op.i32(16), op.i32Add, op.tee(OFF), op.get(RB), op.i32LtU, op.brIf(0));
  e(op.end);
  e(op.get(OUT));
  lanesSum(ACC);
  e(op.f32Store(0));
  e(op.get(OUT), op.i32(4), op.i32Add, op.set(OUT), op.get(K), op.get(RB), op.i32Add, op.set(K));
  e(op.get(S), op.i32(1), op.i32Sub, op.tee(S), op.brIf(0));
  e(op.end, op.end); // keys, block
  return functionBody(2, 5, code);
}

/**
 * `weightedSum(p, v, out, S, rb)`: for each 8-float column chunk (4 where only 4 remain), the S rows' chunks
 * weighted and summed in registers, then stored; the last rb mod 16 bytes (rows of a width not a multiple of 4) one
 * column at a time (in lane 0 of a vector: the same float32 multiply and add). Every output is summed in row order,
 * as XNNPACK sums a product's terms. Locals: 0-4 params; 5 off, 6 pp, 7 vp, 8 n, 9 w16 (bytes in chunks of 16);
 * v128 10, 11 acc, 12 w.
 */
function weightedSumBody(): number[] {
  const [P, V, OUT, S, RB] = [0, 1, 2, 3, 4];
  const [OFF, PP, VP, N, W16] = [5, 6, 7, 8, 9];
  const [A0, A1, W] = [10, 11, 12];
  const code: number[] = [];
  const e = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  /** Resets the running pointers for the column at `off`: pp = p, vp = v + off, n = S. */
  const startColumn = () => e(op.get(P), op.set(PP), op.get(V), op.get(OFF), op.i32Add, op.set(VP), op.get(S), op.set(N));
  /** pp, vp to the next row; n - 1, looping while rows are left. */
  const nextRow = () => e(op.get(PP), op.i32(4), op.i32Add, op.set(PP), op.get(VP), op.get(RB), op.i32Add, op.set(VP), op.get(N), op.i32(1), op.i32Sub, op.tee(N), op.brIf(0));
  e(op.block, op.get(S), op.i32(0), op.i32Eq, op.get(RB), op.i32(0), op.i32Eq, op.i32Or, op.brIf(0));
  e(op.i32(0), op.set(OFF), op.get(RB), op.i32(-16), op.i32And, op.set(W16));
  e(op.block, op.get(W16), op.i32(0), op.i32Eq, op.brIf(0)); // the vector part
  e(op.loop); // column chunks
  e(op.v128Zero, op.set(A0), op.v128Zero, op.set(A1));
  startColumn();
  // Two chunks (8 floats) a turn when 32 bytes remain in the vector part, else one.
  e(op.block, op.get(W16), op.get(OFF), op.i32Sub, op.i32(32), op.i32LtU, op.brIf(0));
  e(op.loop);
  e(op.get(PP), op.f32Load(0), op.f32x4Splat, op.set(W));
  e(op.get(A0), op.get(W), op.get(VP), op.v128Load(0), op.f32x4Mul, op.f32x4Add, op.set(A0));
  e(op.get(A1), op.get(W), op.get(VP), op.v128Load(16), op.f32x4Mul, op.f32x4Add, op.set(A1));
  nextRow();
  e(op.end);
  e(op.get(OUT), op.get(OFF), op.i32Add, op.get(A0), op.v128Store(0), op.get(OUT), op.get(OFF), op.i32Add, op.get(A1), op.v128Store(16));
  e(op.get(OFF), op.i32(32), op.i32Add, op.set(OFF));
  e(op.get(OFF), op.get(W16), op.i32LtU, op.brIf(1)); // next column chunks (the loop)
  e(op.br(2)); // the vector part is done: leave its block
  e(op.end);
  // 4 floats remain in the vector part.
  e(op.loop);
  e(op.get(A0), op.get(PP), op.f32Load(0), op.f32x4Splat, op.get(VP), op.v128Load(0), op.f32x4Mul, op.f32x4Add, op.set(A0));
  nextRow();
  e(op.end);
  e(op.get(OUT), op.get(OFF), op.i32Add, op.get(A0), op.v128Store(0));
  e(op.get(OFF), op.i32(16), op.i32Add, op.tee(OFF), op.get(W16), op.i32LtU, op.brIf(0));
  e(op.end, op.end); // column chunks, the vector part's block
  // The last rb mod 16 bytes, one column a turn.
  e(op.block, op.get(OFF), op.get(RB), op.i32GeU, op.brIf(0));
  e(op.loop);
  e(op.v128Zero, op.set(A0));
  startColumn();
  e(op.loop);
  e(op.get(A0), op.get(PP), op.f32Load(0), op.f32x4Splat, op.get(VP), op.f32Load(0), op.f32x4Splat, op.f32x4Mul, op.f32x4Add, op.set(A0));
  nextRow();
  e(op.end);
  e(op.get(OUT), op.get(OFF), op.i32Add, op.get(A0), op.lane(0), op.f32Store(0));
  e(op.get(OFF), op.i32(4), op.i32Add, op.tee(OFF), op.get(RB), op.i32LtU, op.brIf(0));
  e(op.end, op.end); // columns, the tail's block
  e(op.end); // the whole
  return functionBody(5, 3, code);
}

/** The module: imports env.memory (`shared`: the threaded build's), exports dots and weightedSum. */
export function rowsModuleBytes(shared = false): Uint8Array {
  return moduleBytes(5, [
    ['dots', dotsBody()],
    ['weightedSum', weightedSumBody()],
  ], shared);
}

const instances = new WeakMap<object, HeapRowOps | null>();

/**
 * The row operations instantiated on this wasm backend's memory (the threaded build's shared memory too), or null
 * where the backend is not wasm.
 */
export function heapRowOps(backend: unknown): HeapRowOps | null {
  const b = backend as Partial<WasmBackendHeap> | null;
  if (!b || !b.wasm || typeof b.typedArrayFromHeap !== 'function') return null;
  if (instances.has(b)) return instances.get(b)!;
  const exports = instantiateOnHeap(b as WasmBackendHeap, rowsModuleBytes);
  const ops = exports ? { dots: exports.dots as HeapRowOps['dots'], weightedSum: exports.weightedSum as HeapRowOps['weightedSum'] } : null;
  instances.set(b, ops);
  return ops;
}
