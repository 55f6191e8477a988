import { initBackend, tf } from '@rfai/core';
import { fixtureModel, tinyConfig } from './__fixtures__/models';
import { presetConfig, referenceConfig } from './config';
import { choosePacked, packSequences, tokenLogProbs, tokenLogProbsNoGrad, unpackRows } from './scoring';

const prompts = [
  [5, 17, 42, 8],
  [12, 90, 1, 2, 3, 4, 5],
];
const completions = [
  [7, 7, 30, 2, 61],
  [44, 9],
];

/** log-softmax of every position of one unpadded sequence, float64, from the model's full logits. */
function fullLogSoftmax(logits: Float32Array, T: number, V: number): number[][] {
  const out: number[][] = [];
  for (let t = 0; t < T; t++) {
    const row = Array.from(logits.subarray(t * V, (t + 1) * V));
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
    out.push(row.map((v) => v - lse));
  }
  return out;
}

describe('packSequences', () => {
  it('left-pads prompts, right-pads completions, aligns completions at column P', () => {
    const p = packSequences(prompts, completions, 0);
    expect(p.promptLength).toBe(7);
    expect(p.completionLength).toBe(5);
    expect(p.inputIds[0]).toEqual([0, 0, 0, 5, 17, 42, 8, 7, 7, 30, 2]);
    expect(p.attentionMask[0]).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(p.inputIds[1]).toEqual([12, 90, 1, 2, 3, 4, 5, 44, 9, 0, 0]);
    expect(p.attentionMask[1]).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    expect(Array.from(p.targets)).toEqual([7, 7, 30, 2, 61, 44, 9, 0, 0, 0]);
    expect(Array.from(p.completionMask)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
  });

  it('rejects mismatched or empty input', () => {
    expect(() => packSequences(prompts, [completions[0]], 0)).toThrow(/need as many completions as prompts \(>= 1\), found 2 prompts and 1 completions/);
    expect(() => packSequences([[1], []], [[1], [2]], 0)).toThrow(/prompt 1 is empty/);
    expect(() => packSequences([[1]], [[]], 0)).toThrow(/every completion is empty/);
  });
});

describe('tokenLogProbs', () => {
  const cfg = tinyConfig('qwen2');
  const { model } = fixtureModel(cfg, 21);
  afterAll(() => model.dispose());

  it('sum of per-token log-probs equals the log-likelihood of one full forward pass; entropies match', () => {
    const packed = packSequences(prompts, completions, 0);
    const r = tokenLogProbs(model, packed, { entropy: true });
    expect(r.logprobs.shape).toEqual([2, 5]);
    const rows = unpackRows(r.logprobs, packed);
    const ents = unpackRows(r.entropy!, packed);
    expect(Array.from(r.mask.dataSync())).toEqual(Array.from(packed.completionMask));
    // Masked positions are exactly 0.
    expect(Math.abs(r.logprobs.dataSync()[7])).toBe(0);
    for (let i = 0; i < 2; i++) {
      const seq = [...prompts[i], ...completions[i]];
      const logits = model.forward([seq]);
      const ls = fullLogSoftmax(logits.dataSync() as Float32Array, seq.length, 99);
      logits.dispose();
      let ll = 0;
      for (let j = 0; j < completions[i].length; j++) {
        const lp = ls[prompts[i].length - 1 + j];
        ll += lp[completions[i][j]];
        const h = -lp.reduce((a, v) => a + Math.exp(v) * v, 0);
        expect(ents[i][j]).toBeCloseTo(h, 4);
      }
      const sum = rows[i].reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - ll)).toBeLessThan(1e-4);
    }
    tf.dispose([r.logprobs, r.mask, r.entropy!]);
  });

  it('is differentiable: gradients reach every parameter and match a central difference', () => {
    const packed = packSequences(prompts, completions, 0);
    const vars = [...model.params.values()];
    const loss = () =>
      tf.tidy(() => {
        const r = tokenLogProbs(model, packed);
        return tf.neg(tf.sum(r.logprobs)) as tf.Scalar;
      });
    const { value, grads } = tf.variableGrads(loss, vars);
    for (const [key, v] of model.params) {
      const g = grads[v.name];
      expect(g).toBeDefined();
      expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
      if (!key) throw new Error('unreachable');
    }
    // Central difference on one weight element of layer 0's q_proj.
    const w = model.weight('model.layers.0.self_attn.q_proj.weight');
    const idx = 37;
    const analytic = grads[w.name].dataSync()[idx];
    const orig = w.dataSync().slice();
    const at = (delta: number) => {
      const d = orig.slice();
      d[idx] += delta;
      w.assign(tf.tensor(d, w.shape));
      const l = loss();
      const out = l.dataSync()[0];
      l.dispose();
      return out;
    };
    const eps = 1e-2;
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    w.assign(tf.tensor(orig, w.shape));
    expect(Math.abs(numeric - analytic)).toBeLessThan(2e-2 * Math.max(1, Math.abs(analytic)));
    // The (untied) embedding's gradient, a segment sum by token id: the row of a prompt token (42) matches a central
    // difference, the row of a token no input holds (50) is exactly zero.
    const emb = model.weight('model.embed_tokens.weight');
    const E = cfg.hidden_size;
    const embGrad = grads[emb.name].dataSync();
    const embOrig = emb.dataSync().slice();
    const embAt = (i: number, delta: number) => {
      const d = embOrig.slice();
      d[i] += delta;
      emb.assign(tf.tensor(d, emb.shape));
      const l = loss();
      const out = l.dataSync()[0];
      l.dispose();
      return out;
    };
    for (const i of [42 * E + 3, 42 * E + 17]) {
      const fd = (embAt(i, eps) - embAt(i, -eps)) / (2 * eps);
      expect(Math.abs(fd - embGrad[i])).toBeLessThan(2e-2 * Math.max(1, Math.abs(embGrad[i])));
      expect(Math.abs(embGrad[i])).toBeGreaterThan(1e-4);
    }
    emb.assign(tf.tensor(embOrig, emb.shape));
    expect(Array.from(embGrad.subarray(50 * E, 51 * E))).toEqual(new Array(E).fill(0));
    value.dispose();
    tf.dispose(Object.values(grads));
  });

  it('rows sharing a prompt (a GRPO group) run it once: same log-probs, entropies and gradients as the full pass', () => {
    // Two groups of repeated prompts, shuffled, with completions of different lengths (one of a single token).
    const gp = [prompts[0], prompts[1], [...prompts[0]], [...prompts[1]], [...prompts[0]]];
    const gc = [[7, 7, 30, 2, 61], [44, 9], [3], [44, 10, 11, 12, 13, 14], [8, 8]];
    const packed = packSequences(gp, gc, 0);
    const vars = [...model.params.values()];
    const run = (sharePrompts: boolean, promptLayout: 'packed' | 'passes' = 'packed') => {
      let lp: number[] = [];
      let ent: number[] = [];
      const { value, grads } = tf.variableGrads(() => {
        const r = tokenLogProbs(model, packed, { entropy: true, sharePrompts, promptLayout });
        lp = Array.from(r.logprobs.dataSync());
        ent = Array.from(r.entropy!.dataSync());
        // A loss that weighs every position differently, so a misplaced row or column would show in the gradients.
        const w = tf.range(1, r.logprobs.size + 1).reshape(r.logprobs.shape);
        return tf.add(tf.neg(tf.sum(tf.mul(r.logprobs, w))), tf.sum(r.entropy!)) as tf.Scalar;
      }, vars);
      const g = vars.map((v) => Array.from(grads[v.name].dataSync()));
      value.dispose();
      tf.dispose(Object.values(grads));
      return { lp, ent, g };
    };
    const before = tf.memory().numTensors;
    const full = run(false);
    // Both layouts: one pass over the prompt and its group's completions (block mask), and two passes.
    for (const layout of ['packed', 'passes'] as const) {
      const shared = run(true, layout);
      expect(tf.memory().numTensors).toBe(before);
      expect(shared.lp).toHaveLength(5 * 6);
      shared.lp.forEach((v, i) => expect(Math.abs(v - full.lp[i])).toBeLessThan(1e-5));
      shared.ent.forEach((v, i) => expect(Math.abs(v - full.ent[i])).toBeLessThan(1e-5));
      let maxDiff = 0;
      let maxAbs = 0;
      shared.g.forEach((g, k) =>
        g.forEach((v, i) => {
          maxDiff = Math.max(maxDiff, Math.abs(v - full.g[k][i]));
          maxAbs = Math.max(maxAbs, Math.abs(full.g[k][i]));
        }),
      );
      expect(maxAbs).toBeGreaterThan(0.1);
      expect(maxDiff).toBeLessThan(1e-4 * maxAbs);
    }
  });

  it('the packed layout is chosen where its extra attention is cheap next to the linear layers', () => {
    const group = (n: number) => ({ source: new Array<number>(n).fill(0), first: [0] });
    const groups = (u: number, g: number) => ({ source: Array.from({ length: u * g }, (_, i) => Math.floor(i / g)), first: Array.from({ length: u }, (_, i) => i * g) });
    const sh = (P: number, C: number, n: number) =>
      packSequences(Array.from({ length: n }, () => new Array<number>(P).fill(1)), Array.from({ length: n }, () => new Array<number>(C).fill(2)), 0);
    const qwen = referenceConfig('qwen2.5-0.5b');
    const tiny = presetConfig('tiny', 'byte');
    expect(choosePacked(sh(60, 32, 2), group(2), qwen)).toBe(true); // the 0.5B bench shape
    expect(choosePacked(sh(60, 64, 16), groups(4, 4), qwen)).toBe(true);
    expect(choosePacked(sh(60, 256, 8), group(8), qwen)).toBe(false); // 8 long completions: 2,100^2 scores a row
    expect(choosePacked(sh(130, 64, 16), groups(4, 4), tiny)).toBe(false); // hidden 128: attention dominates
    expect(choosePacked(sh(4, 2, 2), group(2), tiny)).toBe(false); // small models: always the two passes
  });

  it('no-grad variant returns equal values and leaks nothing', () => {
    const packed = packSequences(prompts, completions, 0);
    const a = tokenLogProbs(model, packed);
    const before = tf.memory().numTensors;
    const b = tokenLogProbsNoGrad(model, packed);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(Array.from(b.logprobs.dataSync())).toEqual(Array.from(a.logprobs.dataSync()));
    tf.dispose([a.logprobs, a.mask, b.logprobs, b.mask]);
  });

  it('rejects completion ids outside the vocabulary', () => {
    const packed = packSequences([[1, 2]], [[3, 150]], 0);
    expect(() => tokenLogProbs(model, packed)).toThrow(/completion id 150 is outside the model's vocabulary \[0, 99\)/);
  });

  it('gradients on wasm (explicit-transpose matmuls) equal those on cpu', async () => {
    const packed = packSequences(prompts, completions, 0);
    const vars = [...model.params.values()];
    const run = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.tidy(() => tf.neg(tf.sum(tokenLogProbs(model, packed, { entropy: true }).entropy!)) as tf.Scalar),
        vars,
      );
      const out = new Map(vars.map((v) => [v.name, Array.from(grads[v.name].dataSync())]));
      tf.dispose([value, ...Object.values(grads)]);
      return out;
    };
    const onCpu = run();
    await initBackend({ backend: 'wasm' });
    try {
      expect(tf.getBackend()).toBe('wasm');
      const onWasm = run();
      for (const v of vars) {
        const a = onCpu.get(v.name)!;
        const b = onWasm.get(v.name)!;
        const scale = Math.max(1e-3, ...a.map(Math.abs));
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-3 * scale);
      }
    } finally {
      await initBackend({ backend: 'cpu' });
    }
  });
});
