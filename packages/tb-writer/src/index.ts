// @rfai/tb-writer: TensorBoard event files: writing and reading.
// Nothing is exported yet: the package's issue builds it.
export {};
