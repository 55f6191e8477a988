// A float32 matrix transpose in wasm SIMD on the wasm backend's heap (issue 17: the backward pass of a large model
// transposes every frozen weight it multiplies by, and the LM head's chunks).
//
// dst [cols, rows] = src [rows, cols]^T: 4 x 4 tiles (four 16-byte loads, eight lane shuffles, four 16-byte stores)
// over the rows and columns up to the last multiple of 4, swept over column blocks of BLOCK_COLS so that the
// destination lines being filled stay in the L1 cache; the last rows mod 4 rows and cols mod 4 columns in
// JavaScript. An exact copy: the values are those of any other transpose.
import { functionBody, instantiateOnHeap, memoryOf, moduleBytes, op, type WasmBackendHeap } from './wasm-encoder';

/**
 * Columns of one block: the destination rows written while sweeping down the source (32 write streams). Measured
 * (ms, load ~2.5) for blocks of 16 / 32 / 64 / 128 / 256 columns: [4864, 896] 2.5-3.6 / 2.9-3.1 / 4.6-5.0 / 3.7 /
 * 3.6; [896, 151936] 209-222 / 210 / 224-318 / 361-372 / 308-317 (545 MB: memory bound).
 */
const BLOCK_COLS = 32;

/** Lane bytes of i8x16.shuffle picking float lanes (0-3 of the first operand, 4-7 of the second). */
function floatLanes(l: number[]): number[] {
  return l.flatMap((f) => [4 * f, 4 * f + 1, 4 * f + 2, 4 * f + 3]);
}

/**
 * `t4(src, dst, rows, cols, rowBytes, colBytes)`, byte pointers: the [rows, cols] block (multiples of 4) at src, whose
 * rows are rowBytes apart, into dst, whose rows are colBytes apart. Locals: 0 src, 1 dst, 2 rows, 3 cols, 4 rowBytes,
 * 5 colBytes (params); 6 cb, 7 cbEnd, 8 r0, 9 sp, 10 dp, 11 spEnd, 12 rb2, 13 rb3, 14 cl2, 15 cl3; v128 16-19 a b c d,
 * 20-23 t0-t3.
 */
function transposeBody(): number[] {
  const [SRC, DST, ROWS, COLS, RB, CL, CB, CBEND, R0, SP, DP, SPEND, RB2, RB3, CL2, CL3] = Array.from({ length: 16 }, (_, i) => i);
  const [A, B, C, D, T0, T1, T2, T3] = [16, 17, 18, 19, 20, 21, 22, 23];
  const code: number[] = [];
  const e = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  e(op.get(RB), op.get(RB), op.i32Add, op.set(RB2), op.get(RB2), op.get(RB), op.i32Add, op.set(RB3));
  e(op.get(CL), op.get(CL), op.i32Add, op.set(CL2), op.get(CL2), op.get(CL), op.i32Add, op.set(CL3));
  e(op.block, op.get(ROWS), op.i32(0), op.i32Eq, op.get(COLS), op.i32(0), op.i32Eq, op.i32Or, op.brIf(0));
  e(op.i32(0), op.set(CB));
  e(op.loop); // column blocks
  // cbEnd = min(cb + BLOCK_COLS, cols)
  e(op.get(CB), op.i32(BLOCK_COLS), op.i32Add, op.get(COLS), op.get(CB), op.i32(BLOCK_COLS), op.i32Add, op.get(COLS), op.i32LtU, op.select, op.set(CBEND));
  e(op.i32(0), op.set(R0));
  e(op.loop); // 4 source rows a turn
  // sp = src + r0 * rowBytes + cb * 4; dp = dst + cb * colBytes + r0 * 4; spEnd = sp + (cbEnd - cb) * 4
  e(op.get(SRC), op.get(R0), op.get(RB), op.i32Mul, op.i32Add, op.get(CB), op.i32(4), op.i32Mul, op.i32Add, op.set(SP));
  e(op.get(DST), op.get(CB), op.get(CL), op.i32Mul, op.i32Add, op.get(R0), op.i32(4), op.i32Mul, op.i32Add, op.set(DP));
  e(op.get(SP), op.get(CBEND), op.get(CB), op.i32Sub, op.i32(4), op.i32Mul, op.i32Add, op.set(SPEND));
  e(op.loop); // 4 columns a turn
  e(op.get(SP), op.v128Load(0), op.set(A));
  e(op.get(SP), op.get(RB), op.i32Add, op.v128Load(0), op.set(B));
  e(op.get(SP), op.get(RB2), op.i32Add, op.v128Load(0), op.set(C));
  e(op.get(SP), op.get(RB3), op.i32Add, op.v128Load(0), op.set(D));
  e(op.get(A), op.get(B), op.shuffle(floatLanes([0, 4, 1, 5])), op.set(T0)); // a0 b0 a1 b1
  e(op.get(A), op.get(B), op.shuffle(floatLanes([2, 6, 3, 7])), op.set(T1)); // a2 b2 a3 b3
  e(op.get(C), op.get(D), op.shuffle(floatLanes([0, 4, 1, 5])), op.set(T2)); // c0 d0 c1 d1
  e(op.get(C), op.get(D), op.shuffle(floatLanes([2, 6, 3, 7])), op.set(T3)); // c2 d2 c3 d3
  e(op.get(DP), op.get(T0), op.get(T2), op.shuffle(floatLanes([0, 1, 4, 5])), op.v128Store(0)); // a0 b0 c0 d0
  e(op.get(DP), op.get(CL), op.i32Add, op.get(T0), op.get(T2), op.shuffle(floatLanes([2, 3, 6, 7])), op.v128Store(0));
  e(op.get(DP), op.get(CL2), op.i32Add, op.get(T1), op.get(T3), op.shuffle(floatLanes([0, 1, 4, 5])), op.v128Store(0));
  e(op.get(DP), op.get(CL3), op.i32Add, op.get(T1), op.get(T3), op.shuffle(floatLanes([2, 3, 6, 7])), op.v128Store(0));
  e(op.get(SP), op.i32(16), op.i32Add, op.set(SP), op.get(DP), op.get(CL), op.i32(4), op.i32Mul, op.i32Add, op.set(DP));
  e(op.get(SP), op.get(SPEND), op.i32LtU, op.brIf(0));
  e(op.end); // columns
  e(op.get(R0), op.i32(4), op.i32Add, op.set(R0), op.get(R0), op.get(ROWS), op.i32LtU, op.brIf(0));
  e(op.end); // rows
  e(op.get(CBEND), op.set(CB), op.get(CB), op.get(COLS), op.i32LtU, op.brIf(0));
  e(op.end); // column blocks
  e(op.end); // block
  return functionBody(10, 8, code);
}

/** The module: imports env.memory (`shared`: the threaded build's), exports t4. */
export function transposeModuleBytes(shared = false): Uint8Array {
  return moduleBytes(6, [['t4', transposeBody()]], shared);
}

type T4 = (src: number, dst: number, rows: number, cols: number, rowBytes: number, colBytes: number) => void;
const instances = new WeakMap<object, T4 | null>();

let enabled = true;

/** @internal Turns the SIMD transpose off (the overrides before it run instead): for A/B benchmarks. */
export function setSimdTranspose(on: boolean): void {
  enabled = on;
}

/** Whether a [rows, cols] float32 matrix can be transposed here (4 x 4 tiles or more, the memory importable). */
export function simdTransposeSupported(backend: WasmBackendHeap, rows: number, cols: number): boolean {
  return enabled && rows >= 4 && cols >= 4 && memoryOf(backend) !== null;
}

/**
 * Transposes the [rows, cols] float32 matrix `src` (a view of the heap) into `dst` ([cols, rows], a view of the same
 * heap); see simdTransposeSupported.
 */
export function simdTranspose(backend: WasmBackendHeap, src: Float32Array, dst: Float32Array, rows: number, cols: number): void {
  let t4 = instances.get(backend);
  if (t4 === undefined) {
    const exports = instantiateOnHeap(backend, transposeModuleBytes);
    t4 = exports ? (exports.t4 as T4) : null;
    instances.set(backend, t4);
  }
  if (!t4) throw new Error('simdTranspose: the wasm backend\'s memory cannot be imported');
  const r4 = rows - (rows % 4);
  const c4 = cols - (cols % 4);
  t4(src.byteOffset, dst.byteOffset, r4, c4, 4 * cols, 4 * rows);
  // The last rows mod 4 rows (every column), then the last cols mod 4 columns of the rows above them.
  for (let r = r4; r < rows; r++) for (let c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c];
  for (let c = c4; c < cols; c++) for (let r = 0; r < r4; r++) dst[c * rows + r] = src[r * cols + c];
}
