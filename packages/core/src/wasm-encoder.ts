// A minimal WebAssembly encoder and the backend-memory plumbing shared by @rfai/core's hand-written wasm kernels
// (wasm-gemv.ts, wasm-gemm.ts, wasm-transpose.ts): modules are written out byte by byte (no toolchain) and instantiated on the
// wasm backend's own memory (imported), so they read and write tensors where they are.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type * as tf from '@tensorflow/tfjs-core';

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

export const I32 = 0x7f;
export const V128 = 0x7b;
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (d: number) => [0x0c, ...uleb(d)],
  brIf: (d: number) => [0x0d, ...uleb(d)],
  get: (l: number) => [0x20, ...uleb(l)],
  set: (l: number) => [0x21, ...uleb(l)],
  tee: (l: number) => [0x22, ...uleb(l)],
  i32: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32RemU: [0x70],
  i32Eq: [0x46],
  i32And: [0x71],
  i32Or: [0x72],
  i32ShrU: [0x76],
  select: [0x1b],
  i32LtU: [0x49],
  i32GeU: [0x4f],
  f32Add: [0x92],
  f32Load: (offset: number) => [0x2a, 2, ...uleb(offset)],
  f32Store: (offset: number) => [0x38, 2, ...uleb(offset)],
  v128Load: (offset: number) => [0xfd, ...uleb(0x00), 4, ...uleb(offset)],
  v128Store: (offset: number) => [0xfd, ...uleb(0x0b), 4, ...uleb(offset)],
  v128Zero: [0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0)],
  /** i8x16.shuffle of the two operands by 16 lane indices (0-15 the first, 16-31 the second). */
  shuffle: (lanes: number[]) => [0xfd, ...uleb(0x0d), ...lanes],
  f32x4Splat: [0xfd, ...uleb(0x13)],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  lane: (i: number) => [0xfd, ...uleb(0x1f), i],
};

/** Most pages a wasm32 memory can have (4 GiB): the maximum a shared memory's import declares. */
const MAX_PAGES = 65536;

/**
 * A module that imports env.memory and exports `functions` (each [name, body from {@link functionBody}]), all of one
 * type. `shared`: the memory imported is shared (the threaded build's; its import must say so and declare a maximum).
 */
export function moduleBytes(params: number, functions: Array<[string, number[]]>, shared = false): Uint8Array {
  const limits = shared ? [0x03, 0x00, ...uleb(MAX_PAGES)] : [0x00, 0x00];
  const type = [0x60, ...vec(new Array<number[]>(params).fill([I32])), ...vec([])];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([type])),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, ...limits]])),
    ...section(3, vec(functions.map(() => [0]))),
    ...section(7, vec(functions.map(([name], i) => [...str(name), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map(([, body]) => body))),
  ];
  return Uint8Array.from(bytes);
}

/** A function body: `i32s` i32 locals, then `v128s` v128 locals, then the code. */
export function functionBody(i32s: number, v128s: number, code: number[]): number[] {
  const locals = vec([
    [...uleb(i32s), I32],
    [...uleb(v128s), V128],
  ]);
  const body = [...locals, ...code, ...op.end];
  return [...uleb(body.length), ...body];
}

/** The parts of the WebAssembly API used here (the workspace's TypeScript lib has no DOM or WebAssembly types). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
export interface WasmApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
/** Node's global WebAssembly. */
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface WasmBackendHeap {
  wasm: { HEAPU8: Uint8Array; wasmMemory?: WasmMemory; asm?: { memory?: WasmMemory } };
  typedArrayFromHeap(t: TensorInfo): tf.TypedArray;
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
}

/**
 * The backend's WebAssembly memory, which a module can import: the single-threaded build's, or the threaded build's
 * shared one (its kernels run on the calling thread, between tfjs' kernels, which return only when their threads
 * are done). null off wasm.
 */
export function memoryOf(backend: WasmBackendHeap): WasmMemory | null {
  const memory = backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory;
  return memory instanceof wasmApi.Memory ? memory : null;
}

/** Whether the memory is shared (the threaded build's). */
export function isShared(memory: WasmMemory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/**
 * Instantiates the module `build` makes (for a shared memory or not) on the backend's memory; its exports (null off
 * wasm). A module is a few kB and compiles in well under a millisecond.
 */
export function instantiateOnHeap(backend: WasmBackendHeap, build: (shared: boolean) => Uint8Array): Record<string, unknown> | null {
  const memory = memoryOf(backend);
  if (!memory) return null;
  return new wasmApi.Instance(new wasmApi.Module(build(isShared(memory))), { env: { memory } }).exports;
}
