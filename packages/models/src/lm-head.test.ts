import { initBackend, Rng, tf } from '@rfai/core';
import { chunkRows, tokenStats } from './lm-head';
import { linearProduct } from './matmul';

const M = 7;
const E = 6;
const V = 37;

function randn(n: number, rng: Rng, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * scale;
  return out;
}

const rng = new Rng(5);
const hData = randn(M * E, rng);
const wData = randn(V * E, rng, 0.7);
const targets = Int32Array.from([3, 36, 0, 17, 17, 5, 0]);
/** Rows 2 and 6 are padding: masked downstream, their target is the placeholder 0. */
const mask = Float32Array.from([1, 1, 0, 1, 1, 1, 0]);
/** Upstream weights of the two statistics (a loss = sum a*logprob + b*entropy over unmasked rows). */
const a = randn(M, rng);
const b = randn(M, rng);

/** The loss on the unchunked computation: full logits, tfjs' own logSoftmax and autodiff. */
function referenceLoss(h: tf.Tensor2D, w: tf.Tensor2D): tf.Scalar {
  const logits = tf.matMul(h, w, false, true); // [M, V]
  const logp = tf.logSoftmax(logits);
  const picked = tf.sum(tf.mul(logp, tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), V), 'float32')), 1);
  const ent = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1));
  const m = tf.tensor1d(mask);
  return tf.sum(tf.mul(m, tf.add(tf.mul(picked, tf.tensor1d(a)), tf.mul(ent, tf.tensor1d(b))))) as tf.Scalar;
}

function chunkedLoss(h: tf.Tensor2D, w: tf.Tensor, chunkElements: number, saveElements?: number, backward?: 'rows' | 'vocab'): tf.Scalar {
  const s = tokenStats(h, w, targets, { chunkElements, saveElements, backward }); // [M, 2]
  const m = tf.tensor1d(mask);
  const lp = tf.reshape(tf.slice(s, [0, 0], [M, 1]), [M]);
  const ent = tf.reshape(tf.slice(s, [0, 1], [M, 1]), [M]);
  return tf.sum(tf.mul(m, tf.add(tf.mul(lp, tf.tensor1d(a)), tf.mul(ent, tf.tensor1d(b))))) as tf.Scalar;
}

/** Loss and gradients w.r.t. h and W (a trainable variable) of a loss function. */
function lossAndGrads(fn: (h: tf.Tensor2D, w: tf.Tensor2D) => tf.Scalar) {
  const h = tf.tidy(() => tf.variable(tf.tensor2d(hData, [M, E]), true, `h${Math.random()}`));
  const w = tf.tidy(() => tf.variable(tf.tensor2d(wData, [V, E]), true, `w${Math.random()}`));
  const { value, grads } = tf.variableGrads(() => tf.tidy(() => fn(h, w)), [h, w]);
  const out = { loss: value.dataSync()[0], dh: Array.from(grads[h.name].dataSync()), dw: Array.from(grads[w.name].dataSync()) };
  tf.dispose([value, grads[h.name], grads[w.name], h, w]);
  return out;
}

function expectClose(got: number[], want: number[], rel: number) {
  const scale = want.reduce((a, v) => Math.max(a, Math.abs(v)), 1e-6);
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst).toBeLessThanOrEqual(rel * scale);
}

/** float64 JS forward of the same loss, for finite differences. */
function loss64(h: Float64Array, w: Float64Array): number {
  let total = 0;
  for (let r = 0; r < M; r++) {
    if (!mask[r]) continue;
    const l = new Float64Array(V);
    for (let v = 0; v < V; v++) {
      let s = 0;
      for (let e = 0; e < E; e++) s += h[r * E + e] * w[v * E + e];
      l[v] = s;
    }
    const mx = Math.max(...l);
    let z = 0;
    for (const x of l) z += Math.exp(x - mx);
    const lse = mx + Math.log(z);
    let ent = 0;
    for (const x of l) ent -= Math.exp(x - lse) * (x - lse);
    total += a[r] * (l[targets[r]] - lse) + b[r] * ent;
  }
  return total;
}

describe.each(['cpu', 'wasm'] as const)('tokenStats (chunked LM head) on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('values and gradients (hidden and LM head) equal the unchunked computation, masked rows included', () => {
    const ref = lossAndGrads(referenceLoss);
    // By rows: 2 rows per chunk (4 chunks, the last one short), one row per chunk, and everything in one chunk,
    // each with the forward's log-softmax kept for the backward (the default at this size) and recomputed (0).
    // By vocabulary: 10 entries per chunk (4 chunks, the last one short, targets in the first and the last), 5, 1
    // and the whole vocabulary in one chunk.
    const cases: Array<[number, number | undefined, 'rows' | 'vocab']> = [];
    for (const chunkElements of [2 * V, V, 1 << 22]) for (const save of [undefined, 0]) cases.push([chunkElements, save, 'rows']);
    for (const chunkElements of [2 * V, V, M, 1 << 22]) cases.push([chunkElements, undefined, 'vocab']);
    for (const [chunkElements, saveElements, backward] of cases) {
      const got = lossAndGrads((h, w) => chunkedLoss(h, w, chunkElements, saveElements, backward));
      expect(Math.abs(got.loss - ref.loss)).toBeLessThanOrEqual(1e-5 * Math.abs(ref.loss));
      expectClose(got.dh, ref.dh, 1e-5);
      expectClose(got.dw, ref.dw, 1e-5);
    }
  });

  it('keeping the log-softmax for the backward gives the gradients of recomputing it, and frees it', () => {
    for (const chunkElements of [2 * V, 1 << 22]) {
      const recomputed = lossAndGrads((h, w) => chunkedLoss(h, w, chunkElements, 0));
      const before = tf.memory().numTensors;
      const kept = lossAndGrads((h, w) => chunkedLoss(h, w, chunkElements, M * V));
      expect(tf.memory().numTensors).toBe(before);
      expect(kept.loss).toBe(recomputed.loss);
      expectClose(kept.dh, recomputed.dh, 1e-6);
      expectClose(kept.dw, recomputed.dw, 1e-6);
    }
  });

  it('the statistics themselves equal log-softmax at the target and the entropy', () => {
    const h = tf.tensor2d(hData, [M, E]);
    const w = tf.tensor2d(wData, [V, E]);
    const s = tokenStats(h, w, targets, { chunkElements: 3 * V });
    const logp = tf.logSoftmax(tf.matMul(h, w, false, true));
    const lp = logp.arraySync() as number[][];
    const got = s.arraySync() as number[][];
    for (let r = 0; r < M; r++) {
      expect(Math.abs(got[r][0] - lp[r][targets[r]])).toBeLessThan(1e-5 * Math.abs(lp[r][targets[r]]) + 1e-6);
      const ent = -lp[r].reduce((acc, x) => acc + Math.exp(x) * x, 0);
      expect(Math.abs(got[r][1] - ent)).toBeLessThan(1e-5 * ent);
    }
    tf.dispose([h, w, s, logp]);
  });

  it.each(['rows', 'vocab'] as const)('gradients by %s match float64 central finite differences', (backward) => {
    const got = lossAndGrads((h, w) => chunkedLoss(h, w, 2 * V, undefined, backward));
    const h = Float64Array.from(hData);
    const w = Float64Array.from(wData);
    const eps = 1e-4;
    const fd = (arr: Float64Array, i: number) => {
      const keep = arr[i];
      arr[i] = keep + eps;
      const up = loss64(h, w);
      arr[i] = keep - eps;
      const down = loss64(h, w);
      arr[i] = keep;
      return (up - down) / (2 * eps);
    };
    for (const i of [0, 5, 13, 20, 41]) expect(Math.abs(got.dh[i] - fd(h, i))).toBeLessThan(1e-3 * (Math.abs(fd(h, i)) + 1e-2));
    // Masked rows (2, 6) get exactly no gradient.
    for (const r of [2, 6]) for (let e = 0; e < E; e++) expect(got.dh[r * E + e]).toBe(0);
    for (const i of [0, 3 * E + 1, 17 * E + 4, 36 * E + 5, 20 * E]) {
      expect(Math.abs(got.dw[i] - fd(w, i))).toBeLessThan(1e-3 * (Math.abs(fd(w, i)) + 1e-2));
    }
  });

  it.each(['rows', 'vocab'] as const)('a frozen LM head gets no gradient and the hidden-state gradient by %s is unchanged', (backward) => {
    const ref = lossAndGrads(referenceLoss);
    const h = tf.variable(tf.tensor2d(hData, [M, E]), true, `hf${backend}${backward}`);
    const w = tf.variable(tf.tensor2d(wData, [V, E]), false, `wf${backend}${backward}`);
    // With no varList tfjs differentiates w.r.t. every trainable variable: the frozen head is not among them.
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => chunkedLoss(h, w, 2 * V, undefined, backward)));
    expect(Object.keys(grads)).toEqual([h.name]);
    expectClose(Array.from(grads[h.name].dataSync()), ref.dh, 1e-5);
    tf.dispose([value, grads[h.name], h, w]);
  });

  it.each(['rows', 'vocab'] as const)('leaves no tensors behind, forward or backward by %s', (backward) => {
    const h = tf.variable(tf.tensor2d(hData, [M, E]), true, `hl${backend}${backward}`);
    const w = tf.variable(tf.tensor2d(wData, [V, E]), true, `wl${backend}${backward}`);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => chunkedLoss(h, w, 2 * V, undefined, backward), [h, w]);
    tf.dispose([value, grads[h.name], grads[w.name]]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([h, w]);
  });
});

describe('tokenStats errors', () => {
  it('names the bad argument', () => {
    const h = tf.zeros([2, 3]) as tf.Tensor2D;
    const w = tf.zeros([5, 3]);
    expect(() => tokenStats(h, tf.zeros([5, 4]), Int32Array.from([0, 1]))).toThrow('tokenStats: hidden has width 3 but the LM head weight is [5, 4]');
    expect(() => tokenStats(h, w, Int32Array.from([0]))).toThrow('tokenStats: 1 targets for 2 rows');
    expect(() => tokenStats(h, w, Int32Array.from([0, 5]))).toThrow('tokenStats: target 5 is outside the vocabulary [0, 5)');
    expect(() => chunkRows(5, 0)).toThrow('tokenStats: chunkElements must be a positive integer, found 0');
    expect(() => tokenStats(h, w, Int32Array.from([0, 1]), { backward: 'columns' as 'rows' })).toThrow("tokenStats: backward must be 'auto', 'rows' or 'vocab', found columns");
    expect(chunkRows(151936)).toBe(27);
    expect(chunkRows(259)).toBe(16194);
    tf.dispose([h, w]);
  });
});

describe('large weights on wasm (read in place by gemmAW; a transient W^T where it does not apply)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  // E = 256: dh = dl W reads W in place; E = 260 (not a multiple of 8): through a transposed copy.
  it.each([256, 260])('LM head and linear gradients equal tfjs autodiff of the plain products for a 4096 x %i weight', (e) => {
    const r = new Rng(8);
    const [m, v] = [5, 4096];
    const h = tf.variable(tf.tensor2d(randn(m * e, r), [m, e]), true, 'big-h');
    const w = tf.variable(tf.tensor2d(randn(v * e, r, 0.05), [v, e]), true, 'big-w');
    const tg = Int32Array.from([1, 4095, 17, 2048, 0]);
    const coef = tf.tensor2d(randn(m * 2, r), [m, 2]);
    const grads = (f: () => tf.Scalar) => {
      const g = tf.variableGrads(f, [h, w]);
      const out = [Array.from(g.grads[h.name].dataSync()), Array.from(g.grads[w.name].dataSync())];
      tf.dispose([g.value, ...Object.values(g.grads)]);
      return out;
    };
    const want = grads(() =>
      tf.tidy(() => {
        const logp = tf.logSoftmax(tf.matMul(h, tf.transpose(w)));
        const lp = tf.sum(tf.mul(logp, tf.cast(tf.oneHot(tf.tensor1d(tg, 'int32'), v), 'float32')), 1, true);
        const ent = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1, true));
        return tf.sum(tf.mul(tf.concat([lp, ent], 1), coef)) as tf.Scalar;
      }),
    );
    const got = grads(() => tf.tidy(() => tf.sum(tf.mul(tokenStats(h, w, tg, { chunkElements: 2 * v }), coef)) as tf.Scalar));
    expectClose(got[0], want[0], 1e-5);
    expectClose(got[1], want[1], 1e-5);
    // A frozen large weight: the x-gradient of the LM head statistics (no dW) and of linearProduct.
    w.trainable = false;
    const gotFrozen = tf.grads((x: tf.Tensor) => tf.sum(tf.mul(tokenStats(x as tf.Tensor2D, w, tg, { chunkElements: 2 * v }), coef)))([h])[0];
    expectClose(Array.from(gotFrozen.dataSync()), want[0], 1e-5);
    gotFrozen.dispose();
    const wantDx = tf.grads((x: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, tf.transpose(w)), 0.5)))([h])[0];
    const gotDx = tf.grads((x: tf.Tensor) => tf.sum(tf.mul(linearProduct(x as tf.Tensor2D, w), 0.5)))([h])[0];
    expectClose(Array.from(gotDx.dataSync()), Array.from(wantDx.dataSync()), 1e-5);
    tf.dispose([h, w, coef, wantDx, gotDx]);
  });
});
