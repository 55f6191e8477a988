// 'auto' gradient checkpointing: the estimate of a layer's tape, the number of layers it checkpoints for a given
// room, and the model's choice on each backend.
import { initBackend, tf } from '@rfai/core';
import {
  activationRoom,
  AUTO_RESERVE_BYTES,
  attentionLayout,
  layersToCheckpoint,
  layerTapeBytes,
  presetConfig,
  referenceConfig,
  headDim,
  WASM_HEAP_MAX_BYTES,
  createModel,
  ModelUsageError,
} from './index';

describe('layerTapeBytes', () => {
  it('bounds the measured tape of a Qwen2.5-0.5B layer from above, by less than 1.25x', () => {
    // Measured (wasm, LoRA on q,k,v,o, no checkpointing, the fused SwiGLU gradient): 1 row of 91 tokens, 24 layers,
    // peak tensors 807 MB above the run with every layer checkpointed, i.e. 33.6 MB a layer.
    const est = layerTapeBytes(referenceConfig('qwen2.5-0.5b'), 1, 91) / 2 ** 20;
    expect(est).toBeGreaterThan(33.6);
    expect(est).toBeLessThan(33.6 * 1.25);
  });

  it('grows with rows, with tokens, and faster than linearly in tokens (attention)', () => {
    const c = referenceConfig('qwen2.5-0.5b');
    expect(layerTapeBytes(c, 2, 91)).toBe(2 * layerTapeBytes(c, 1, 91));
    expect(layerTapeBytes(c, 1, 182)).toBeGreaterThan(2 * layerTapeBytes(c, 1, 91));
    const E = c.hidden_size;
    const F = c.intermediate_size;
    const H = c.num_attention_heads;
    expect(layerTapeBytes(c, 1, 10)).toBe(4 * 10 * (14 * F + 16 * E + 16 * H * 64 + 8 * H * 10));
    // Qwen3-0.6B's attention is wider than its residual stream (16 heads of 128 = 2,048 > E = 1,024).
    const q3 = referenceConfig('qwen3-0.6b');
    expect(layerTapeBytes(q3, 1, 10)).toBe(4 * 10 * (14 * 3072 + 16 * 1024 + 16 * 2048 + 8 * 16 * 10));
    // A small model keeps tfjs' own SwiGLU gradient: 20 F.
    const tiny = presetConfig('tiny');
    const t = tiny.num_attention_heads * headDim(tiny);
    expect(layerTapeBytes(tiny, 1, 10)).toBe(4 * 10 * (20 * tiny.intermediate_size + 16 * tiny.hidden_size + 16 * t + 8 * tiny.num_attention_heads * 10));
  });
});

describe('layersToCheckpoint', () => {
  const c = referenceConfig('qwen2.5-0.5b'); // 24 layers
  const per = layerTapeBytes(c, 1, 90);
  it('checkpoints none when every layer fits, all when none does, and the rest in between', () => {
    expect(layersToCheckpoint(c, 1, 90, 24 * per)).toBe(0);
    expect(layersToCheckpoint(c, 1, 90, 1e15)).toBe(0);
    expect(layersToCheckpoint(c, 1, 90, 10 * per + 1)).toBe(14);
    expect(layersToCheckpoint(c, 1, 90, per - 1)).toBe(24);
    expect(layersToCheckpoint(c, 1, 90, 0)).toBe(24);
    expect(layersToCheckpoint(c, 1, 90, -5)).toBe(24);
  });

  it('decides the Qwen2.5-0.5B LoRA shapes from the measured heap: few layers at 1 row x 90 tokens, most at 2 x 122', () => {
    // Live tensors at the update: the weights (1,909 MB) and the adapters; 2.16 M trainable parameters.
    const room = activationRoom(1909 * 2 ** 20, 4 * 2.16e6);
    expect(room).toBe(WASM_HEAP_MAX_BYTES - 1909 * 2 ** 20 - AUTO_RESERVE_BYTES - 6 * 4 * 2.16e6);
    // Measured: with no layer checkpointed, 1 x 90 peaks at a 3,590 MB heap (it fits: before the fused SwiGLU
    // gradient, which took 10 MB a layer off the tape).
    expect(layersToCheckpoint(c, 1, 90, room)).toBeLessThanOrEqual(1);
    expect(layersToCheckpoint(c, 2, 122, room)).toBeGreaterThan(12);
    // Qwen3-0.6B (2,326 MB of weights): 18 of 28 layers on the tape reached a 4,010 MB heap before the fused SwiGLU
    // gradient (about 8 MB a layer less of tape) and this reserve (256 MB more).
    expect(28 - layersToCheckpoint(referenceConfig('qwen3-0.6b'), 1, 90, activationRoom(2326 * 2 ** 20, 4 * 2.3e6))).toBeLessThanOrEqual(14);
    // Where the head's backward transposes it (545 MB: the threaded build), fewer layers fit.
    const headBytes = 4 * 151936 * 896;
    expect(activationRoom(1909 * 2 ** 20, 4 * 2.16e6, headBytes)).toBe(room - headBytes);
    expect(layersToCheckpoint(c, 1, 90, room - headBytes)).toBeGreaterThanOrEqual(11);
  });
});

describe('full fine-tuning under auto', () => {
  it('leaves the base preset with the Qwen vocabulary no room, in the main process and in a worker', () => {
    // 103 M trainable parameters (412 MB); the main process holds weights, reference and moments (1,571 MiB of
    // tensors, measured), a worker weights and reference. Counting the gradients four times left the worker room
    // for a few layers, and its heap ran out in step 3.
    const trainable = 4 * 103e6;
    const base = presetConfig('base', 'qwen');
    expect(activationRoom(786 * 2 ** 20, trainable)).toBeLessThan(0);
    expect(layersToCheckpoint(base, 8, 124, activationRoom(1571 * 2 ** 20, trainable))).toBe(base.num_hidden_layers);
    expect(layersToCheckpoint(base, 8, 124, activationRoom(786 * 2 ** 20, trainable))).toBe(base.num_hidden_layers);
  });
});

describe("the model's choice", () => {
  const ids = [[1, 2, 3, 4, 5, 6]];
  function differentiate(model: ReturnType<typeof createModel>): void {
    const { positions, bias } = attentionLayout([ids[0].map(() => 1)], 6);
    const vars = [...model.trainableParams().values()];
    const { value, grads } = tf.variableGrads(
      () => tf.sum(model.hiddenStates({ ids: tf.tensor2d(ids, [1, 6], 'int32'), positions, bias: tf.tensor4d(bias, [1, 1, 6, 6]) }).hidden) as tf.Scalar,
      vars,
    );
    tf.dispose([value, ...Object.values(grads)]);
  }

  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it("'auto' checkpoints no layer of a small model on wasm, nor anywhere off wasm; numbers are clamped to the layers", async () => {
    for (const backend of ['wasm', 'cpu'] as const) {
      await initBackend({ backend, threads: 1 });
      const model = createModel(presetConfig('tiny'), 3);
      model.gradientCheckpointing = 'auto';
      differentiate(model);
      expect(model.lastCheckpointedLayers).toBe(0);
      model.gradientCheckpointing = 99;
      differentiate(model);
      expect(model.lastCheckpointedLayers).toBe(model.config.num_hidden_layers);
      model.dispose();
    }
  });

  it('rejects a number of layers that is not a whole number >= 0', () => {
    const model = createModel(presetConfig('tiny'), 3);
    for (const bad of [-1, 1.5]) {
      model.gradientCheckpointing = bad;
      expect(() => differentiate(model)).toThrow(ModelUsageError);
      expect(() => differentiate(model)).toThrow(/gradientCheckpointing must be true, false, 'auto' or a whole number of layers >= 0, found/);
    }
    model.dispose();
  });
});
