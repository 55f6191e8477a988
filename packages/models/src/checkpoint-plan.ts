/**
 * How many decoder layers gradient checkpointing recomputes when it is 'auto' (issue 17): as few as the wasm heap
 * allows, since each one costs a second forward pass of that layer in the backward pass (a quarter of the update's
 * work when all are checkpointed).
 *
 * A layer that is not checkpointed keeps its activations on the tape until the backward pass ends: the tensors its
 * operations save (on wasm each a copy) and the gradients tfjs computes for every intermediate tensor, which it
 * frees only when the whole backward pass is done. Measured on Qwen2.5-0.5B (E 896, F 4,864, 14 heads of 64), one
 * row of 91 tokens: 43.5 MB a layer (120 k floats a token) with tfjs' gradient of SwiGLU, 33.6 MB (92 k) with the
 * fused one that large models use (swiglu.ts). {@link layerTapeBytes} estimates it from the config, from above
 * (107 k floats a token there).
 */
import { headDim, isLargeModel, type ModelConfig } from './config';

/** The wasm backend's largest heap (tfjs-backend-wasm 4.22: emscripten's getHeapMax, 4 GiB less 64 kB). */
export const WASM_HEAP_MAX_BYTES = 4294901760;

/**
 * Heap kept free beside the estimated activations: XNNPACK's packed copies of small weights, the LM head's chunks,
 * and the allocator's fragmentation. Measured at 1 x 2 x 32 with LoRA: Qwen2.5-0.5B with no layer checkpointed, heap
 * 565 MB above its peak tensors; Qwen3-0.6B with 18 of 28 layers on the tape (chosen with 1 GiB here), a 4,010 MB
 * heap, 86 MB from the limit. 1.25 GiB.
 */
export const AUTO_RESERVE_BYTES = 5 << 28;

/**
 * More heap kept free where @rfai/core's in-place kernels do not apply (before they ran on the threaded wasm build's
 * shared memory, there): its products copy and transpose more (Qwen2.5-0.5B with LoRA at 1 x 2 x 32, 2 threads, 12 of 24 layers
 * checkpointed without it: a 3,911 MB heap, 185 MB from the limit).
 */
export const NO_IN_PLACE_RESERVE_BYTES = 1 << 29;

/**
 * Bytes one decoder layer keeps on the gradient tape, not checkpointed, for a call on [B, T] tokens (T positions
 * attended to): per token 14 F (large models, with the fused SwiGLU gradient) or 20 F + 16 E + 16 H D floats (the
 * saved tensors of the MLP, of the residual stream and norms, of the attention's queries, keys, values and context,
 * and their gradients) and 8 H T (the attention scores and probabilities, and their gradients).
 */
export function layerTapeBytes(config: ModelConfig, B: number, T: number): number {
  const H = config.num_attention_heads;
  const mlp = isLargeModel(config) ? 14 : 20;
  const perToken = mlp * config.intermediate_size + 16 * config.hidden_size + 16 * H * headDim(config) + 8 * H * T;
  return 4 * B * T * perToken;
}

/**
 * Layers to checkpoint (of `num_hidden_layers`) so that the others' tape fits in `roomBytes`: 0 when all fit, all
 * when none does.
 */
export function layersToCheckpoint(config: ModelConfig, B: number, T: number, roomBytes: number): number {
  const L = config.num_hidden_layers;
  if (!(roomBytes > 0)) return L;
  const kept = Math.min(L, Math.floor(roomBytes / layerTapeBytes(config, B, T)));
  return L - kept;
}

/**
 * Heap left for activations on wasm: the heap's maximum less the tensors alive now (weights, the reference, the
 * optimizer's moments, accumulated gradients), {@link AUTO_RESERVE_BYTES}, six times the trainable parameters
 * (their gradients are made during the backward pass while the tape is alive, with their sums, a tied embedding's
 * three times over; and AdamW's two moments, counted in every process: a data-parallel worker holds none, but there
 * trainable products also keep their inputs on the tape, which the layer estimate leaves out. Full fine-tuning of
 * the base preset with the Qwen vocabulary, counted four times, left the worker room for a few layers and ran its
 * heap out in step 3), and `transientBytes`, a large copy the backward pass makes beside them (the LM head's
 * transpose where the in-place product does not apply: a weight row not a multiple of 8 floats long).
 */
export function activationRoom(liveTensorBytes: number, trainableBytes: number, transientBytes = 0): number {
  return WASM_HEAP_MAX_BYTES - liveTensorBytes - AUTO_RESERVE_BYTES - 6 * trainableBytes - transientBytes;
}
