// @rfai/checkpoint-io: safetensors reading and writing, crash-safe checkpoint folders, resume state.
// Nothing is exported yet: the package's issue builds it.
export {};
