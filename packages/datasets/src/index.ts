// @rfai/datasets: the JSONL prompt dataset: schema, streaming loading and validation, sampling, conversion.
// Nothing is exported yet: the package's issue builds it.
export {};
