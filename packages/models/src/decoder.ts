/**
 * The decoder-only causal LM shared by llama, qwen2 and qwen3 (the family switches live in llama.ts, qwen2.ts,
 * qwen3.ts). Order as in transformers: RMSNorm, RoPE, attention, MLP, layer, model, LM head.
 *
 * Letters used in shape comments: B batch rows, T positions fed in this call, S key positions (cache + T),
 * N = B*T, H query heads, KV key/value heads, G = H/KV, D head_dim, E hidden_size, F intermediate_size, V vocab.
 */
import { addRowsIntoOwned, fewRowsSupported, fewRowsXWt, tf, type Rng } from '@rfai/core';
import { architectureFor, type Architecture } from './architecture';
import { activationRoom, layersToCheckpoint, NO_IN_PLACE_RESERVE_BYTES } from './checkpoint-plan';
import { headDim, isLargeModel, parseModelConfig, type ModelConfig } from './config';

export { isLargeModel };
import { ModelUsageError } from './errors';
import { fusedDecodeAttention, fusedDecodeAvailable, fusedRmsNorm, fusedRope, fusedSwiglu } from './fused-decode';
import { tokenStats, type TokenStatsOptions } from './lm-head';
import { forwardXWt, linearProduct, matmul, tapeIsOn, transposedWeightBytes } from './matmul';
import { RopeTables } from './rope';
import { swiglu } from './swiglu';


/** Additive attention bias for masked keys; large but finite so fully-masked (padding) rows stay finite. */
const MASKED = -1e9;

/** Names of the embedding-row anchors (tfjs variable names are global). */
let anchorSerial = 0;

/** One embedding lookup's rows under {@link CausalLM.variableGrads}: the ids and the gradient of their rows. */
interface EmbeddingRows {
  ids: Int32Array;
  dy: tf.Tensor;
}

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

/** Columns from..T-1 of each row of x [B*T, E], as [B*(T-from), E] (x itself when from is 0). */
function columnsFrom(x: tf.Tensor2D, B: number, T: number, from: number): tf.Tensor2D {
  if (from === 0) return x;
  const E = x.shape[1];
  return tf.reshape(tf.slice(tf.reshape(x, [B, T, E]), [0, from, 0], [B, T - from, E]), [B * (T - from), E]);
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
  /**
   * Return the hidden states of columns `outputFrom`..T-1 of each row only ([B*(T-outputFrom), E]): the last
   * layer computes its queries, attention output and MLP for those columns alone (its keys and values, and every
   * earlier layer, still cover all T). The same values as slicing the full result. Default 0 (every column).
   */
  outputFrom?: number;
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
  /**
   * Recompute decoder layers in the backward pass instead of keeping their activations (gradient checkpointing):
   * a checkpointed layer keeps only its input, for one more forward pass of it. Same gradients. true: every
   * layer; a number n: the first n layers; 'auto': on the wasm backend as few layers as its 4 GiB heap needs for
   * this call's shape, estimated from the config and the tensors alive (checkpoint-plan.ts), none elsewhere;
   * false (default): none.
   */
  gradientCheckpointing: boolean | number | 'auto' = false;
  /** Layers the last differentiable call of {@link hiddenStates} checkpointed (0 before any). */
  lastCheckpointedLayers = 0;
  /** How one-position (decode) attention is computed: batched products or broadcast multiply + sum. */
  static decodeAttention: 'matmul' | 'broadcast' = 'broadcast';
  /**
   * Large models ({@link isLargeModel}) on wasm: products of at most 4 rows without a gradient tape (decoding
   * steps) run on @rfai/core's few-rows kernel, which streams each weight once (1.4-3x XNNPACK's speed there).
   * false: always tf.matMul (benchmarks compare the two).
   */
  static fewRowsProducts = true;
  /**
   * Decoding steps (one new position per row against a cache, no gradient tape) run RMSNorm, RoPE, SwiGLU and the
   * attention against the cache as one fused kernel each (fused-decode.ts: ~55 kernels fewer per layer) on the wasm
   * and cpu backends. false: the separate operations (benchmarks and tests compare the two).
   */
  static fusedDecode = true;
  /** Tables of at least this many elements take {@link variableGrads}' rows path (tests lower it). */
  static embeddingRowsMinElements = 1 << 20;
  /** Whether this model takes the few-rows kernel at all (fixed at construction: {@link isLargeModel}). */
  /** {@link isLargeModel}: the memory-saving paths that change float rounding apply. */
  private readonly large: boolean;
  private readonly fewRows: boolean;
  /** Inside {@link variableGrads}: where embedding lookups record their rows' gradients (null: through the tape). */
  private embeddingRows: EmbeddingRows[] | null = null;
  /** A [1] variable the recording lookups hang on, so the backward pass reaches them (made on first use). */
  private embeddingAnchor: tf.Variable | null = null;

  /**
   * Wraps existing variables (use createModel / loadModel rather than calling this directly).
   * @param params ownership passes to the model; {@link dispose} frees them
   */
  constructor(config: ModelConfig, params: Map<string, tf.Variable>) {
    this.config = parseModelConfig(config);
    this.arch = architectureFor(this.config);
    this.params = params;
    this.rope = new RopeTables(headDim(this.config), this.config.rope_theta, this.config.max_position_embeddings);
    this.large = isLargeModel(this.config);
    this.fewRows = this.large;
  }

  /** x W^T for a weight W [out, in]: the few-rows kernel where it applies (see {@link fewRowsProducts}). */
  private product(x: tf.Tensor2D, w: tf.Tensor): tf.Tensor2D {
    if (this.fewRows && CausalLM.fewRowsProducts && !tapeIsOn() && fewRowsSupported(x, w)) return fewRowsXWt(x, w);
    return linearProduct(x, w);
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

  /**
   * tf.variableGrads of `f` (a loss computed with this model) over `varList` (default: {@link trainableParams}), with
   * a large trainable embedding table's gradient assembled from its rows: each lookup records the gradient of the
   * rows it read (dy [N, E] and the ids) instead of handing the tape a dense [V, E] segment sum, and after the
   * backward pass the rows are added into the table's gradient (a tied head's, or zeros), in place on wasm. Through
   * the tape, every lookup (a packed batch makes two: prompts and completions) would add a [V, E] sum, and each sum
   * with the head's gradient another: four 311 MB tensors at once for Qwen's vocabulary 512 wide, enough to run
   * the wasm heap out. Same gradients up to float32 rounding of the sums (row by row in order, rather than per
   * segment in float64). A small table (fewer than {@link embeddingRowsMinElements}, 2^20) keeps the tape's path (bit-identical results).
   */
  variableGrads(f: () => tf.Scalar, varList?: tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    this.checkAlive();
    const vars = varList ?? [...this.trainableParams().values()];
    const table = this.params.get('model.embed_tokens.weight');
    if (!table || !table.trainable || !vars.includes(table) || table.size < CausalLM.embeddingRowsMinElements || this.embeddingRows) return tf.variableGrads(f, vars);
    this.embeddingAnchor ??= tf.tidy(() => tf.variable(tf.zeros([1]), true, `rfai.embedding_rows_anchor_${anchorSerial++}`));
    const anchor = this.embeddingAnchor;
    const rows: EmbeddingRows[] = [];
    this.embeddingRows = rows;
    try {
      const { value, grads } = tf.variableGrads(f, [...vars, anchor]);
      grads[anchor.name]?.dispose();
      delete grads[anchor.name];
      if (rows.length > 0) {
        try {
          grads[table.name] = addEmbeddingRows(grads[table.name] ?? null, table.shape as [number, number], rows);
        } catch (e) {
          value.dispose();
          tf.dispose(Object.values(grads));
          throw e;
        }
      }
      return { value, grads };
    } finally {
      this.embeddingRows = null;
      for (const r of rows) r.dy.dispose();
    }
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

  /**
   * y = x W^T (+ b) (+ LoRA: scaling * dropout(x) A^T B^T). x [N, in] -> [N, out]. `seeds` numbers the dropout
   * masks of one layer, so that a recomputed layer (gradient checkpointing) draws the same masks.
   */
  private linear(x: tf.Tensor2D, module: string, seeds?: { base: number; next: number }): tf.Tensor2D {
    let y = this.product(x, this.weight(`${module}.weight`));
    const b = this.params.get(`${module}.bias`);
    if (b) y = tf.add(y, b);
    const a = this.adaptersEnabled ? this.lora.get(module) : undefined;
    if (a) {
      let xi = x;
      if (this.training && a.dropout > 0) {
        const seed = seeds ? (seeds.base + seeds.next++) % 2 ** 31 : 0;
        const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), a.dropout), 'float32');
        xi = tf.mul(x, tf.div(keep, 1 - a.dropout));
      }
      const low = this.product(xi, a.A); // [N, r]
      y = tf.add(y, tf.mul(this.product(low, a.B), a.scaling)); // [N, out]
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
    dropoutSeed = 0,
    from = 0,
  ): { x: tf.Tensor2D; k: tf.Tensor3D; v: tf.Tensor3D } {
    const seeds = { base: dropoutSeed, next: 0 };
    const c = this.config;
    const fused = this.decodesFused(T, past, from);
    const norm = (t: tf.Tensor, w: tf.Tensor) => (fused ? fusedRmsNorm(t, w, c.rms_norm_eps) : this.rmsNorm(t, w));
    const H = c.num_attention_heads;
    const KV = c.num_key_value_heads;
    const D = headDim(c);
    const p = `model.layers.${i}`;

    // Attention block. Queries (and everything after the attention) cover columns from..T-1 only: Tq of them.
    const Tq = T - from;
    const h = norm(x, this.weight(`${p}.input_layernorm.weight`)) as tf.Tensor2D; // [N, E]
    const hq = columnsFrom(h, B, T, from); // [B*Tq, E]
    let q = tf.reshape(this.linear(hq, `${p}.self_attn.q_proj`, seeds), [B, Tq, H, D]) as tf.Tensor4D; // [B, Tq, H, D]
    let k = tf.reshape(this.linear(h, `${p}.self_attn.k_proj`, seeds), [B, T, KV, D]) as tf.Tensor4D; // [B, T, KV, D]
    const v = tf.reshape(this.linear(h, `${p}.self_attn.v_proj`, seeds), [B, T, KV, D]); // [B, T, KV, D]
    if (this.arch.qkNorm) {
      // qwen3: RMSNorm over D of every head, before RoPE.
      q = norm(q, this.weight(`${p}.self_attn.q_norm.weight`)) as tf.Tensor4D;
      k = norm(k, this.weight(`${p}.self_attn.k_norm.weight`)) as tf.Tensor4D;
    }
    const { ctx, k: kh, v: vh } = fused
      ? fusedDecodeAttention(fusedRope(q, cos, sin), fusedRope(k, cos, sin), v as tf.Tensor4D, past!, bias)
      : this.attention(q, k, v as tf.Tensor4D, B, T, from, cos, sin, bias, past);
    x = tf.add(columnsFrom(x, B, T, from), this.linear(ctx, `${p}.self_attn.o_proj`, seeds));

    // MLP block: down(silu(gate(x)) * up(x)).
    const h2 = norm(x, this.weight(`${p}.post_attention_layernorm.weight`)) as tf.Tensor2D;
    const gate = this.linear(h2, `${p}.mlp.gate_proj`, seeds); // [N, F]
    const up = this.linear(h2, `${p}.mlp.up_proj`, seeds);
    // Large models: the fused gradient keeps 2 [N, F] tensors on the tape instead of 10 (see swiglu.ts); small ones
    // keep tfjs' own (their seeded results do not move).
    const act = (fused ? fusedSwiglu(gate, up) : this.large ? swiglu(gate, up) : tf.mul(tf.mul(gate, tf.sigmoid(gate)), up)) as tf.Tensor2D;
    x = tf.add(x, this.linear(act, `${p}.mlp.down_proj`, seeds));
    return { x, k: kh, v: vh };
  }

  /**
   * RoPE and attention of one layer with separate operations: queries q [B, Tq, H, D] (columns from..T-1), keys and
   * values k, v [B, T, KV, D] of this call's positions, after the past's. Returns the context [B*Tq, H*D] and the
   * full keys and values [B*KV, S, D].
   */
  private attention(
    q: tf.Tensor4D,
    k: tf.Tensor4D,
    v: tf.Tensor4D,
    B: number,
    T: number,
    from: number,
    cos: tf.Tensor,
    sin: tf.Tensor,
    bias: tf.Tensor4D,
    past?: { k: tf.Tensor3D; v: tf.Tensor3D },
  ): { ctx: tf.Tensor2D; k: tf.Tensor3D; v: tf.Tensor3D } {
    const c = this.config;
    const H = c.num_attention_heads;
    const KV = c.num_key_value_heads;
    const G = H / KV;
    const D = headDim(c);
    const Tq = T - from;
    q = from === 0 ? this.rope4(q, cos, sin) : this.rope4(q, tf.slice(cos, [0, from, 0, 0], [B, Tq, 1, D]), tf.slice(sin, [0, from, 0, 0], [B, Tq, 1, D]));
    k = this.rope4(k, cos, sin);
    // Fold the D^-0.5 scaling into q (fewer elements than the scores), then group query heads by their KV head:
    // head h uses KV head floor(h / G), so [B, H, Tq, D] = [B, KV, G, Tq, D] -> [B*KV, G*Tq, D] without copying K/V.
    const qs = tf.reshape(tf.transpose(tf.mul(q, 1 / Math.sqrt(D)), [0, 2, 1, 3]), [B * KV, G * Tq, D]);
    let kh = tf.reshape(tf.transpose(k, [0, 2, 1, 3]), [B * KV, T, D]) as tf.Tensor3D; // [B*KV, T, D]
    let vh = tf.reshape(tf.transpose(v, [0, 2, 1, 3]), [B * KV, T, D]) as tf.Tensor3D; // [B*KV, T, D]
    if (past) {
      kh = tf.concat([past.k, kh], 1); // [B*KV, S, D]
      vh = tf.concat([past.v, vh], 1); // [B*KV, S, D]
    }
    const S = kh.shape[1];
    // One new position (decoding): broadcast multiply + sum, which beats many tiny batched products on wasm.
    const decode = Tq === 1 && CausalLM.decodeAttention === 'broadcast';
    const qk = decode
      ? tf.sum(tf.mul(tf.reshape(qs, [B * KV, G, 1, D]), tf.reshape(kh, [B * KV, 1, S, D])), 3) // [B*KV, G, S]
      : matmul(qs, kh, true); // [B*KV, G*Tq, S]
    const biasQ = from === 0 ? bias : tf.slice(bias, [0, 0, from, 0], [B, 1, Tq, S]);
    const scores = tf.add(tf.reshape(qk, [B, H, Tq, S]), biasQ); // [B, H, Tq, S]
    const probs = tf.reshape(tf.softmax(scores), [B * KV, G * Tq, S]);
    const pv = decode
      ? tf.sum(tf.mul(tf.reshape(probs, [B * KV, G, S, 1]), tf.reshape(vh, [B * KV, 1, S, D])), 2) // [B*KV, G, D]
      : matmul(probs, vh); // [B*KV, G*Tq, D]
    const ctx = tf.reshape(tf.transpose(tf.reshape(pv, [B, H, Tq, D]), [0, 2, 1, 3]), [
      B * Tq,
      H * D,
    ]) as tf.Tensor2D; // [B*Tq, H*D]
    return { ctx, k: kh, v: vh };
  }

  // ---- model -----------------------------------------------------------------------------------------------

  /**
   * Runs the decoder stack and the final norm. Returns hidden states [B*T, E] ([B*(T-outputFrom), E] with
   * {@link DecoderInputs.outputFrom}) and, per layer, the full keys and
   * values [B*KV, S, D] (past + new). Every returned tensor is new: the caller disposes them (call inside tf.tidy
   * and return what you keep). Each layer's intermediates are freed as soon as the layer is done (under a
   * gradient tape the tape keeps what the backward pass needs; with {@link gradientCheckpointing} only each
   * layer's input). Differentiable.
   */
  hiddenStates(inp: DecoderInputs): { hidden: tf.Tensor2D; present: KVCache } {
    this.checkAlive();
    const [B, T] = inp.ids.shape;
    const D = headDim(this.config);
    if (inp.positions.length !== B * T) {
      throw new ModelUsageError(`positions has ${inp.positions.length} entries, expected B*T = ${B * T}`);
    }
    const outputFrom = inp.outputFrom ?? 0;
    if (!Number.isInteger(outputFrom) || outputFrom < 0 || outputFrom >= T) {
      throw new ModelUsageError(`outputFrom must be an integer in [0, ${T - 1}] (T = ${T}), found ${outputFrom}`);
    }
    const { cos, sin } = this.rope.gather(inp.positions);
    const cosT = tf.tensor4d(cos, [B, T, 1, D]);
    const sinT = tf.tensor4d(sin, [B, T, 1, D]);
    let x = this.embed(inp.ids); // [N, E]
    const present: KVCache = { layers: [] };
    const checkpointed = tapeIsOn() ? this.layersToCheckpoint(B, T) : 0;
    if (tapeIsOn()) this.lastCheckpointedLayers = checkpointed;
    const dropout = this.training && [...this.lora.values()].some((a) => a.dropout > 0);
    for (let i = 0; i < this.config.num_hidden_layers; i++) {
      const past = inp.past?.layers[i];
      const seed = dropout && this.dropoutRng ? Math.floor(this.dropoutRng.uniform() * 2 ** 31) : 0;
      const xi = x;
      const from = i === this.config.num_hidden_layers - 1 ? outputFrom : 0;
      const r = i < checkpointed
        ? this.checkpointedLayer(i, xi, B, T, cosT, sinT, inp.bias, past, seed, from)
        : tf.tidy(() => this.layer(i, xi, B, T, cosT, sinT, inp.bias, past, seed, from));
      if (i > 0) xi.dispose(); // a layer's input is kept by the tape when the backward pass needs it
      x = r.x;
      present.layers.push({ k: r.k, v: r.v });
    }
    const finalNorm = this.weight('model.norm.weight');
    const hidden = (this.decodesFused(T, inp.past) ? fusedRmsNorm(x, finalNorm, this.config.rms_norm_eps) : this.rmsNorm(x, finalNorm)) as tf.Tensor2D;
    return { hidden, present };
  }

  /**
   * Whether a call on T positions per row (queries from column `from`) is a decoding step that takes the fused
   * kernels: one position against a cache, no tape, {@link fusedDecode} on, a backend that has them.
   */
  private decodesFused(T: number, past: unknown, from = 0): boolean {
    return T === 1 && past !== undefined && from === 0 && CausalLM.fusedDecode && !tapeIsOn() && fusedDecodeAvailable();
  }

  /** Layers to checkpoint in a differentiable call on [B, T] tokens (see {@link gradientCheckpointing}). */
  private layersToCheckpoint(B: number, T: number): number {
    const L = this.config.num_hidden_layers;
    const g = this.gradientCheckpointing;
    if (typeof g === 'number') {
      if (!Number.isInteger(g) || g < 0) throw new ModelUsageError(`gradientCheckpointing must be true, false, 'auto' or a whole number of layers >= 0, found ${g}`);
      return Math.min(g, L);
    }
    if (g !== 'auto') return g ? L : 0;
    if (tf.getBackend() !== 'wasm') return 0;
    let trainable = 0;
    for (const v of this.trainableParams().values()) trainable += 4 * v.size;
    // Without the in-place product (a head whose rows are not a multiple of 8 floats), the head's backward transposes it,
    // and the other products copy more.
    const headT = transposedWeightBytes(this.lmHeadWeight());
    const transient = headT > 0 ? headT + NO_IN_PLACE_RESERVE_BYTES : 0;
    return layersToCheckpoint(this.config, B, T, activationRoom(tf.memory().numBytes, trainable, transient));
  }

  /**
   * Embedding lookup [B, T] -> [N, E]. Under the gradient tape the table is captured, not saved: tfjs' gather would
   * save the whole table for the backward pass, and on wasm a saved tensor is a copy (545 MB for Qwen's vocabulary),
   * and its gradient would add a transposed copy of the [V, E] gradient. A trainable table's gradient is the
   * segment sum of the rows' gradients by id; a frozen one gets none.
   */
  private embed(ids: tf.Tensor2D): tf.Tensor2D {
    const table = this.weight('model.embed_tokens.weight');
    const flat = tf.reshape(ids, [-1]);
    if (!tapeIsOn()) return tf.gather(table, flat) as tf.Tensor2D;
    const V = table.shape[0];
    const recorder = this.embeddingRows;
    if (table.trainable && recorder && this.embeddingAnchor) {
      // Under variableGrads: the rows' gradient is recorded, the table gets none through the tape.
      const idValues = Int32Array.from(flat.dataSync());
      return tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
        value: tf.gather(table, flat),
        gradFunc: (dy: tf.Tensor) => {
          recorder.push({ ids: idValues, dy: tf.keep(dy.clone()) });
          return [tf.zerosLike(args[0] as tf.Tensor)];
        },
      })) as Parameters<typeof tf.customGrad>[0])(this.embeddingAnchor) as tf.Tensor2D;
    }
    if (table.trainable) {
      const idValues = Int32Array.from(flat.dataSync());
      return tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
        value: tf.gather(args[0] as tf.Tensor, flat),
        gradFunc: (dy: tf.Tensor) => [tf.tidy(() => tf.unsortedSegmentSum(dy, tf.tensor1d(idValues, 'int32'), V))],
      })) as Parameters<typeof tf.customGrad>[0])(table) as tf.Tensor2D;
    }
    // The ids are the only input, and nothing upstream of them trains, so the backward pass never reaches this.
    return tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: tf.gather(table, args[0] as tf.Tensor),
      gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)],
    })) as Parameters<typeof tf.customGrad>[0])(flat) as tf.Tensor2D;
  }

  /** Trainable variables that layer i reads: its base parameters when they train, and its enabled adapters. */
  private layerTrainables(i: number): tf.Variable[] {
    const prefix = `model.layers.${i}.`;
    const out: tf.Variable[] = [];
    for (const [k, v] of this.params) if (k.startsWith(prefix) && v.trainable) out.push(v);
    if (this.adaptersEnabled) {
      for (const [k, a] of this.lora) {
        if (!k.startsWith(prefix)) continue;
        if (a.A.trainable) out.push(a.A);
        if (a.B.trainable) out.push(a.B);
      }
    }
    return out;
  }

  /**
   * Layer i under gradient checkpointing: the forward keeps only its inputs; the backward recomputes the layer
   * under a nested tape and takes the vector-Jacobian product there. The layer's three outputs travel as one
   * flat tensor (a custom gradient has one output) and are split again here.
   */
  private checkpointedLayer(
    i: number,
    x: tf.Tensor2D,
    B: number,
    T: number,
    cos: tf.Tensor,
    sin: tf.Tensor,
    bias: tf.Tensor4D,
    past: { k: tf.Tensor3D; v: tf.Tensor3D } | undefined,
    seed: number,
    from = 0,
  ): { x: tf.Tensor2D; k: tf.Tensor3D; v: tf.Tensor3D } {
    const vars = this.layerTrainables(i);
    const acts: tf.Tensor[] = past ? [x, past.k, past.v] : [x];
    const KV = this.config.num_key_value_heads;
    const D = headDim(this.config);
    const S = (past ? past.k.shape[1] : 0) + T;
    const kShape: [number, number, number] = [B * KV, S, D];
    // Inputs that get gradients: x (and the past keys/values). RoPE tables and the mask bias are saved too: the
    // backward pass runs after the caller's tidy has freed them.
    const run = (a: tf.Tensor[], c: tf.Tensor[]): tf.Tensor =>
      tf.tidy(() => {
        const pastKV = a.length > 1 ? { k: a[1] as tf.Tensor3D, v: a[2] as tf.Tensor3D } : undefined;
        const r = this.layer(i, a[0] as tf.Tensor2D, B, T, c[0], c[1], c[2] as tf.Tensor4D, pastKV, seed, from);
        return tf.concat([tf.reshape(r.x, [-1]), tf.reshape(r.k, [-1]), tf.reshape(r.v, [-1])]);
      });
    const n = acts.length;
    const f = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const save = args[args.length - 1] as tf.GradSaveFunc;
      const inputs = args.slice(0, n) as tf.Tensor[];
      save([...inputs, cos, sin, bias]);
      return {
        value: run(inputs, [cos, sin, bias]),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          // A tape inside a backward pass: tfjs' engine replaces (and finally nulls) the outer pass's tape list,
          // which the outer pass still needs to free its saved tensors, so it is put back afterwards.
          const engine = tf.engine();
          const outer = engine.state.activeTape;
          try {
            const xs = [...saved.slice(0, n), ...vars];
            const { value, grads } = engine.gradients(() => run(saved.slice(0, n), saved.slice(n)), xs, dy, true);
            value.dispose();
            return xs.map((t, j) => grads[j] ?? tf.zerosLike(t));
          } finally {
            engine.state.activeTape = outer;
          }
        },
      };
    }) as Parameters<typeof tf.customGrad>[0]);
    const flat = f(...acts, ...vars);
    const E = x.shape[1];
    const nx = B * (T - from) * E;
    const nk = kShape[0] * kShape[1] * kShape[2];
    const out = {
      x: tf.reshape(tf.slice(flat, [0], [nx]), [B * (T - from), E]) as tf.Tensor2D,
      k: tf.reshape(tf.slice(flat, [nx], [nk]), kShape) as tf.Tensor3D,
      v: tf.reshape(tf.slice(flat, [nx + nk], [nk]), kShape) as tf.Tensor3D,
    };
    flat.dispose();
    return out;
  }

  /** LM head: hidden [M, E] -> logits [M, V] (the caller disposes). Differentiable. Use for few rows only. */
  logits(hidden: tf.Tensor2D): tf.Tensor2D {
    if (tapeIsOn()) return linearProduct(hidden, this.lmHeadWeight());
    return this.fewRows ? this.product(hidden, this.lmHeadWeight()) : forwardXWt(hidden, this.lmHeadWeight());
  }

  /**
   * Log-prob of each row's target token and the entropy of its next-token distribution, [M, 2], with the LM
   * head, log-softmax and entropy computed in chunks of rows (see lm-head.ts): no [M, V] logits are held.
   * Differentiable in `hidden` (and the LM head when it trains). The caller disposes the result.
   */
  tokenStats(hidden: tf.Tensor2D, targets: Int32Array, opts: TokenStatsOptions = {}): tf.Tensor2D {
    return tokenStats(hidden, this.lmHeadWeight(), targets, opts);
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
    this.embeddingAnchor?.dispose();
    this.embeddingAnchor = null;
    this.params.clear();
    this.lora.clear();
    this.disposed = true;
  }

  private checkAlive(): void {
    if (this.disposed) throw new ModelUsageError('this model was disposed');
  }
}

/**
 * The embedding table's gradient: `dense` (the tied head's part, or null) plus every recorded row's gradient at its
 * id. In place into `dense` where it is an owned wasm tensor, else one segment sum added to it (or alone).
 */
function addEmbeddingRows(dense: tf.Tensor | null, shape: [number, number], rows: EmbeddingRows[]): tf.Tensor {
  const [V, E] = shape;
  const target = dense ?? tf.zeros(shape);
  // Whether the target can be written in place does not change from one lookup's rows to the next.
  if (addRowsIntoOwned(target, rows[0].ids, rows[0].dy)) {
    for (const r of rows.slice(1)) addRowsIntoOwned(target, r.ids, r.dy);
    return target;
  }
  const sum = tf.tidy(() => {
    const ids = new Int32Array(rows.reduce((n, r) => n + r.ids.length, 0));
    let at = 0;
    for (const r of rows) {
      ids.set(r.ids, at);
      at += r.ids.length;
    }
    const dy = tf.concat(rows.map((r) => tf.reshape(r.dy, [-1, E])), 0);
    const seg = tf.unsortedSegmentSum(dy, tf.tensor1d(ids, 'int32'), V);
    return tf.add(target, seg);
  });
  target.dispose();
  return sum;
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
