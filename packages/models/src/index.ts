// @rfai/models: Qwen-family decoder LMs, Hugging Face checkpoint loading and saving, tokenizers, generation, LoRA.
// Nothing is exported yet: the package's issue builds it.
export {};
