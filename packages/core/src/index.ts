// @rfai/core: tensor backend, deterministic RNG, optimizers, LR schedules and gradient utilities on TensorFlow.js.
// Importing this module registers the cpu and wasm backends and the wasm fallback kernels; cpu is current
// until initBackend() switches.
export { tf } from './tf';
export { initBackend, getBackendInfo, wasmBinaryDir } from './backend';
export type { BackendInfo, BackendName, InitBackendOptions } from './backend';
export { WASM_FALLBACK_KERNELS } from './wasm-fallbacks';
export { CoreError, BackendError, InvalidOptionError, TensorMismatchError, OptimizerStateError, RngStateError } from './errors';
export { Rng } from './rng';
export type { RngState } from './rng';
