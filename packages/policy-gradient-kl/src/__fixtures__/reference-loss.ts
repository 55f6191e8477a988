// Independent float64 reference of the clipped policy loss, written with plain loops from the formulas of the
// issue (not from the implementation), for tests.

export interface RefBatch {
  n: number;
  t: number;
  logprobs: number[]; // [N*T]
  old: number[];
  ref?: number[];
  entropy?: number[];
  adv: number[]; // [N]
  mask: number[]; // [N*T] effective mask (0/1), dropped rows already zeroed
}

export interface RefOptions {
  epsLow: number;
  epsHigh: number;
  klCoef: number;
  klEstimator: 'k1' | 'k2' | 'k3';
  entropyCoef: number;
  aggregation: 'token-mean' | 'sequence-mean' | 'constant';
  maxLen?: number;
}

export function refTokenLoss(b: RefBatch, o: RefOptions, i: number, j: number): number {
  const k = i * b.t + j;
  const rho = Math.exp(b.logprobs[k] - b.old[k]);
  const a = b.adv[i];
  const clipped = Math.min(Math.max(rho, 1 - o.epsLow), 1 + o.epsHigh);
  let l = -Math.min(rho * a, clipped * a);
  if (b.ref && o.klCoef > 0) {
    const p = b.logprobs[k];
    const q = b.ref[k];
    const kl = o.klEstimator === 'k1' ? p - q : o.klEstimator === 'k2' ? 0.5 * (p - q) ** 2 : Math.exp(q - p) - (q - p) - 1;
    l += o.klCoef * kl;
  }
  if (b.entropy && o.entropyCoef > 0) l -= o.entropyCoef * b.entropy[k];
  return l;
}

export function refLoss(b: RefBatch, o: RefOptions): number {
  if (o.aggregation === 'sequence-mean') {
    let total = 0;
    let seqs = 0;
    for (let i = 0; i < b.n; i++) {
      let s = 0;
      let c = 0;
      for (let j = 0; j < b.t; j++) {
        if (!b.mask[i * b.t + j]) continue;
        s += refTokenLoss(b, o, i, j);
        c++;
      }
      if (c > 0) {
        total += s / c;
        seqs++;
      }
    }
    return total / Math.max(seqs, 1);
  }
  let s = 0;
  let c = 0;
  for (let i = 0; i < b.n; i++) {
    for (let j = 0; j < b.t; j++) {
      if (!b.mask[i * b.t + j]) continue;
      s += refTokenLoss(b, o, i, j);
      c++;
    }
  }
  if (o.aggregation === 'token-mean') return s / Math.max(c, 1);
  return s / (b.n * (o.maxLen ?? b.t));
}

/** Central finite differences of refLoss w.r.t. logprobs (float64). */
export function refGradient(b: RefBatch, o: RefOptions, h = 1e-6): number[] {
  const g = new Array<number>(b.n * b.t).fill(0);
  for (let k = 0; k < b.n * b.t; k++) {
    if (!b.mask[k]) continue;
    const plus = { ...b, logprobs: b.logprobs.slice() };
    const minus = { ...b, logprobs: b.logprobs.slice() };
    plus.logprobs[k] += h;
    minus.logprobs[k] -= h;
    g[k] = (refLoss(plus, o) - refLoss(minus, o)) / (2 * h);
  }
  return g;
}
