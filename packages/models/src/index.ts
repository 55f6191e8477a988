// @rfai/models: Qwen-family decoder LMs, Hugging Face checkpoint loading and saving, tokenizers, generation, LoRA.
export {
  ModelError,
  ModelConfigError,
  UnsupportedModelError,
  MissingTensorError,
  ShapeMismatchError,
  UnexpectedTensorError,
  TokenizerError,
  ModelUsageError,
} from './errors';
export {
  parseModelConfig,
  presetConfig,
  referenceConfig,
  type ReferenceModelName,
  PRESETS,
  BYTE_VOCAB_SIZE,
  QWEN_VOCAB_SIZE,
  headDim,
  eosTokenIds,
  architectureClass,
  type ModelConfig,
  type ModelType,
  type PresetName,
  type TokenizerKind,
} from './config';
export { architectureFor, type Architecture } from './architecture';
export { CausalLM, attentionLayout, isLargeModel, disposeCache, type KVCache, type DecoderInputs, type LoraAdapter } from './decoder';
export { layerTapeBytes, layersToCheckpoint, activationRoom, WASM_HEAP_MAX_BYTES, AUTO_RESERVE_BYTES } from './checkpoint-plan';
export { createModel, createPresetModel, type CreateModelOptions } from './create';
export {
  ByteTokenizer,
  HfTokenizer,
  loadTokenizer,
  qwenTokenizer,
  builtinTokenizer,
  tokenizerSpec,
  tokenizerFromSpec,
  type TokenizerSpec,
  CHATML_TEMPLATE,
  BYTE_SPECIAL_TOKENS,
  type Tokenizer,
  type ChatMessage,
  type ChatTemplateOptions,
  type DecodeOptions,
} from './tokenizer';
export { tokenStats, chunkRows, DEFAULT_CHUNK_ELEMENTS, type TokenStatsOptions } from './lm-head';
export { linearProduct } from './matmul';
export { generate, generateAsync, type GenerateOptions, type GenerateAsyncOptions, type GenerationResult, type FinishReason } from './generate';
export { sampleToken, logProbOf, argmax, type SamplingParams } from './sampling';
export {
  packSequences,
  tokenLogProbs,
  tokenLogProbsNoGrad,
  unpackRows,
  type PackedBatch,
  type TokenLogProbsOptions,
  type TokenLogProbsResult,
} from './scoring';
export {
  loadModel,
  loadModelConfig,
  saveModel,
  saveMergedModel,
  modelTensors,
  type LoadModelOptions,
  type SaveModelOptions,
} from './io';
export {
  applyLora,
  withAdaptersDisabled,
  mergeLora,
  mergedTensors,
  saveAdapter,
  loadAdapter,
  adapterTensors,
  adapterConfig,
  LORA_TARGETS,
  type LoraOptions,
  type AdapterConfig,
} from './lora';
