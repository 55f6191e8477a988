/**
 * The LM head fused with the log-softmax, the gathered token log-prob and the entropy, in chunks of rows, with a
 * hand-written gradient that recomputes each chunk's logits in the backward pass. No [rows, vocab] logits
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
import { tf } from '@rfai/core';
import { ModelUsageError } from './errors';
import { forwardXWt, isTrainable, productDyTX, productDyW, tapeIsOn } from './matmul';

/** Default size of one chunk of logits, in elements (16 MB of float32). */
export const DEFAULT_CHUNK_ELEMENTS = 1 << 22;

/** Options of {@link tokenStats}. */
export interface TokenStatsOptions {
  /** Most logits held at once, in elements; rows per chunk = max(1, floor(chunkElements / V)). Default 4 Mi. */
  chunkElements?: number;
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

/** One chunk's logits and statistics (no gradient): logits [m, V], lse [m, 1], probs [m, V], stats [m, 2]. */
function chunkForward(
  h: tf.Tensor2D,
  w: tf.Tensor2D,
  targets: Int32Array,
  start: number,
): { logits: tf.Tensor2D; lse: tf.Tensor2D; probs: tf.Tensor2D; entropy: tf.Tensor2D; stats: tf.Tensor2D } {
  const m = h.shape[0];
  const V = w.shape[0];
  const logits = forwardXWt(h, w); // [m, V]
  const lse = tf.logSumExp(logits, 1, true) as tf.Tensor2D; // [m, 1]
  const probs = tf.exp(tf.sub(logits, lse)) as tf.Tensor2D; // [m, V]
  const picked = tf.reshape(tf.gather(tf.reshape(logits, [-1]), flatIndex(targets, start, m, V)), [m, 1]);
  const logprob = tf.sub(picked, lse);
  const entropy = tf.sub(lse, tf.sum(tf.mul(probs, logits), 1, true)) as tf.Tensor2D; // [m, 1]
  return { logits, lse, probs, entropy, stats: tf.concat([logprob, entropy], 1) as tf.Tensor2D };
}

/** Runs fn over row ranges [start, end) of M rows in chunks of `rows`. */
function forChunks(M: number, rows: number, fn: (start: number, m: number) => void): void {
  for (let s = 0; s < M; s += rows) fn(s, Math.min(rows, M - s));
}

/** The statistics of every row, chunk by chunk, with no gradient: [M, 2]. */
function statsNoGrad(h: tf.Tensor2D, w: tf.Tensor2D, targets: Int32Array, rows: number): tf.Tensor2D {
  const M = h.shape[0];
  const parts: tf.Tensor2D[] = [];
  forChunks(M, rows, (s, m) => {
    parts.push(
      tf.tidy(() => {
        const hc = m === M ? h : (tf.slice(h, [s, 0], [m, -1]) as tf.Tensor2D);
        return chunkForward(hc, w, targets, s).stats;
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
 * dh [M, E] and, when `withW`, dW [V, E]. Pass 1 recomputes each row chunk's lse and entropy ([M, 1] each); pass 2
 * walks the vocabulary in blocks of Vb rows of W (Vb * M <= chunkElements): it recomputes the block's logits for all
 * rows, forms dl = gLp * (onehot(y) - p) - gH * p * (l - lse + H) and adds dl W_block to dh. Each block of W is a
 * contiguous slice used once, so no transposed or packed copy of the whole head is ever made.
 */
function statsBackward(
  h: tf.Tensor2D,
  w: tf.Tensor2D,
  targets: Int32Array,
  rows: number,
  dy: tf.Tensor2D,
  withW: boolean,
  chunkElements: number,
): { dh: tf.Tensor2D; dw: tf.Tensor2D | null } {
  const M = h.shape[0];
  const [V, E] = w.shape;
  // Pass 1: lse and entropy of every row.
  const lseParts: tf.Tensor2D[] = [];
  const entParts: tf.Tensor2D[] = [];
  forChunks(M, rows, (s, m) => {
    const r = tf.tidy(() => {
      const hc = m === M ? h : (tf.slice(h, [s, 0], [m, -1]) as tf.Tensor2D);
      const f = chunkForward(hc, w, targets, s);
      return [f.lse, f.entropy];
    });
    lseParts.push(r[0] as tf.Tensor2D);
    entParts.push(r[1] as tf.Tensor2D);
  });
  const lse = lseParts.length === 1 ? lseParts[0] : (tf.concat(lseParts, 0) as tf.Tensor2D); // [M, 1]
  const ent = entParts.length === 1 ? entParts[0] : (tf.concat(entParts, 0) as tf.Tensor2D); // [M, 1]
  if (lseParts.length > 1) tf.dispose([...lseParts, ...entParts]);
  // Pass 2: vocabulary blocks.
  // Both the block's logits [M, Vb] and the block of the head [Vb, E] stay within chunkElements.
  const Vb = Math.min(V, Math.max(1, Math.floor(chunkElements / Math.max(M, E))));
  const gLp = tf.slice(dy, [0, 0], [M, 1]); // [M, 1]
  const gH = tf.slice(dy, [0, 1], [M, 1]); // [M, 1]
  const hT = tf.transpose(h) as tf.Tensor2D; // [E, M], packed once by XNNPACK for every block
  let dh: tf.Tensor2D = tf.zeros([M, E]);
  const dwParts: tf.Tensor2D[] = [];
  for (let v0 = 0; v0 < V; v0 += Vb) {
    const vb = Math.min(Vb, V - v0);
    const r = tf.tidy(() => {
      const wb = vb === V ? w : (tf.slice(w, [v0, 0], [vb, E]) as tf.Tensor2D); // [vb, E]
      const logits = tf.transpose(tf.matMul(wb, hT)) as tf.Tensor2D; // [M, vb]
      const logp = tf.sub(logits, lse);
      const probs = tf.exp(logp);
      const local = new Int32Array(M);
      for (let i = 0; i < M; i++) local[i] = targets[i] >= v0 && targets[i] < v0 + vb ? targets[i] - v0 : -1;
      // (int32 then cast: tfjs-backend-wasm 4.22 writes integer bits into a float32 oneHot; -1 gives a zero row.)
      const onehot = tf.cast(tf.oneHot(tf.tensor1d(local, 'int32'), vb), 'float32'); // [M, vb]
      const coef = tf.add(gLp, tf.mul(gH, tf.add(logp, ent))); // [M, vb]
      const dl = tf.sub(tf.mul(onehot, gLp), tf.mul(probs, coef)) as tf.Tensor2D; // [M, vb]
      // A slice is transient (XNNPACK's packed copy goes with it); the whole head goes through productDyW.
      const next = tf.add(dh, vb === V ? productDyW(dl, w) : tf.matMul(dl, wb)) as tf.Tensor2D; // + dl W_block, [M, E]
      return withW ? [next, productDyTX(dl, h)] : [next];
    });
    dh.dispose();
    dh = r[0] as tf.Tensor2D;
    if (r[1]) dwParts.push(r[1] as tf.Tensor2D);
  }
  tf.dispose([lse, ent, gLp, gH, hT]);
  let dw: tf.Tensor2D | null = null;
  if (withW) {
    dw = dwParts.length === 1 ? dwParts[0] : (tf.concat(dwParts, 0) as tf.Tensor2D);
    if (dwParts.length > 1) tf.dispose(dwParts);
  }
  return { dh, dw };
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
  const chunk = opts.chunkElements ?? DEFAULT_CHUNK_ELEMENTS;
  const rows = chunkRows(V, chunk);
  if (!tapeIsOn()) return statsNoGrad(hidden, weight as tf.Tensor2D, targets, rows);
  const withW = isTrainable(weight);
  if (withW) {
    return tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [h, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
      // Only h is saved: a saved tensor is a copy on wasm, and the head (a variable) outlives the backward pass.
      save([h]);
      return {
        value: statsNoGrad(h, w, targets, rows),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const g = statsBackward(saved[0] as tf.Tensor2D, weight as tf.Tensor2D, targets, rows, dy as tf.Tensor2D, true, chunk);
          return [g.dh, g.dw!];
        },
      };
    }) as GradFn)(hidden, weight) as tf.Tensor2D;
  }
  return tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [h, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    save([h]);
    return {
      value: statsNoGrad(h, weight as tf.Tensor2D, targets, rows),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
        statsBackward(saved[0] as tf.Tensor2D, weight as tf.Tensor2D, targets, rows, dy as tf.Tensor2D, false, chunk).dh,
      ],
    };
  }) as GradFn)(hidden) as tf.Tensor2D;
}
