/**
 * The LM head fused with the log-softmax, the gathered token log-prob and the entropy, in chunks of rows, with a
 * hand-written gradient that recomputes each chunk's logits in the backward pass (or, when the log-softmax of
 * every row is small enough, keeps it from the forward: `saveElements`). No [rows, vocab] logits
 * tensor larger than one chunk ever exists (forward or backward): with the 151,936-token Qwen vocabulary and
 * 16 rows x 64 positions the unchunked logits alone would be 622 MB, and tfjs' own gradient keeps several
 * tensors of that size alive.
 *
 * Letters: M rows (positions scored), E hidden size, V vocabulary, m rows of one chunk.
 *
 * For one row with logits l = W h, lse = log sum_j exp(l_j), p = softmax(l), target y:
 *   logprob  = l_y - lse
 *   entropy  = lse - sum_j p_j l_j
 *   d logprob / d l_j = [j = y] - p_j
 *   d entropy / d l_j = -p_j (l_j - lse + entropy)
 * and dh = dl W, dW = dl^T h.
 */
import { RowAssembler, tf } from '@rfai/core';
import { ModelUsageError } from './errors';
import { forwardXWt, isLargeWeight, isTrainable, productDtW, productDyTX, productDyWt, tapeIsOn, transposedWeight } from './matmul';

/** Default size of one chunk of logits, in elements (16 MB of float32). */
export const DEFAULT_CHUNK_ELEMENTS = 1 << 22;

/** Default most log-softmax elements kept from the forward for the backward pass (64 MB of float32). */
export const DEFAULT_SAVE_ELEMENTS = 1 << 24;

/** Options of {@link tokenStats}. */
export interface TokenStatsOptions {
  /** Most logits held at once, in elements; rows per chunk = max(1, floor(chunkElements / V)). Default 4 Mi. */
  chunkElements?: number;
  /**
   * Under a gradient tape, when M x V is at most this many elements the forward's log-softmax [M, V] is kept for
   * the backward pass instead of being recomputed there (one LM-head product fewer). Default 16 Mi (64 MB); 0: always
   * recompute.
   */
  saveElements?: number;
  /**
   * How the gradient is chunked: 'rows' (recomputing or keeping each row chunk's log-softmax), 'vocab' (by chunks of
   * the vocabulary, recomputing: no [V, E] tensor but dW itself) or 'auto' (default): 'vocab' for a trainable head of
   * 1 Mi elements or more, else 'rows'.
   */
  backward?: 'auto' | 'rows' | 'vocab';
}

/** Rows per chunk for a vocabulary of V. */
export function chunkRows(V: number, chunkElements = DEFAULT_CHUNK_ELEMENTS): number {
  if (!Number.isInteger(chunkElements) || chunkElements < 1) {
    throw new ModelUsageError(`tokenStats: chunkElements must be a positive integer, found ${chunkElements}`);
  }
  return Math.max(1, Math.floor(chunkElements / V));
}

/** [m] flat indices r * V + target[r] of a chunk's targets in its flattened [m, V] logits. */
function flatIndex(targets: Int32Array, start: number, m: number, V: number): tf.Tensor1D {
  const idx = new Int32Array(m);
  for (let r = 0; r < m; r++) idx[r] = r * V + targets[start + r];
  return tf.tensor1d(idx, 'int32');
}

/** One chunk's statistics (no gradient): log-softmax logp [m, V], probs [m, V], entropy [m, 1], stats [m, 2]. */
function chunkForward(
  h: tf.Tensor2D,
  w: tf.Tensor2D,
  targets: Int32Array,
  start: number,
): { logp: tf.Tensor2D; probs: tf.Tensor2D; entropy: tf.Tensor2D; lse: tf.Tensor2D; stats: tf.Tensor2D } {
  const m = h.shape[0];
  const V = w.shape[0];
  const logits = forwardXWt(h, w); // [m, V]
  const lse = tf.logSumExp(logits, 1, true) as tf.Tensor2D; // [m, 1]
  const logp = tf.sub(logits, lse) as tf.Tensor2D; // [m, V]
  const probs = tf.exp(logp) as tf.Tensor2D; // [m, V]
  const picked = tf.reshape(tf.gather(tf.reshape(logits, [-1]), flatIndex(targets, start, m, V)), [m, 1]);
  const logprob = tf.sub(picked, lse);
  const entropy = tf.sub(lse, tf.sum(tf.mul(probs, logits), 1, true)) as tf.Tensor2D; // [m, 1]
  return { logp, probs, entropy, lse, stats: tf.concat([logprob, entropy], 1) as tf.Tensor2D };
}

/** What the backward pass of a chunk needs, when the forward keeps it: log-softmax [m, V] and entropy [m, 1]. */
interface SavedChunk {
  logp: tf.Tensor2D;
  entropy: tf.Tensor2D;
}

/** Runs fn over row ranges [start, end) of M rows in chunks of `rows`. */
function forChunks(M: number, rows: number, fn: (start: number, m: number) => void): void {
  for (let s = 0; s < M; s += rows) fn(s, Math.min(rows, M - s));
}

/**
 * The statistics of every row, chunk by chunk, with no gradient: [M, 2]. With `keep`, each chunk's log-softmax and
 * entropy are pushed to it; with `lseOut`, each chunk's log-sum-exp [m, 1] (new tensors, the caller disposes them).
 */
function statsNoGrad(h: tf.Tensor2D, w: tf.Tensor2D, targets: Int32Array, rows: number, keep?: SavedChunk[], lseOut?: tf.Tensor2D[]): tf.Tensor2D {
  const M = h.shape[0];
  const parts: tf.Tensor2D[] = [];
  forChunks(M, rows, (s, m) => {
    parts.push(
      tf.tidy(() => {
        const hc = m === M ? h : (tf.slice(h, [s, 0], [m, -1]) as tf.Tensor2D);
        const f = chunkForward(hc, w, targets, s);
        if (keep) keep.push({ logp: tf.keep(f.logp), entropy: tf.keep(f.entropy) });
        if (lseOut) lseOut.push(tf.keep(f.lse));
        return f.stats;
      }),
    );
  });
  if (parts.length === 1) return parts[0];
  const out = tf.concat(parts, 0) as tf.Tensor2D;
  tf.dispose(parts);
  return out;
}

/**
 * Gradients of the statistics for upstream gradients dy [M, 2] (column 0: log-prob, column 1: entropy):
 * dh [M, E] and, when `withW`, dW [V, E], by chunks of rows (for a small or frozen head; a large trainable one goes
 * by vocabulary: {@link statsBackwardByVocab}). Recomputes each chunk's logits unless the forward kept them. On wasm
 * dh = dl W of a large head reads W in place (@rfai/core's gemmAW: the backend's own product packs its right operand,
 * so W could only be one through a copy); where that kernel does not apply, through a transposed head made once per
 * call and freed at the end.
 */
function statsBackward(
  h: tf.Tensor2D,
  w: tf.Tensor2D,
  targets: Int32Array,
  rows: number,
  dy: tf.Tensor2D,
  withW: boolean,
  saved: SavedChunk[] | null = null,
): { dh: tf.Tensor2D; dw: tf.Tensor2D | null } {
  const M = h.shape[0];
  const V = w.shape[0];
  const dhParts: tf.Tensor2D[] = [];
  let dw: tf.Tensor2D | null = null;
  const wt = transposedWeight(w); // [E, V] or null
  try {
    let c = 0;
    forChunks(M, rows, (s, m) => {
      const kept = saved ? saved[c++] : null;
      const r = tf.tidy(() => {
        const hc = m === M ? h : (tf.slice(h, [s, 0], [m, -1]) as tf.Tensor2D);
        const dyc = m === M ? dy : (tf.slice(dy, [s, 0], [m, -1]) as tf.Tensor2D);
        const gLp = tf.slice(dyc, [0, 0], [m, 1]); // [m, 1]
        const gH = tf.slice(dyc, [0, 1], [m, 1]); // [m, 1]
        const f = kept ? { logp: kept.logp, probs: tf.exp(kept.logp) as tf.Tensor2D, entropy: kept.entropy } : chunkForward(hc, w, targets, s);
        // dl = gLp * (onehot(y) - p) - gH * p * (l - lse + H)
        const coef = tf.add(gLp, tf.mul(gH, tf.add(f.logp, f.entropy))); // [m, V]
        // (int32 then cast: tfjs-backend-wasm 4.22 writes integer bits into a float32 oneHot.)
        const onehot = tf.cast(tf.oneHot(tf.tensor1d(targets.subarray(s, s + m), 'int32'), V), 'float32'); // [m, V]
        const dl = tf.sub(tf.mul(onehot, gLp), tf.mul(f.probs, coef)) as tf.Tensor2D; // [m, V]
        const dhc = productDyWt(dl, w, wt); // [m, E]
        const dwc = withW ? productDyTX(dl, hc) : null; // [V, E]
        return dwc ? [dhc, dwc] : [dhc];
      });
      dhParts.push(r[0] as tf.Tensor2D);
      if (r[1]) {
        if (dw === null) dw = r[1] as tf.Tensor2D;
        else {
          const next = tf.add(dw, r[1]) as tf.Tensor2D;
          tf.dispose([dw, r[1]]);
          dw = next;
        }
      }
    });
  } finally {
    wt?.dispose();
  }
  const dh = dhParts.length === 1 ? dhParts[0] : (tf.concat(dhParts, 0) as tf.Tensor2D);
  if (dhParts.length > 1) tf.dispose(dhParts);
  return { dh, dw };
}

/**
 * The gradients of {@link statsBackward} for a large LM head, in chunks of the vocabulary rather than of rows, from
 * the forward's log-sum-exp [M, 1] and entropy [M, 1]. Each chunk of `cols` vocabulary entries recomputes its logits
 * transposed, L^T = W_c h^T [cols, M] (W_c a row slice of W: read in place, no transposed copy of the head), and
 * writes its own rows of dW = dl^T h once: no [V, E] tensor is accumulated chunk by chunk, and no transposed head
 * [E, V] is made. Peak: one chunk's temporaries, dW's pieces and dW itself.
 */
function statsBackwardByVocab(
  h: tf.Tensor2D,
  w: tf.Tensor2D,
  targets: Int32Array,
  lse: tf.Tensor2D,
  entropy: tf.Tensor2D,
  dy: tf.Tensor2D,
  withW: boolean,
  chunkElements: number,
): { dh: tf.Tensor2D; dw: tf.Tensor2D | null } {
  const M = h.shape[0];
  const [V, E] = w.shape;
  // Entries per chunk: its [cols, M] temporaries and its slice of W [cols, E] hold at most chunkElements each.
  const cols = Math.max(1, Math.min(Math.floor(chunkElements / M), Math.floor(chunkElements / E)));
  // Row vectors [1, M] broadcast over a chunk's vocabulary entries.
  const row = (t: tf.Tensor, col: number | null) => tf.reshape(col === null ? t : tf.slice(t, [0, col], [M, 1]), [1, M]);
  const [hT, lseT, entT, gLpT, gHT, gLp] = tf.tidy(() => [
    tf.transpose(h),
    row(lse, null),
    row(entropy, null),
    row(dy, 0),
    row(dy, 1),
    tf.reshape(tf.slice(dy, [0, 0], [M, 1]), [M]),
  ]);
  let dh: tf.Tensor2D | null = null;
  // dW's rows, chunk by chunk, into one tensor allocated up front (each chunk freed once copied): a concat of the
  // chunks would hold them all and the result at once, two [V, E] tensors.
  const dwRows = withW ? new RowAssembler(V, E) : null;
  try {
    for (let v0 = 0; v0 < V; v0 += cols) {
      const vc = Math.min(cols, V - v0);
      // Rows whose target falls in this chunk: dl gets + dLogprob there (the one-hot term).
      const hits: number[] = [];
      for (let r = 0; r < M; r++) if (targets[r] >= v0 && targets[r] < v0 + vc) hits.push(r);
      const [dhc, dwc] = tf.tidy((): tf.Tensor2D[] => {
        const wc = vc === V ? w : (tf.slice(w, [v0, 0], [vc, E]) as tf.Tensor2D);
        const logpT = tf.sub(tf.matMul(wc, hT), lseT); // [vc, M]
        const coefT = tf.add(gLpT, tf.mul(gHT, tf.add(logpT, entT)));
        // dl^T = onehot^T * dLogprob - p^T * coef^T
        let dlT = tf.neg(tf.mul(tf.exp(logpT), coefT)) as tf.Tensor2D;
        if (hits.length > 0) {
          const at = tf.tensor2d(hits.flatMap((r) => [targets[r] - v0, r]), [hits.length, 2], 'int32');
          const onehot = tf.scatterND(at, tf.gather(gLp, tf.tensor1d(hits, 'int32')), [vc, M]);
          dlT = tf.add(dlT, onehot) as tf.Tensor2D;
        }
        const dhPart = productDtW(dlT, wc);
        return withW ? [dhPart, tf.matMul(dlT, h) as tf.Tensor2D] : [dhPart];
      });
      if (dh === null) dh = dhc;
      else {
        const next = tf.add(dh, dhc) as tf.Tensor2D;
        tf.dispose([dh, dhc]);
        dh = next;
      }
      if (dwc) {
        try {
          dwRows!.write(v0, dwc);
        } finally {
          dwc.dispose();
        }
      }
    }
  } catch (e) {
    if (dh) dh.dispose();
    dwRows?.dispose();
    throw e;
  } finally {
    tf.dispose([hT, lseT, entT, gLpT, gHT, gLp]);
  }
  return { dh: dh!, dw: dwRows ? dwRows.finish() : null };
}

type GradFn = Parameters<typeof tf.customGrad>[0];

/**
 * Per-row log p(target) and entropy (nats) of the next-token distribution softmax(h W^T), computed in chunks of
 * rows so that at most one chunk of logits exists at a time, forward and backward.
 *
 * @param hidden hidden states [M, E] (after the final norm)
 * @param weight the LM head [V, E] (the embedding when tied); it must stay alive until the backward pass is done
 *   (it is captured, not copied onto the tape). Gets a gradient only when it is a trainable variable.
 * @param targets [M] token ids in [0, V); rows that are masked downstream may hold any valid id (e.g. 0)
 * @returns [M, 2]: column 0 the log-prob of the target, column 1 the entropy. New tensor, the caller disposes.
 *   Differentiable in `hidden` (and `weight`); the gradient recomputes each chunk's logits.
 * @throws ModelUsageError when shapes disagree or a target is outside [0, V)
 */
export function tokenStats(hidden: tf.Tensor2D, weight: tf.Tensor, targets: Int32Array, opts: TokenStatsOptions = {}): tf.Tensor2D {
  const [M, E] = hidden.shape;
  const [V, E2] = weight.shape as [number, number];
  if (E !== E2) throw new ModelUsageError(`tokenStats: hidden has width ${E} but the LM head weight is [${V}, ${E2}]`);
  if (targets.length !== M) throw new ModelUsageError(`tokenStats: ${targets.length} targets for ${M} rows`);
  for (const t of targets) {
    if (!(t >= 0 && t < V)) throw new ModelUsageError(`tokenStats: target ${t} is outside the vocabulary [0, ${V})`);
  }
  const mode = opts.backward ?? 'auto';
  if (mode !== 'auto' && mode !== 'rows' && mode !== 'vocab') {
    throw new ModelUsageError(`tokenStats: backward must be 'auto', 'rows' or 'vocab', found ${String(mode)}`);
  }
  const rows = chunkRows(V, opts.chunkElements);
  if (!tapeIsOn()) return statsNoGrad(hidden, weight as tf.Tensor2D, targets, rows);
  const saveElements = opts.saveElements ?? DEFAULT_SAVE_ELEMENTS;
  if (!Number.isInteger(saveElements) || saveElements < 0) {
    throw new ModelUsageError(`tokenStats: saveElements must be an integer >= 0, found ${saveElements}`);
  }
  // A large trainable head is differentiated by vocabulary chunks from the forward's log-sum-exp, recomputing the
  // logits: by rows, every chunk would add a [V, E] gradient to the running one (3 x 297 MB at once for 151,936 x
  // 512). A frozen or small head goes by rows, keeping the forward's log-softmax when it is small enough (for the
  // 0.5 B model's frozen head this is faster: measured 13.5 against 16-18 s per forward + backward).
  const withW = isTrainable(weight);
  const byVocab = mode === 'vocab' || (mode === 'auto' && withW && isLargeWeight(weight));
  const keepLogp = !byVocab && M * V <= saveElements;
  const chunkElements = opts.chunkElements ?? DEFAULT_CHUNK_ELEMENTS;
  // Saved: h (a saved tensor is a copy on wasm, so the head, a variable that outlives the backward pass, is captured
  // instead) and either every chunk's log-softmax and entropy (when kept) or, by vocabulary, the log-sum-exp and
  // entropy of every row. The tape frees what it saved.
  const forward = (h: tf.Tensor2D, w: tf.Tensor2D, save: tf.GradSaveFunc): tf.Tensor2D => {
    const keep: SavedChunk[] | undefined = keepLogp ? [] : undefined;
    const lseParts: tf.Tensor2D[] | undefined = byVocab ? [] : undefined;
    const value = statsNoGrad(h, w, targets, rows, keep, lseParts);
    if (lseParts) {
      const extra = tf.tidy(() => [lseParts.length === 1 ? lseParts[0] : tf.concat(lseParts, 0), tf.slice(value, [0, 1], [M, 1])]);
      save([h, ...extra]);
      tf.dispose([...lseParts, ...extra]);
    } else {
      save([h, ...(keep ?? []).flatMap((k) => [k.logp, k.entropy])]);
      if (keep) tf.dispose(keep.flatMap((k) => [k.logp, k.entropy]));
    }
    return value;
  };
  const savedChunks = (saved: tf.Tensor[]): SavedChunk[] | null => {
    if (!keepLogp) return null;
    const out: SavedChunk[] = [];
    for (let i = 1; i < saved.length; i += 2) out.push({ logp: saved[i] as tf.Tensor2D, entropy: saved[i + 1] as tf.Tensor2D });
    return out;
  };
  const backward = (saved: tf.Tensor[], dy: tf.Tensor2D, withGradW: boolean) =>
    byVocab
      ? statsBackwardByVocab(saved[0] as tf.Tensor2D, weight as tf.Tensor2D, targets, saved[1] as tf.Tensor2D, saved[2] as tf.Tensor2D, dy, withGradW, chunkElements)
      : statsBackward(saved[0] as tf.Tensor2D, weight as tf.Tensor2D, targets, rows, dy, withGradW, savedChunks(saved));
  if (withW) {
    return tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [h, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
      return {
        value: forward(h, w, save),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const g = backward(saved, dy as tf.Tensor2D, true);
          return [g.dh, g.dw!];
        },
      };
    }) as GradFn)(hidden, weight) as tf.Tensor2D;
  }
  return tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [h, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    return {
      value: forward(h, weight as tf.Tensor2D, save),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [backward(saved, dy as tf.Tensor2D, false).dh],
    };
  }) as GradFn)(hidden) as tf.Tensor2D;
}
