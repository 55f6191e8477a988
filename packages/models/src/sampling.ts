/**
 * Token selection on one row of last-position logits, in plain JS (the arrays are small: one row of V floats).
 * Order as in transformers' generate: temperature, then top-k, then top-p.
 */
import type { Rng } from '@rfai/core';

/** Sampling settings of one generate call. */
export interface SamplingParams {
  /** Divides the logits; > 0. */
  temperature: number;
  /** Keep the k most likely tokens; 0 = off. */
  topK: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p; 1 = off. */
  topP: number;
}

/** log softmax(logits)[id] at temperature 1 with no filtering: the unmodified model's log-prob. */
export function logProbOf(logits: Float32Array, id: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return logits[id] - max - Math.log(sum);
}

/** Index of the largest logit (the first one on ties, as torch.argmax). */
export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}

/**
 * Draws one token id from softmax(logits / temperature) restricted by top-k and top-p, using one rng.uniform().
 * Tokens whose logit is -Infinity are never drawn.
 */
export function sampleToken(logits: Float32Array, p: SamplingParams, rng: Rng): number {
  const V = logits.length;
  const t = p.temperature;
  // Candidate ids sorted by logit, descending, when filtering needs an order.
  let ids: number[] | Int32Array;
  if ((p.topK > 0 && p.topK < V) || p.topP < 1) {
    const order = new Int32Array(V);
    for (let i = 0; i < V; i++) order[i] = i;
    order.sort((a, b) => logits[b] - logits[a] || a - b);
    ids = p.topK > 0 && p.topK < V ? order.subarray(0, p.topK) : order;
  } else {
    ids = Int32Array.from({ length: V }, (_, i) => i);
  }
  let max = -Infinity;
  for (const i of ids) if (logits[i] / t > max) max = logits[i] / t;
  const w = new Float64Array(ids.length);
  let total = 0;
  for (let j = 0; j < ids.length; j++) {
    w[j] = Math.exp(logits[ids[j]] / t - max);
    total += w[j];
  }
  let n = ids.length;
  if (p.topP < 1) {
    // ids are sorted descending: keep the shortest prefix whose mass reaches topP (at least one token).
    let cum = 0;
    for (let j = 0; j < ids.length; j++) {
      cum += w[j] / total;
      if (cum >= p.topP) {
        n = j + 1;
        break;
      }
    }
    total = 0;
    for (let j = 0; j < n; j++) total += w[j];
  }
  let u = rng.uniform() * total;
  for (let j = 0; j < n; j++) {
    u -= w[j];
    if (u < 0 && w[j] > 0) return ids[j];
  }
  // Rounding left u >= 0 after the last weight: take the last token with non-zero weight.
  for (let j = n - 1; j >= 0; j--) if (w[j] > 0) return ids[j];
  return ids[0];
}
