/**
 * Per-token log-probs (and entropies) of given completions after their prompts: the differentiable path for the
 * policy loss and the no-grad path for the reference model / log pi_old.
 *
 * Layout of a packed batch (N rows): prompts left-padded to P, completions right-padded to C, so every row's
 * completion starts at column P and the logits that predict completion token j sit at column P-1+j for all rows.
 * Only those C columns reach the LM head (the output layer dominates the cost).
 */
import { tf } from '@rfai/core';
import { headDim, type ModelConfig } from './config';
import { attentionLayout, isLargeModel, type CausalLM } from './decoder';
import { ModelUsageError } from './errors';

/** Additive attention bias of a masked key (as attentionLayout's). */
const MASKED_BIAS = -1e9;

/** Prompts and completions laid out for {@link tokenLogProbs}. Plain arrays; no tensors to dispose. */
export interface PackedBatch {
  /** Rows N. */
  readonly n: number;
  /** Longest prompt P (prompts are left-padded to it). */
  readonly promptLength: number;
  /** Longest completion C (completions are right-padded to it). */
  readonly completionLength: number;
  /** Fed ids [N, P + C - 1] (the last completion column is never fed: nothing follows it). */
  readonly inputIds: number[][];
  /** 1 on real tokens of inputIds, 0 on padding, [N, P + C - 1]. */
  readonly attentionMask: number[][];
  /** Completion ids [N*C] row-major (pad where a completion is shorter than C). */
  readonly targets: Int32Array;
  /** 1 on real completion tokens, 0 on padding, [N*C]. */
  readonly completionMask: Float32Array;
}

/**
 * Packs prompts and completions (see the module comment for the layout).
 * @throws ModelUsageError when the lists differ in length, a prompt is empty, or every completion is empty
 */
export function packSequences(promptIds: number[][], completionIds: number[][], padId: number): PackedBatch {
  const N = promptIds.length;
  if (N === 0 || completionIds.length !== N) {
    throw new ModelUsageError(
      `packSequences: need as many completions as prompts (>= 1), found ${N} prompts and ${completionIds.length} completions`,
    );
  }
  promptIds.forEach((p, i) => {
    if (p.length === 0) throw new ModelUsageError(`packSequences: prompt ${i} is empty`);
  });
  const P = Math.max(...promptIds.map((p) => p.length));
  const C = Math.max(...completionIds.map((c) => c.length));
  if (C === 0) throw new ModelUsageError('packSequences: every completion is empty; nothing to score');
  const L = P + C - 1;
  const inputIds: number[][] = [];
  const attentionMask: number[][] = [];
  const targets = new Int32Array(N * C).fill(padId);
  const completionMask = new Float32Array(N * C);
  for (let i = 0; i < N; i++) {
    const p = promptIds[i];
    const c = completionIds[i];
    const ids = new Array<number>(L).fill(padId);
    const mask = new Array<number>(L).fill(0);
    for (let j = 0; j < p.length; j++) {
      ids[P - p.length + j] = p[j];
      mask[P - p.length + j] = 1;
    }
    for (let j = 0; j < c.length; j++) {
      if (P + j < L) {
        ids[P + j] = c[j];
        mask[P + j] = 1;
      }
      targets[i * C + j] = c[j];
      completionMask[i * C + j] = 1;
    }
    inputIds.push(ids);
    attentionMask.push(mask);
  }
  return { n: N, promptLength: P, completionLength: C, inputIds, attentionMask, targets, completionMask };
}

/** Options of {@link tokenLogProbs}. */
export interface TokenLogProbsOptions {
  /** Also return the entropy of the model's distribution at every completion position. Default false. */
  entropy?: boolean;
  /**
   * Rows with the same prompt (a GRPO group) run the prompt once: its keys/values are shared by the rows'
   * completions (gradients flow back through the sharing). Same values up to float rounding. Default true.
   */
  sharePrompts?: boolean;
  /** Most logits held at once, in elements (see lm-head.ts). Default 4 Mi (16 MB). */
  chunkElements?: number;
  /**
   * How rows that share a prompt are laid out (with `sharePrompts`). 'packed' (by default where its extra attention
   * is cheap next to the linear layers, see {@link choosePacked}): one pass over one row per group, the prompt followed
   * by every completion of the group, each completion attending to the prompt and to itself (a block mask); every
   * linear layer then runs once over all tokens. 'passes': the prompts first, then the completions attending to their
   * gathered keys/values (two passes, each layer's weights used twice). Same values up to float rounding.
   */
  promptLayout?: 'auto' | 'packed' | 'passes';
  /** Under a gradient tape, keep the LM head's log-softmax for the backward pass up to this many elements (lm-head.ts). */
  saveElements?: number;
}

/** Result of {@link tokenLogProbs}; the caller owns (disposes) every tensor. */
export interface TokenLogProbsResult {
  /** log p(target) at each completion position, [N, C]; 0 where mask is 0. */
  logprobs: tf.Tensor2D;
  /** Entropy (nats) of the next-token distribution, [N, C]; 0 where mask is 0. Only with `entropy: true`. */
  entropy?: tf.Tensor2D;
  /** 1 on real completion tokens, 0 on padding, [N, C]. */
  mask: tf.Tensor2D;
}

/**
 * Differentiable per-token log-probs of the packed completions: call inside tf.variableGrads / tf.grads for the
 * policy loss. Intermediates are freed; the returned tensors belong to the caller.
 */
export function tokenLogProbs(model: CausalLM, packed: PackedBatch, opts: TokenLogProbsOptions = {}): TokenLogProbsResult {
  const { n: N, promptLength: P, completionLength: C } = packed;
  const L = P + C - 1;
  const V = model.config.vocab_size;
  const inRange = (t: number) => Number.isInteger(t) && t >= 0 && t < V;
  packed.targets.forEach((t, i) => {
    if (packed.completionMask[i] && !inRange(t)) {
      throw new ModelUsageError(`tokenLogProbs: completion id ${t} is outside the model's vocabulary [0, ${V})`);
    }
  });
  // Padding slots are masked out; map their ids (the tokenizer's pad may exceed a small V) to 0.
  const flatIds = new Int32Array(N * L);
  packed.inputIds.forEach((row, i) =>
    row.forEach((id, j) => {
      if (packed.attentionMask[i][j] && !inRange(id)) {
        throw new ModelUsageError(`tokenLogProbs: prompt/completion id ${id} is outside the model's vocabulary [0, ${V})`);
      }
      flatIds[i * L + j] = packed.attentionMask[i][j] ? id : 0;
    }),
  );
  const groups = opts.sharePrompts === false ? null : promptGroups(packed);
  return tf.tidy(() => {
    const layout = opts.promptLayout ?? 'auto';
    const h = !groups
      ? fullCompletionHidden(model, packed, flatIds)
      : layout === 'packed' || (layout === 'auto' && choosePacked(packed, groups, model.config))
        ? packedGroupHidden(model, packed, flatIds, groups)
        : groupedCompletionHidden(model, packed, flatIds, groups);
    const targets = new Int32Array(N * C);
    for (let i = 0; i < N * C; i++) targets[i] = packed.completionMask[i] ? packed.targets[i] : 0;
    // The LM head, log-softmax and entropy in chunks of rows: no [N*C, V] logits tensor (see lm-head.ts).
    const stats = model.tokenStats(h, targets, { chunkElements: opts.chunkElements, saveElements: opts.saveElements }); // [N*C, 2]
    const mask = tf.tensor2d(packed.completionMask, [N, C]);
    const logprobs = tf.mul(tf.reshape(tf.slice(stats, [0, 0], [N * C, 1]), [N, C]), mask) as tf.Tensor2D;
    const out: TokenLogProbsResult = { logprobs, mask };
    if (opts.entropy) out.entropy = tf.mul(tf.reshape(tf.slice(stats, [0, 1], [N * C, 1]), [N, C]), mask) as tf.Tensor2D;
    return out as unknown as tf.TensorContainer;
  }) as unknown as TokenLogProbsResult;
}

/** Hidden states at the C columns that predict completion tokens, [N*C, E], from one pass over all N*L tokens. */
function fullCompletionHidden(model: CausalLM, packed: PackedBatch, flatIds: Int32Array): tf.Tensor2D {
  const { n: N, promptLength: P, completionLength: C } = packed;
  const L = P + C - 1;
  const { positions, bias } = attentionLayout(packed.attentionMask, L);
  const ids = tf.tensor2d(flatIds, [N, L], 'int32');
  const biasT = tf.tensor4d(bias, [N, 1, L, L]);
  // Only columns P-1.. predict completion tokens: the last layer runs on those alone.
  return model.hiddenStates({ ids, positions, bias: biasT, outputFrom: P - 1 }).hidden; // [N*C, E]
}

/**
 * Groups rows by key: `source[i]` is the index of row i's distinct key, `first[u]` the first row with key u.
 * Used to run a prompt repeated by several rows (a GRPO group) once.
 */
export function groupByKey(keys: readonly string[]): { source: number[]; first: number[] } {
  const index = new Map<string, number>();
  const first: number[] = [];
  const source = keys.map((key, i) => {
    let u = index.get(key);
    if (u === undefined) {
      u = first.length;
      index.set(key, u);
      first.push(i);
    }
    return u;
  });
  return { source, first };
}

/** The rows' prompt groups (prompt ids and padding), or null when every prompt differs. */
function promptGroups(packed: PackedBatch): { source: number[]; first: number[] } | null {
  const P = packed.promptLength;
  const g = groupByKey(packed.inputIds.map((row, i) => row.slice(0, P).join(',') + '|' + packed.attentionMask[i].slice(0, P).join('')));
  return g.first.length < packed.n ? g : null;
}

/** Members of each group (row indices in order) and each row's slot within its group. */
function groupMembers(g: { source: number[]; first: number[] }): { members: number[][]; slot: number[] } {
  const members: number[][] = g.first.map(() => []);
  const slot = g.source.map((u, i) => {
    members[u].push(i);
    return members[u].length - 1;
  });
  return { members, slot };
}

/** Share of the layers' linear FLOPs that the packed layout's extra attention may cost (see {@link choosePacked}). */
export const PACKED_ATTENTION_SHARE = 0.05;

/**
 * Whether the packed layout pays: it runs the same tokens through the linear layers as the two passes (but uses each
 * weight once, which on wasm saves a transposed copy of every large frozen weight in the backward pass, and half the
 * ops), while its attention scores every pair of a row's U x (P + Gmax (C-1)) positions where the two passes score
 * the prompts' P x P and the completions' (C-1) x (P+C-1). Chosen when those extra scores cost at most
 * {@link PACKED_ATTENTION_SHARE} of the linear layers' FLOPs (about 4 D + 16 operations per score and head, forward,
 * for the products, mask, softmax and their gradients): true for Qwen2.5-0.5B with a few completions per prompt
 * (0.6% at 2 x 32 tokens), false for the tiny preset (hidden 128: its attention is a third of its linear work).
 * Models whose MLP weights are below 1 Mi elements always keep the two passes.
 */
export function choosePacked(packed: PackedBatch, g: { source: number[]; first: number[] }, config: ModelConfig): boolean {
  // Small models: no weight takes the transposed-copy path (matmul.ts, 1 Mi elements), and the attention weighs
  // more than the ops the packed layout saves. They keep the two passes (also: one layout for every batch shape).
  if (!isLargeModel(config)) return false;
  const { n: N, promptLength: P, completionLength: C } = packed;
  const U = g.first.length;
  const Gmax = Math.max(...groupMembers(g).members.map((m) => m.length));
  const Lp = P + Gmax * (C - 1);
  const passes = U * P * P + N * (C - 1) * (P + C - 1);
  const extraScores = U * Lp * Lp - passes;
  const H = config.num_attention_heads;
  const D = headDim(config);
  const E = config.hidden_size;
  const layerParams = E * H * D * 2 + 2 * E * config.num_key_value_heads * D + 3 * E * config.intermediate_size;
  const tokens = U * P + N * (C - 1);
  return extraScores * H * (4 * D + 16) <= PACKED_ATTENTION_SHARE * 2 * tokens * layerParams;
}

/**
 * The same hidden states as {@link fullCompletionHidden}, in one pass over U rows, one per distinct prompt: row u is
 * the prompt [P] (left-padded) followed by the first C-1 tokens of each of its group's completions, slot after slot
 * ([P + Gmax (C-1)], slots of smaller groups padded). A completion token attends to the real prompt tokens and to
 * its own completion's tokens up to itself; a prompt token to the prompt up to itself. Positions continue the
 * prompt in every slot. The prompt's last column predicts each completion's token 0, slot column j its token j+1.
 */
function packedGroupHidden(
  model: CausalLM,
  packed: PackedBatch,
  flatIds: Int32Array,
  g: { source: number[]; first: number[] },
): tf.Tensor2D {
  const { n: N, promptLength: P, completionLength: C } = packed;
  const L = P + C - 1;
  const T = C - 1;
  const U = g.first.length;
  const { members, slot } = groupMembers(g);
  const Gmax = Math.max(...members.map((m) => m.length));
  const Lp = P + Gmax * T;
  const ids = new Int32Array(U * Lp);
  const mask = new Uint8Array(U * Lp);
  // Segment of each column: -1 the prompt, k the k-th completion slot.
  const seg = new Int32Array(Lp).fill(-1);
  for (let t = P; t < Lp; t++) seg[t] = Math.floor((t - P) / T);
  const positions = new Int32Array(U * Lp);
  for (let u = 0; u < U; u++) {
    const i0 = g.first[u];
    const am = packed.attentionMask[i0];
    let cum = 0;
    for (let t = 0; t < P; t++) {
      ids[u * Lp + t] = flatIds[i0 * L + t];
      mask[u * Lp + t] = am[t] ? 1 : 0;
      cum += am[t] ? 1 : 0;
      positions[u * Lp + t] = Math.max(cum - 1, 0);
    }
    for (let k = 0; k < Gmax; k++) {
      const i = members[u][k];
      for (let j = 0; j < T; j++) {
        const col = u * Lp + P + k * T + j;
        positions[col] = cum + j;
        if (i === undefined) continue;
        ids[col] = flatIds[i * L + P + j];
        mask[col] = packed.attentionMask[i][P + j] ? 1 : 0;
      }
    }
  }
  const bias = new Float32Array(U * Lp * Lp).fill(MASKED_BIAS);
  for (let u = 0; u < U; u++) {
    const m = mask.subarray(u * Lp, (u + 1) * Lp);
    for (let t = 0; t < Lp; t++) {
      const row = (u * Lp + t) * Lp;
      // The prompt: up to t for a prompt column, all of it for a completion column.
      const promptEnd = seg[t] < 0 ? t : P - 1;
      for (let s = 0; s <= promptEnd; s++) if (m[s]) bias[row + s] = 0;
      if (seg[t] >= 0) for (let s = P + seg[t] * T; s <= t; s++) if (m[s]) bias[row + s] = 0;
    }
  }
  // The hidden states of columns P-1..Lp-1 of each row (the last layer runs on those alone): Lo per row.
  const Lo = Lp - P + 1;
  const { hidden } = model.hiddenStates({ ids: tf.tensor2d(ids, [U, Lp], 'int32'), positions, bias: tf.tensor4d(bias, [U, 1, Lp, Lp]), outputFrom: P - 1 });
  const idx = new Int32Array(N * C);
  for (let i = 0; i < N; i++) {
    const base = g.source[i] * Lo;
    idx[i * C] = base;
    for (let j = 1; j < C; j++) idx[i * C + j] = base + 1 + slot[i] * T + j - 1;
  }
  return tf.gather(hidden, tf.tensor1d(idx, 'int32')) as tf.Tensor2D;
}

/**
 * The same hidden states as {@link fullCompletionHidden}, running each distinct prompt once: pass 1 feeds the U
 * distinct prompts [U, P] (its last column predicts completion token 0); their keys/values are gathered to the N
 * rows and pass 2 feeds the N completions' first C-1 tokens [N, C-1] attending to them.
 */
function groupedCompletionHidden(
  model: CausalLM,
  packed: PackedBatch,
  flatIds: Int32Array,
  g: { source: number[]; first: number[] },
): tf.Tensor2D {
  const { n: N, promptLength: P, completionLength: C } = packed;
  const L = P + C - 1;
  const U = g.first.length;
  const KV = model.config.num_key_value_heads;
  const promptMask = g.first.map((i) => packed.attentionMask[i].slice(0, P));
  const l1 = attentionLayout(promptMask, P);
  const ids1 = new Int32Array(U * P);
  g.first.forEach((i, u) => ids1.set(flatIds.subarray(i * L, i * L + P), u * P));
  // Only column P-1 of pass 1 reaches the LM head (the last layer runs on it alone; keys/values cover every column).
  const pass1 = model.hiddenStates({ ids: tf.tensor2d(ids1, [U, P], 'int32'), positions: l1.positions, bias: tf.tensor4d(l1.bias, [U, 1, P, P]), outputFrom: P - 1 });
  const E = pass1.hidden.shape[1];
  const rowIdx = tf.tensor1d(g.source, 'int32');
  // Column P-1 of each distinct prompt, copied to its rows: [N, 1, E].
  const lastPrompt = tf.gather(tf.reshape(pass1.hidden, [U, 1, E]), rowIdx);
  if (C === 1) return tf.reshape(lastPrompt, [N, E]) as tf.Tensor2D;
  const headIdx = tf.tensor1d(g.source.flatMap((u) => Array.from({ length: KV }, (_, h) => u * KV + h)), 'int32');
  const past = { layers: pass1.present.layers.map((l) => ({ k: tf.gather(l.k, headIdx) as tf.Tensor3D, v: tf.gather(l.v, headIdx) as tf.Tensor3D })) };
  const T = C - 1;
  const l2 = attentionLayout(packed.attentionMask, T);
  const ids2 = new Int32Array(N * T);
  for (let i = 0; i < N; i++) ids2.set(flatIds.subarray(i * L + P, i * L + L), i * T);
  const pass2 = model.hiddenStates({ ids: tf.tensor2d(ids2, [N, T], 'int32'), positions: l2.positions, bias: tf.tensor4d(l2.bias, [N, 1, T, L]), past });
  const rest = tf.reshape(pass2.hidden, [N, T, E]);
  return tf.reshape(tf.concat([lastPrompt, rest], 1), [N * C, E]) as tf.Tensor2D;
}

/**
 * The same numbers as {@link tokenLogProbs} with no link to any gradient tape (fresh tensors built from the
 * values), for the reference model and for log pi_old. The caller owns the returned tensors.
 */
export function tokenLogProbsNoGrad(
  model: CausalLM,
  packed: PackedBatch,
  opts: TokenLogProbsOptions = {},
): TokenLogProbsResult {
  const r = tokenLogProbs(model, packed, opts);
  const detach = (t: tf.Tensor2D) => {
    const d = tf.tensor2d(t.dataSync() as Float32Array, t.shape);
    t.dispose();
    return d;
  };
  return {
    logprobs: detach(r.logprobs),
    mask: detach(r.mask),
    ...(r.entropy ? { entropy: detach(r.entropy) } : {}),
  };
}

/** Reads a [N, C] tensor into per-row arrays trimmed to each row's real completion length (mask). Does not dispose. */
export function unpackRows(values: tf.Tensor2D, packed: PackedBatch): number[][] {
  const d = values.dataSync();
  const C = packed.completionLength;
  const out: number[][] = [];
  for (let i = 0; i < packed.n; i++) {
    const row: number[] = [];
    for (let j = 0; j < C; j++) if (packed.completionMask[i * C + j]) row.push(d[i * C + j]);
    out.push(row);
  }
  return out;
}
