// @rfai/core: tensor backend, deterministic RNG, optimizers, LR schedules and gradient utilities on TensorFlow.js.
// Nothing is exported yet: the package's issue builds it.
export {};
