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
 * Tokens whose logit is -Infinity are never drawn. Only the candidates that can matter are sorted (those above a
 * weight threshold whose set already holds k tokens and mass >= p), so a 150k vocabulary stays cheap.
 */
export function sampleToken(logits: Float32Array, p: SamplingParams, rng: Rng): number {
  const V = logits.length;
  const t = p.temperature;
  let max = -Infinity;
  for (let i = 0; i < V; i++) if (logits[i] > max) max = logits[i];
  const w = new Float64Array(V);
  let total = 0;
  for (let i = 0; i < V; i++) {
    w[i] = Math.exp((logits[i] - max) / t);
    total += w[i];
  }
  const useK = p.topK > 0 && p.topK < V;
  const useP = p.topP < 1;
  let ids: Int32Array;
  let n: number;
  if (!useK && !useP) {
    let u = rng.uniform() * total;
    let last = 0;
    for (let i = 0; i < V; i++) {
      if (w[i] > 0) last = i;
      u -= w[i];
      if (u < 0 && w[i] > 0) return i;
    }
    return last;
  } else {
    // Candidate set: every token with weight >= thr, lowering thr until the set is a sorted prefix that holds the
    // top-k tokens and the top-p mass; only it is sorted.
    let thr = 1e-2;
    let cand: number[] = [];
    for (;;) {
      cand = [];
      let mass = 0;
      for (let i = 0; i < V; i++) {
        if (w[i] >= thr && w[i] > 0) {
          cand.push(i);
          mass += w[i];
        }
      }
      const enoughK = !useK || cand.length >= p.topK;
      const enoughP = !useP || mass >= p.topP * total * (1 - 1e-12);
      if ((enoughK && enoughP) || thr === 0) break;
      thr = thr < 1e-300 ? 0 : thr * 1e-3;
    }
    cand.sort((a, b) => logits[b] - logits[a] || a - b);
    ids = Int32Array.from(useK ? cand.slice(0, p.topK) : cand);
    n = ids.length;
    if (useP) {
      // Shortest prefix whose renormalised mass (within the top-k set) reaches topP; at least one token.
      let kept = 0;
      for (let j = 0; j < n; j++) kept += w[ids[j]];
      let cum = 0;
      for (let j = 0; j < n; j++) {
        cum += w[ids[j]];
        if (cum >= p.topP * kept) {
          n = j + 1;
          break;
        }
      }
    }
    total = 0;
    for (let j = 0; j < n; j++) total += w[ids[j]];
  }
  let u = rng.uniform() * total;
  for (let j = 0; j < n; j++) {
    u -= w[ids[j]];
    if (u < 0 && w[ids[j]] > 0) return ids[j];
  }
  // Rounding left u >= 0 after the last weight: take the last token with non-zero weight.
  for (let j = n - 1; j >= 0; j--) if (w[ids[j]] > 0) return ids[j];
  return ids[0];
}
