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

function makeOutput(backend: ReadWriteBackend, shape: number[], dtype: tf.DataType, values: tf.backend_util.BackendValues): TensorInfo {
  if (backend.makeOutput) return backend.makeOutput(shape, dtype, undefined, values);
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
  const xv = backend.readSync(x.dataId) as tf.TypedArray;
  const ids = backend.readSync(segmentIds.dataId) as tf.TypedArray;
  const inner = tf.util.sizeFromShape(x.shape.slice(idRank));
  const acc = new Float64Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) acc[dst + j] += xv[src + j];
  }
  const dtype = x.dtype === 'int32' ? 'int32' : 'float32';
  const out = dtype === 'int32' ? Int32Array.from(acc) : Float32Array.from(acc);
  return makeOutput(backend, [numSegments, ...x.shape.slice(idRank)], dtype, out);
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

let registered = false;

/**
 * Registers every kernel of WASM_FALLBACK_KERNELS for 'wasm' unless tfjs already
 * has one (a later tfjs release that implements it natively wins). Idempotent.
 */
export function registerWasmFallbacks(): void {
  if (registered) return;
  registered = true;
  for (const [kernelName, how] of Object.entries(WASM_FALLBACK_KERNELS)) {
    if (tf.getKernel(kernelName, 'wasm') != null) continue;
    const kernelFunc = how === 'javascript' ? (unsortedSegmentSumKernel as tf.KernelFunc) : cpuDelegateKernel(kernelName);
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}
