/**
 * The decoder-only causal LM shared by llama, qwen2 and qwen3 (the family switches live in llama.ts, qwen2.ts,
 * qwen3.ts). Order as in transformers: RMSNorm, RoPE, attention, MLP, layer, model, LM head.
 *
 * Letters used in shape comments: B batch rows, T positions fed in this call, S key positions (cache + T),
 * N = B*T, H query heads, KV key/value heads, G = H/KV, D head_dim, E hidden_size, F intermediate_size, V vocab.
 */
import { tf, type Rng } from '@rfai/core';
import { architectureFor, type Architecture } from './architecture';
import { headDim, parseModelConfig, type ModelConfig } from './config';
import { ModelUsageError } from './errors';
import { matmul, prefersPretransposed } from './matmul';
import { RopeTables } from './rope';

/** Additive attention bias for masked keys; large but finite so fully-masked (padding) rows stay finite. */
const MASKED = -1e9;

/**
 * Per-layer key/value cache: `k` and `v` are [B*KV, S, D] (appending a position is a cheap concat on axis 1).
 * The cache owns them (dispose with {@link disposeCache}).
 */
export interface KVCache {
  layers: { k: tf.Tensor3D; v: tf.Tensor3D }[];
}

/** Disposes every tensor of a cache. */
export function disposeCache(cache: KVCache): void {
  for (const l of cache.layers) {
    l.k.dispose();
    l.v.dispose();
  }
  cache.layers = [];
}

/** A LoRA adapter on one linear module (see lora.ts). */
export interface LoraAdapter {
  /** [r, in] */
  A: tf.Variable;
  /** [out, r] */
  B: tf.Variable;
  /** alpha / r */
  scaling: number;
  /** Dropout probability on the adapter's input (training mode only). */
  dropout: number;
}

/**
 * Inputs of {@link CausalLM.hiddenStates}: everything already laid out as tensors/arrays by the caller.
 */
export interface DecoderInputs {
  /** Token ids, [B, T] int32. */
  ids: tf.Tensor2D;
  /** Position of each fed token, row-major [B*T]. */
  positions: ArrayLike<number>;
  /** Additive attention bias [B, 1, T, S] (0 = attend, large negative = masked). */
  bias: tf.Tensor4D;
  /** Keys/values of earlier positions; when given, the result carries the extended caches. */
  past?: KVCache;
}

/** A causal LM: config, parameters under Hugging Face keys, and the forward pass. */
export class CausalLM {
  /** The config in Hugging Face spelling (what config.json holds). */
  readonly config: ModelConfig;
  /** Every base parameter under its Hugging Face key (no `lm_head.weight` when embeddings are tied). */
  readonly params: Map<string, tf.Variable>;
  /** LoRA adapters by module key (e.g. `model.layers.0.self_attn.q_proj`); empty without LoRA. */
  readonly lora = new Map<string, LoraAdapter>();
  /** LoRA settings when adapters are attached (see applyLora). */
  loraConfig: { r: number; alpha: number; dropout: number; targetModules: string[] } | null = null;
  /** When false, adapters are skipped (the reference model). Default true. */
  adaptersEnabled = true;
  /** Training mode turns LoRA dropout on; default false. */
  training = false;
  /** Source of dropout seeds in training mode (set by applyLora). */
  dropoutRng: Rng | null = null;
  readonly arch: Architecture;
  readonly rope: RopeTables;
  private disposed = false;
  /** How one-position (decode) attention is computed: batched products or broadcast multiply + sum. */
  static decodeAttention: 'matmul' | 'broadcast' = 'broadcast';
  /** Transposed weights ([in, out]) for repeated no-grad use (generation on wasm); null when not active. */
  private pretransposed: Map<string, tf.Tensor> | null = null;

  /**
   * Wraps existing variables (use createModel / loadModel rather than calling this directly).
   * @param params ownership passes to the model; {@link dispose} frees them
   */
  constructor(config: ModelConfig, params: Map<string, tf.Variable>) {
    this.config = parseModelConfig(config);
    this.arch = architectureFor(this.config);
    this.params = params;
    this.rope = new RopeTables(headDim(this.config), this.config.rope_theta, this.config.max_position_embeddings);
  }

  /** Number of base parameters (elements). */
  get numParameters(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  /** Variables the optimizer should update: adapters when LoRA is attached, else every base parameter. */
  trainableParams(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [k, v] of this.params) if (v.trainable) out.set(k, v);
    for (const [k, a] of this.lora) {
      if (a.A.trainable) out.set(`${k}.lora_A.weight`, a.A);
      if (a.B.trainable) out.set(`${k}.lora_B.weight`, a.B);
    }
    return out;
  }

  /** The parameter under a Hugging Face key. */
  weight(key: string): tf.Variable {
    const w = this.params.get(key);
    if (!w) throw new ModelUsageError(`model has no parameter "${key}"`);
    return w;
  }

  /** The LM head matrix [V, E] (the embedding when tied). Owned by the model. */
  lmHeadWeight(): tf.Variable {
    return this.config.tie_word_embeddings ? this.weight('model.embed_tokens.weight') : this.weight('lm_head.weight');
  }

  // ---- building blocks -------------------------------------------------------------------------------------

  /** RMSNorm over the last axis, in float32: x * rsqrt(mean(x^2) + eps) * w. */
  private rmsNorm(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
    const ms = tf.mean(tf.square(x), -1, true);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(ms, this.config.rms_norm_eps))), w);
  }

  /** y = x W^T (+ b) (+ LoRA: scaling * dropout(x) A^T B^T). x [N, in] -> [N, out]. */
  private linear(x: tf.Tensor2D, module: string): tf.Tensor2D {
    const wt = this.pretransposed?.get(module);
    let y = (wt ? tf.matMul(x, wt) : matmul(x, this.weight(`${module}.weight`), true)) as tf.Tensor2D;
    const b = this.params.get(`${module}.bias`);
    if (b) y = tf.add(y, b);
    const a = this.adaptersEnabled ? this.lora.get(module) : undefined;
    if (a) {
      let xi = x;
      if (this.training && a.dropout > 0) {
        const seed = this.dropoutRng ? Math.floor(this.dropoutRng.uniform() * 2 ** 31) : 0;
        const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), a.dropout), 'float32');
        xi = tf.mul(x, tf.div(keep, 1 - a.dropout));
      }
      const low = matmul(xi, a.A, true); // [N, r]
      y = tf.add(y, tf.mul(matmul(low, a.B, true), a.scaling)); // [N, out]
    }
    return y;
  }

  /** rotate_half(x) = concat(-x2, x1); x * cos + rotate_half(x) * sin.  x [B, T, h, D], cos/sin [B, T, 1, D]. */
  private rope4(x: tf.Tensor4D, cos: tf.Tensor, sin: tf.Tensor): tf.Tensor4D {
    const D = x.shape[3];
    const x1 = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, D / 2]);
    const x2 = tf.slice(x, [0, 0, 0, D / 2], [-1, -1, -1, D / 2]);
    const rot = tf.concat([tf.neg(x2), x1], 3);
    return tf.add(tf.mul(x, cos), tf.mul(rot, sin));
  }

  /**
   * One decoder layer on x [N, E]; returns the new residual stream and this layer's full keys and values
   * [B*KV, S, D] (the past concatenated with this call's).
   */
  private layer(
    i: number,
    x: tf.Tensor2D,
    B: number,
    T: number,
    cos: tf.Tensor,
    sin: tf.Tensor,
    bias: tf.Tensor4D,
    past?: { k: tf.Tensor3D; v: tf.Tensor3D },
  ): { x: tf.Tensor2D; k: tf.Tensor3D; v: tf.Tensor3D } {
    const c = this.config;
    const H = c.num_attention_heads;
    const KV = c.num_key_value_heads;
    const G = H / KV;
    const D = headDim(c);
    const p = `model.layers.${i}`;

    // Attention block.
    const h = this.rmsNorm(x, this.weight(`${p}.input_layernorm.weight`)) as tf.Tensor2D; // [N, E]
    let q = tf.reshape(this.linear(h, `${p}.self_attn.q_proj`), [B, T, H, D]) as tf.Tensor4D; // [B, T, H, D]
    let k = tf.reshape(this.linear(h, `${p}.self_attn.k_proj`), [B, T, KV, D]) as tf.Tensor4D; // [B, T, KV, D]
    const v = tf.reshape(this.linear(h, `${p}.self_attn.v_proj`), [B, T, KV, D]); // [B, T, KV, D]
    if (this.arch.qkNorm) {
      // qwen3: RMSNorm over D of every head, before RoPE.
      q = this.rmsNorm(q, this.weight(`${p}.self_attn.q_norm.weight`)) as tf.Tensor4D;
      k = this.rmsNorm(k, this.weight(`${p}.self_attn.k_norm.weight`)) as tf.Tensor4D;
    }
    q = this.rope4(q, cos, sin);
    k = this.rope4(k, cos, sin);
    // Fold the D^-0.5 scaling into q (fewer elements than the scores), then group query heads by their KV head:
    // head h uses KV head floor(h / G), so [B, H, T, D] = [B, KV, G, T, D] -> [B*KV, G*T, D] without copying K/V.
    const qs = tf.reshape(tf.transpose(tf.mul(q, 1 / Math.sqrt(D)), [0, 2, 1, 3]), [B * KV, G * T, D]);
    let kh = tf.reshape(tf.transpose(k, [0, 2, 1, 3]), [B * KV, T, D]) as tf.Tensor3D; // [B*KV, T, D]
    let vh = tf.reshape(tf.transpose(v, [0, 2, 1, 3]), [B * KV, T, D]) as tf.Tensor3D; // [B*KV, T, D]
    if (past) {
      kh = tf.concat([past.k, kh], 1); // [B*KV, S, D]
      vh = tf.concat([past.v, vh], 1); // [B*KV, S, D]
    }
    const S = kh.shape[1];
    // One new position (decoding): broadcast multiply + sum, which beats many tiny batched products on wasm.
    const decode = T === 1 && CausalLM.decodeAttention === 'broadcast';
    const qk = decode
      ? tf.sum(tf.mul(tf.reshape(qs, [B * KV, G, 1, D]), tf.reshape(kh, [B * KV, 1, S, D])), 3) // [B*KV, G, S]
      : matmul(qs, kh, true); // [B*KV, G*T, S]
    const scores = tf.add(tf.reshape(qk, [B, H, T, S]), bias); // [B, H, T, S]
    const probs = tf.reshape(tf.softmax(scores), [B * KV, G * T, S]);
    const pv = decode
      ? tf.sum(tf.mul(tf.reshape(probs, [B * KV, G, S, 1]), tf.reshape(vh, [B * KV, 1, S, D])), 2) // [B*KV, G, D]
      : matmul(probs, vh); // [B*KV, G*T, D]
    const ctx = tf.reshape(tf.transpose(tf.reshape(pv, [B, H, T, D]), [0, 2, 1, 3]), [
      B * T,
      H * D,
    ]) as tf.Tensor2D; // [N, H*D]
    x = tf.add(x, this.linear(ctx, `${p}.self_attn.o_proj`));

    // MLP block: down(silu(gate(x)) * up(x)).
    const h2 = this.rmsNorm(x, this.weight(`${p}.post_attention_layernorm.weight`)) as tf.Tensor2D;
    const gate = this.linear(h2, `${p}.mlp.gate_proj`); // [N, F]
    const up = this.linear(h2, `${p}.mlp.up_proj`);
    const act = tf.mul(tf.mul(gate, tf.sigmoid(gate)), up) as tf.Tensor2D;
    x = tf.add(x, this.linear(act, `${p}.mlp.down_proj`));
    return { x, k: kh, v: vh };
  }

  // ---- model -----------------------------------------------------------------------------------------------

  /**
   * Runs the decoder stack and the final norm. Returns hidden states [B*T, E] and, per layer, the full keys and
   * values [B*KV, S, D] (past + new). Every returned tensor is new: the caller disposes them (call inside tf.tidy
   * and return what you keep). Differentiable.
   */
  hiddenStates(inp: DecoderInputs): { hidden: tf.Tensor2D; present: KVCache } {
    this.checkAlive();
    const [B, T] = inp.ids.shape;
    const D = headDim(this.config);
    if (inp.positions.length !== B * T) {
      throw new ModelUsageError(`positions has ${inp.positions.length} entries, expected B*T = ${B * T}`);
    }
    const { cos, sin } = this.rope.gather(inp.positions);
    const cosT = tf.tensor4d(cos, [B, T, 1, D]);
    const sinT = tf.tensor4d(sin, [B, T, 1, D]);
    let x = tf.gather(this.weight('model.embed_tokens.weight'), tf.reshape(inp.ids, [-1])) as tf.Tensor2D; // [N, E]
    const present: KVCache = { layers: [] };
    for (let i = 0; i < this.config.num_hidden_layers; i++) {
      const r = this.layer(i, x, B, T, cosT, sinT, inp.bias, inp.past?.layers[i]);
      x = r.x;
      present.layers.push({ k: r.k, v: r.v });
    }
    const hidden = this.rmsNorm(x, this.weight('model.norm.weight')) as tf.Tensor2D;
    return { hidden, present };
  }

  /** LM head: hidden [M, E] -> logits [M, V] (the caller disposes). Differentiable. */
  logits(hidden: tf.Tensor2D): tf.Tensor2D {
    const wt = this.pretransposed?.get('lm_head');
    return (wt ? tf.matMul(hidden, wt) : matmul(hidden, this.lmHeadWeight(), true)) as tf.Tensor2D;
  }

  /**
   * Runs `fn` with transposed copies of the weights held for its duration when the backend prefers them
   * (wasm), for repeated no-grad forwards such as generation. Do not compute gradients inside `fn`: the copies
   * are constants. Memory: one extra copy of the linear weights while `fn` runs (skipped above 100 M parameters).
   */
  withInferenceWeights<R>(fn: () => R): R {
    // Above ~100 M parameters the copy would not fit the wasm heap (4 GiB at most) next to the weights.
    if (!prefersPretransposed() || this.pretransposed || this.numParameters > 100e6) return fn();
    const map = new Map<string, tf.Tensor>();
    for (const [key, w] of this.params) {
      if (key.endsWith('_proj.weight')) map.set(key.slice(0, -'.weight'.length), tf.transpose(w));
    }
    map.set('lm_head', tf.transpose(this.lmHeadWeight()));
    this.pretransposed = map;
    try {
      return fn();
    } finally {
      this.pretransposed = null;
      for (const t of map.values()) t.dispose();
    }
  }

  /**
   * Full forward pass without a cache: logits [B, T, V] for every position (the caller disposes).
   *
   * @param ids token ids, B rows of equal length T
   * @param attentionMask optional, 1 = real token, 0 = padding, same shape as ids (left padding expected);
   *   positions are cumsum(mask) - 1 and padded keys are masked out
   */
  forward(ids: number[][], attentionMask?: number[][]): tf.Tensor3D {
    const B = ids.length;
    const T = ids[0]?.length ?? 0;
    if (B === 0 || T === 0 || ids.some((r) => r.length !== T)) {
      throw new ModelUsageError('forward: ids must be a non-empty rectangular [B, T] array');
    }
    const mask = attentionMask ?? ids.map((r) => r.map(() => 1));
    const { positions, bias } = attentionLayout(mask, T);
    return tf.tidy(() => {
      const idsT = tf.tensor2d(ids.flat(), [B, T], 'int32');
      const biasT = tf.tensor4d(bias, [B, 1, T, T]);
      const { hidden } = this.hiddenStates({ ids: idsT, positions, bias: biasT });
      return tf.reshape(this.logits(hidden), [B, T, this.config.vocab_size]) as tf.Tensor3D;
    });
  }

  /** Frees every parameter and adapter. The model cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    for (const v of this.params.values()) v.dispose();
    for (const a of this.lora.values()) {
      a.A.dispose();
      a.B.dispose();
    }
    this.params.clear();
    this.lora.clear();
    this.disposed = true;
  }

  private checkAlive(): void {
    if (this.disposed) throw new ModelUsageError('this model was disposed');
  }
}

/**
 * Positions and attention bias for the last T of S positions, from a [B, S] 0/1 mask (S = mask row length).
 * positions[b, t] = cumsum(mask[b])[S-T+t] - 1 (clamped at 0); bias [B, 1, T, S] is 0 where key s is real and
 * s <= S-T+t, else large negative.
 */
export function attentionLayout(mask: ArrayLike<number>[], T: number): { positions: Int32Array; bias: Float32Array } {
  const B = mask.length;
  const S = mask[0].length;
  const positions = new Int32Array(B * T);
  const bias = new Float32Array(B * T * S).fill(MASKED);
  for (let b = 0; b < B; b++) {
    const m = mask[b];
    let cum = 0;
    for (let s = 0; s < S; s++) {
      cum += m[s] ? 1 : 0;
      const t = s - (S - T);
      if (t >= 0) positions[b * T + t] = Math.max(cum - 1, 0);
    }
    for (let t = 0; t < T; t++) {
      const row = (b * T + t) * S;
      const last = S - T + t;
      for (let s = 0; s <= last; s++) if (m[s]) bias[row + s] = 0;
    }
  }
  return { positions, bias };
}
