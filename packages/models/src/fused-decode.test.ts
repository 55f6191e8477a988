import { initBackend, tf } from '@rfai/core';
import { fixtureModel, tinyConfig } from './__fixtures__/models';
import { attentionLayout, CausalLM, disposeCache, type KVCache } from './decoder';
import { fusedDecodeAttention, fusedDecodeAvailable, fusedRmsNorm, fusedRope, fusedSwiglu } from './fused-decode';
import { generate } from './generate';
import { applyLora } from './lora';
import { ByteTokenizer } from './tokenizer';

const BACKENDS = ['cpu', 'wasm'] as const;

afterAll(async () => {
  CausalLM.fusedDecode = true;
  await initBackend({ backend: 'cpu' });
});

/** Seeded values in [-2, 2). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 4 - 2;
  });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe.each(BACKENDS)('fused decode kernels (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, log: () => undefined });
  });

  it('RMSNorm, RoPE and SwiGLU equal the separate operations', () => {
    expect(fusedDecodeAvailable()).toBe(true);
    tf.tidy(() => {
      const x = tf.tensor(values(5 * 3 * 12, 1), [5, 3, 12]);
      const w = tf.tensor(values(12, 2), [12]);
      const ref = tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6))), w);
      expect(maxAbsDiff(fusedRmsNorm(x, w, 1e-6).dataSync(), ref.dataSync())).toBeLessThan(2e-6);

      const q = tf.tensor(values(2 * 3 * 4 * 12, 3), [2, 3, 4, 12]) as tf.Tensor4D;
      const cos = tf.tensor(values(2 * 3 * 12, 4), [2, 3, 1, 12]);
      const sin = tf.tensor(values(2 * 3 * 12, 5), [2, 3, 1, 12]);
      const x1 = tf.slice(q, [0, 0, 0, 0], [-1, -1, -1, 6]);
      const x2 = tf.slice(q, [0, 0, 0, 6], [-1, -1, -1, 6]);
      const rope = tf.add(tf.mul(q, cos), tf.mul(tf.concat([tf.neg(x2), x1], 3), sin));
      expect(maxAbsDiff(fusedRope(q, cos, sin).dataSync(), rope.dataSync())).toBeLessThan(2e-6);

      const gate = tf.tensor(values(6 * 20, 6), [6, 20]) as tf.Tensor2D;
      const up = tf.tensor(values(6 * 20, 7), [6, 20]) as tf.Tensor2D;
      const act = tf.mul(tf.mul(gate, tf.sigmoid(gate)), up);
      expect(maxAbsDiff(fusedSwiglu(gate, up).dataSync(), act.dataSync())).toBeLessThan(2e-6);
    });
  });

  it('decode attention equals scores, bias, softmax and the weighted sum written out, and extends the cache', () => {
    // 3 rows, 4 query heads on 2 KV heads (G = 2), head_dim 12, 6 past positions; row 1 has 2 masked keys.
    const [B, H, KV, D, S] = [3, 4, 2, 12, 7];
    const qv = values(B * H * D, 11);
    const kv = values(B * KV * D, 12);
    const vv = values(B * KV * D, 13);
    const pk = values(B * KV * (S - 1) * D, 14);
    const pv = values(B * KV * (S - 1) * D, 15);
    const bias = new Float32Array(B * S);
    bias[S + 0] = -1e9;
    bias[S + 1] = -1e9;
    const out = tf.tidy(() => {
      const r = fusedDecodeAttention(
        tf.tensor(qv, [B, 1, H, D]) as tf.Tensor4D,
        tf.tensor(kv, [B, 1, KV, D]) as tf.Tensor4D,
        tf.tensor(vv, [B, 1, KV, D]) as tf.Tensor4D,
        { k: tf.tensor(pk, [B * KV, S - 1, D]) as tf.Tensor3D, v: tf.tensor(pv, [B * KV, S - 1, D]) as tf.Tensor3D },
        tf.tensor(bias, [B, 1, 1, S]) as tf.Tensor4D,
      );
      expect(r.k.shape).toEqual([B * KV, S, D]);
      return { ctx: r.ctx.dataSync().slice(), k: r.k.dataSync().slice(), v: r.v.dataSync().slice(), shape: r.ctx.shape };
    });
    expect(out.shape).toEqual([B, H * D]);
    const key = (r: number, s: number, d: number, past: Float32Array, cur: Float32Array) => (s < S - 1 ? past[(r * (S - 1) + s) * D + d] : cur[r * D + d]);
    for (let r = 0; r < B * KV; r++) {
      for (let s = 0; s < S; s++) {
        for (let d = 0; d < D; d++) {
          expect(out.k[(r * S + s) * D + d]).toBe(key(r, s, d, pk, kv));
          expect(out.v[(r * S + s) * D + d]).toBe(key(r, s, d, pv, vv));
        }
      }
    }
    let worst = 0;
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const r = b * KV + Math.floor(h / (H / KV));
        const z = Array.from({ length: S }, (_, s) => {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += qv[(b * H + h) * D + d] * key(r, s, d, pk, kv);
          return dot / Math.sqrt(D) + bias[b * S + s];
        });
        const m = Math.max(...z);
        const e = z.map((x) => Math.exp(x - m));
        const sum = e.reduce((a, x) => a + x, 0);
        for (let d = 0; d < D; d++) {
          let c = 0;
          for (let s = 0; s < S; s++) c += (e[s] / sum) * key(r, s, d, pv, vv);
          worst = Math.max(worst, Math.abs(out.ctx[(b * H + h) * D + d] - c));
        }
        if (b === 1) expect(e[0] / sum).toBe(0); // masked keys get no weight
      }
    }
    expect(worst).toBeLessThan(2e-6);
  });

  it('refuses shapes that do not fit, naming them', () => {
    tf.tidy(() => {
      expect(() => fusedRmsNorm(tf.ones([2, 8]), tf.ones([7]), 1e-6)).toThrow('RfaiRmsNorm: weight [7] does not match x [2,8]');
      const q = tf.ones([1, 1, 4, 8]) as tf.Tensor4D;
      const k = tf.ones([1, 1, 2, 8]) as tf.Tensor4D;
      const past = { k: tf.ones([2, 3, 8]) as tf.Tensor3D, v: tf.ones([2, 3, 8]) as tf.Tensor3D };
      expect(() => fusedDecodeAttention(q, k, k, past, tf.zeros([1, 1, 1, 5]) as tf.Tensor4D)).toThrow(/RfaiDecodeAttention: shapes do not fit: .*bias \[1,1,1,5\]/);
    });
  });
});

describe.each(BACKENDS)('decoding with fused kernels equals the separate operations (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, log: () => undefined });
  });
  afterEach(() => {
    CausalLM.fusedDecode = true;
  });

  const cases = [
    { name: 'qwen3 (q/k norms, head_dim 12, tied)', config: tinyConfig('qwen3') },
    { name: 'qwen2 (q/k/v biases)', config: tinyConfig('qwen2') },
    { name: 'llama with attention bias, G = 4', config: tinyConfig('llama', { attention_bias: true, num_key_value_heads: 1 }) },
  ];

  it.each(cases)('$name: one decoding step, logits and the extended cache', ({ config }) => {
    const { model } = fixtureModel(config, 5);
    try {
      // 3 rows, left padded prompts, a cache of 9 positions, then one step.
      const masks = [[0, 0, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]];
      const ids = [[0, 0, 5, 9, 13, 2, 40, 41, 7, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0, 0, 0, 0, 0, 60, 61, 62, 63, 64]];
      const stepOf = (fused: boolean) => {
        CausalLM.fusedDecode = fused;
        return tf.tidy(() => {
          const first = attentionLayout(masks.map((m) => m.slice(0, 9)), 9);
          const pre = model.hiddenStates({ ids: tf.tensor2d(ids.map((r) => r.slice(0, 9)), [3, 9], 'int32'), positions: first.positions, bias: tf.tensor4d(first.bias, [3, 1, 9, 9]) });
          const step = attentionLayout(masks, 1);
          const { hidden, present } = model.hiddenStates({ ids: tf.tensor2d(ids.map((r) => [r[9]]), [3, 1], 'int32'), positions: step.positions, bias: tf.tensor4d(step.bias, [3, 1, 1, 10]), past: pre.present });
          const logits = model.logits(hidden).dataSync().slice();
          const cache = present.layers.flatMap((l) => [l.k.dataSync().slice(), l.v.dataSync().slice()]);
          return { logits, cache };
        });
      };
      const fused = stepOf(true);
      const plain = stepOf(false);
      expect(maxAbsDiff(fused.logits, plain.logits)).toBeLessThan(1e-5);
      fused.cache.forEach((c, i) => expect(maxAbsDiff(c, plain.cache[i])).toBeLessThan(4e-6));
    } finally {
      model.dispose();
    }
  });

  it('the fused step runs the fused kernels and far fewer kernels; training (the tape) never does', async () => {
    const { model } = fixtureModel(tinyConfig('qwen3'), 6);
    try {
      const cache: KVCache = { layers: [0, 1].map(() => ({ k: tf.ones([2 * 2, 4, 12]) as tf.Tensor3D, v: tf.ones([2 * 2, 4, 12]) as tf.Tensor3D })) };
      const step = attentionLayout([[1, 1, 1, 1, 1], [1, 1, 1, 1, 1]], 1);
      /** The kernels one decoding step runs, by name, with the fused kernels on or off. */
      const kernelsOf = async (fused: boolean) => {
        CausalLM.fusedDecode = fused;
        const p = await tf.profile(() =>
          tf.tidy(() => {
            const { hidden, present } = model.hiddenStates({ ids: tf.tensor2d([[3], [4]], [2, 1], 'int32'), positions: step.positions, bias: tf.tensor4d(step.bias, [2, 1, 1, 5]), past: cache });
            disposeCache(present);
            return model.logits(hidden);
          }),
        );
        tf.dispose(p.result as tf.Tensor);
        return p.kernels.map((k) => k.name);
      };
      const fused = await kernelsOf(true);
      const plain = await kernelsOf(false);
      expect(fused).toEqual(expect.arrayContaining(['RfaiRmsNorm', 'RfaiRope', 'RfaiDecodeAttention', 'RfaiSwiglu']));
      expect(plain.some((n) => n.startsWith('Rfai'))).toBe(false);
      expect(fused.length).toBeLessThan(plain.length / 2);
      // Under a gradient tape the same call keeps the separate (differentiable) operations.
      CausalLM.fusedDecode = true;
      const taped = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(() =>
          tf.tidy(() => {
            const { hidden, present } = model.hiddenStates({ ids: tf.tensor2d([[3], [4]], [2, 1], 'int32'), positions: step.positions, bias: tf.tensor4d(step.bias, [2, 1, 1, 5]), past: cache });
            disposeCache(present);
            return tf.sum(model.logits(hidden)) as tf.Scalar;
          }),
        );
        tf.dispose([value, ...Object.values(grads)]);
        return tf.scalar(0);
      });
      tf.dispose(taped.result as tf.Tensor);
      expect(taped.kernelNames.some((n) => n.startsWith('Rfai'))).toBe(false);
      disposeCache(cache);
    } finally {
      model.dispose();
    }
  });

  it('greedy generation (left padding, rows finishing early, LoRA adapters) gives the same tokens and log-probs', () => {
    const { model } = fixtureModel(tinyConfig('qwen3'), 7);
    applyLora(model, { r: 4, alpha: 8, targetModules: ['q_proj', 'v_proj', 'down_proj'], seed: 3 });
    // Non-zero B so the adapters change the output.
    for (const a of model.lora.values()) tf.tidy(() => a.B.assign(tf.mul(tf.randomNormal(a.B.shape, 0, 1, 'float32', 9), 0.2)));
    try {
      const prompts = [[5, 17, 42, 8, 61, 3, 77], [12, 90], [33, 4, 4, 71, 19]];
      const tokenizer = new ByteTokenizer();
      // The 6th token of row 0 ends a row: row 0 stops there, the others when (if) they reach it.
      CausalLM.fusedDecode = false;
      const eos = generate(model, prompts, { maxNewTokens: 6, greedy: true, tokenizer, eosTokenIds: [] })[0].ids[5];
      const opts = { maxNewTokens: 24, greedy: true, tokenizer, eosTokenIds: [eos] };
      CausalLM.fusedDecode = true;
      const fused = generate(model, prompts, opts);
      CausalLM.fusedDecode = false;
      const plain = generate(model, prompts, opts);
      for (let i = 0; i < prompts.length; i++) {
        expect(fused[i].ids).toEqual(plain[i].ids);
        expect(maxAbsDiff(fused[i].logprobs, plain[i].logprobs)).toBeLessThan(1e-5);
      }
      expect(new Set(fused.map((g) => g.ids.length)).size).toBeGreaterThan(1); // some rows stopped early
    } finally {
      model.dispose();
    }
  });
});
