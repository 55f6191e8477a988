// @rfai/core: tensor backend, deterministic RNG, optimizers, LR schedules and gradient utilities on TensorFlow.js.
// Importing this module registers the cpu and wasm backends and the wasm fallback kernels; cpu is current
// until initBackend() switches.
export { tf } from './tf';
export { initBackend, getBackendInfo, wasmBinaryDir } from './backend';
export { MAX_WASM_THREADS } from './wasm-threads';
export { benchmarkMatmul, DEFAULT_MATMUL_SHAPES } from './matmul-bench';
export type { MatmulBenchOptions, MatmulBenchRecord, MatmulShape } from './matmul-bench';
export type { BackendInfo, BackendName, InitBackendOptions } from './backend';
export { CPU_KERNEL_OVERRIDES, WASM_FALLBACK_KERNELS, WASM_KERNEL_OVERRIDES } from './wasm-fallbacks';
export { FEW_ROWS_MAX, fewRowsSupported, fewRowsXWt } from './wasm-gemv';
export { gemmAW, gemmAWSupported, gemmWeightSupported } from './wasm-gemm';
export { heapRowOps } from './wasm-rows';
export type { HeapRowOps } from './wasm-rows';
export { RowAssembler } from './row-assembly';
export { addIntoOwned, addRowsIntoOwned } from './in-place';
export { EXTRA_GRADIENT_KERNELS, REPLACED_GRADIENT_KERNELS } from './extra-gradients';
export { CoreError, BackendError, InvalidOptionError, TensorMismatchError, OptimizerStateError, WasmHeapExhaustedError } from './errors';
export { WASM_HEAP_MAX_BYTES } from './wasm-heap-guard';
// The seeded generator lives in @rfai/random (no tensor library), shared with @rfai/datasets; re-exported unchanged.
export { Rng, RngOptionError, RngStateError } from '@rfai/random';
export type { RngState } from '@rfai/random';
export { AdamW } from './adamw';
export type { AdamWOptions } from './adamw';
export { SGD } from './sgd';
export type { SGDOptions } from './sgd';
export { Optimizer, ownedVariable } from './optimizer';
export type { Float32TensorData, OptimizerStateDict, OptimizerBaseOptions, StepOptions, StepResult, NamedVariables } from './optimizer';
export { NO_DECAY_PATTERN } from './param-groups';
export type { NameMatcher, ParamGroupRule, ParamGroupOptions, ResolvedGroup } from './param-groups';
export { createLrSchedule } from './lr-schedule';
export type { LrSchedule, LrScheduleOptions } from './lr-schedule';
export { clipByGlobalNorm, clipCoefficient, globalNorm } from './clip';
export type { ClipResult } from './clip';
export { GradientAccumulator } from './accumulate';
export { findNonFinite, describeNonFinite } from './non-finite';
export type { NonFiniteReport } from './non-finite';
