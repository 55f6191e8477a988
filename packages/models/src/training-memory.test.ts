/**
 * What keeps a training step's memory bounded: gradient checkpointing (same gradients, on or off), frozen base
 * weights under LoRA (no gradient, no optimizer state), and the reference model being the base with its adapters
 * switched off (no second copy of the weights).
 */
import { AdamW, initBackend, Rng, tf } from '@rfai/core';
import { tinyConfig } from './__fixtures__/models';
import { createModel } from './create';
import { CausalLM } from './decoder';
import { applyLora, withAdaptersDisabled } from './lora';
import { packSequences, tokenLogProbs, tokenLogProbsNoGrad, unpackRows } from './scoring';

// Two rows share a prompt (a GRPO group: the shared-prefix path with past keys/values), one does not.
const prompts = [
  [5, 17, 42, 8],
  [5, 17, 42, 8],
  [12, 90, 1, 2, 3, 4, 5],
];
const completions = [
  [7, 7, 30, 2, 61],
  [44, 9],
  [3, 3, 3],
];
const advantages = [0.7, -1.2, 0.4];

/** A policy-gradient-like loss with an entropy bonus, and its gradients w.r.t. the trainable parameters. */
function grads(model: CausalLM, dropoutSeed: number): Map<string, Float32Array> {
  const packed = packSequences(prompts, completions, 0);
  const vars = model.trainableParams();
  model.training = true;
  model.dropoutRng = new Rng(dropoutSeed);
  const { value, grads: g } = tf.variableGrads(
    () =>
      tf.tidy(() => {
        const r = tokenLogProbs(model, packed, { entropy: true });
        const adv = tf.tensor2d(advantages, [3, 1]);
        return tf.sum(tf.add(tf.mul(r.logprobs, adv), tf.mul(r.entropy!, 0.01))) as tf.Scalar;
      }),
    [...vars.values()],
  );
  model.training = false;
  const out = new Map<string, Float32Array>();
  for (const [k, v] of vars) out.set(k, g[v.name].dataSync() as Float32Array);
  tf.dispose([value, ...Object.values(g)]);
  return out;
}

/** The same loss, through CausalLM.variableGrads (a large table's gradient assembled from its rows). */
function modelGrads(model: CausalLM): Map<string, Float32Array> {
  const packed = packSequences(prompts, completions, 0);
  const vars = model.trainableParams();
  const { value, grads: g } = model.variableGrads(() =>
    tf.tidy(() => {
      const r = tokenLogProbs(model, packed, { entropy: true });
      const adv = tf.tensor2d(advantages, [3, 1]);
      return tf.sum(tf.add(tf.mul(r.logprobs, adv), tf.mul(r.entropy!, 0.01))) as tf.Scalar;
    }),
  );
  expect(Object.keys(g).sort()).toEqual([...vars.values()].map((v) => v.name).sort());
  const out = new Map<string, Float32Array>();
  for (const [k, v] of vars) out.set(k, g[v.name].dataSync() as Float32Array);
  tf.dispose([value, ...Object.values(g)]);
  return out;
}

function expectSameGrads(a: Map<string, Float32Array>, b: Map<string, Float32Array>) {
  expect([...b.keys()]).toEqual([...a.keys()]);
  for (const [k, x] of a) {
    const y = b.get(k)!;
    const scale = x.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-6);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
    expect({ k, rel: worst / scale < 1e-5 }).toEqual({ k, rel: true });
  }
}

/** Random non-zero lora_B so the adapters change the output. */
function randomizeB(model: CausalLM, seed: number) {
  const rng = new Rng(seed);
  for (const a of model.lora.values()) {
    const t = tf.tensor(Float32Array.from({ length: a.B.size }, () => rng.normal() * 0.1), a.B.shape);
    a.B.assign(t);
    t.dispose();
  }
}

describe.each(['cpu', 'wasm'] as const)('training memory on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it.each(['qwen2', 'qwen3'] as const)('gradient checkpointing gives the same gradients (%s, full fine-tuning)', (type) => {
    const model = createModel(tinyConfig(type), 3);
    const off = grads(model, 1);
    model.gradientCheckpointing = true;
    const before = tf.memory().numTensors;
    const on = grads(model, 1);
    expect(tf.memory().numTensors).toBe(before);
    expectSameGrads(off, on);
    expect(off.size).toBe(model.params.size);
    model.dispose();
  });

  // On wasm a table of 2^20 elements (8,192 x 128; its LM head, as large, takes the by-vocabulary backward), the
  // rows added in place; on cpu (the rows path lowered to every table: tfjs' cpu segment sum over a large table
  // takes minutes) the fallback, one segment sum added to the head's gradient.
  it.each([
    ['qwen3', 'tied'],
    ['qwen2', 'untied'],
  ] as const)('an embedding table gets the same gradient from its rows as through the tape (%s, %s)', (type, tie) => {
    const large = backend === 'wasm';
    const model = createModel(tinyConfig(type, large ? { vocab_size: 8192, hidden_size: 128, eos_token_id: 8191 } : {}), 7);
    expect(model.config.tie_word_embeddings).toBe(tie === 'tied');
    const minElements = CausalLM.embeddingRowsMinElements;
    if (!large) CausalLM.embeddingRowsMinElements = 0;
    const tape = grads(model, 1);
    const before = tf.memory().numTensors;
    const rows = modelGrads(model);
    // Nothing left behind but the model's anchor variable (one [1] tensor, freed with the model).
    expect(tf.memory().numTensors).toBe(before + 1);
    const again = tf.memory().numTensors;
    modelGrads(model);
    expect(tf.memory().numTensors).toBe(again);
    expectSameGrads(tape, rows);
    // The table's rows that no lookup read: the tied head's gradient alone, or exactly zero.
    const g = rows.get('model.embed_tokens.weight')!;
    const E = model.config.hidden_size;
    const read = new Set([...prompts.flat(), ...completions.flat()]);
    const unread = [0, 60, model.config.vocab_size - 2].filter((id) => !read.has(id));
    for (const id of unread) {
      const row = Array.from(g.subarray(id * E, (id + 1) * E));
      if (type === 'qwen2') expect(row).toEqual(new Array(E).fill(0));
      else expect(row).toEqual(Array.from(tape.get('model.embed_tokens.weight')!.subarray(id * E, (id + 1) * E)));
    }
    // Gradient checkpointing on top: the same again.
    model.gradientCheckpointing = true;
    expectSameGrads(tape, modelGrads(model));
    CausalLM.embeddingRowsMinElements = minElements;
    model.dispose();
  });

  it('a small embedding table keeps the tape path: bit-identical gradients', () => {
    const model = createModel(tinyConfig('qwen3'), 8);
    const tape = grads(model, 1);
    const rows = modelGrads(model);
    for (const [k, x] of tape) expect({ k, same: Array.from(rows.get(k)!).every((y, i) => Object.is(y, x[i])) }).toEqual({ k, same: true });
    model.dispose();
  });

  it('gradient checkpointing gives the same gradients with LoRA and adapter dropout', () => {
    const model = createModel(tinyConfig('qwen3'), 4);
    applyLora(model, { r: 4, alpha: 8, dropout: 0.2, targetModules: 'all-linear', seed: 2 });
    randomizeB(model, 9);
    const off = grads(model, 5);
    model.gradientCheckpointing = true;
    const on = grads(model, 5);
    expectSameGrads(off, on);
    // Another dropout seed changes the gradients, so the masks were really applied (and replayed).
    const other = grads(model, 6);
    const k = 'model.layers.0.self_attn.q_proj.lora_A.weight';
    expect(Array.from(other.get(k)!)).not.toEqual(Array.from(on.get(k)!));
    model.dispose();
  });

  it('under LoRA the frozen base has no gradient and no optimizer state', () => {
    const model = createModel(tinyConfig('qwen2'), 5);
    applyLora(model, { r: 2, alpha: 4, seed: 1 });
    randomizeB(model, 3);
    // With no variable list tfjs differentiates w.r.t. every trainable variable alive: only the adapters.
    const packed = packSequences(prompts, completions, 0);
    const { value, grads: g } = tf.variableGrads(() => tf.tidy(() => tf.sum(tokenLogProbs(model, packed).logprobs) as tf.Scalar));
    const names = new Set(Object.keys(g));
    for (const v of model.params.values()) expect(names.has(v.name)).toBe(false);
    for (const a of model.lora.values()) {
      expect(names.has(a.A.name)).toBe(true);
      expect(names.has(a.B.name)).toBe(true);
    }
    tf.dispose([value, ...Object.values(g)]);
    // The optimizer is built on trainableParams(): state for the adapters only.
    const trainable = model.trainableParams();
    expect(trainable.size).toBe(2 * 4 * model.config.num_hidden_layers);
    const opt = new AdamW(trainable, { weightDecay: 0 });
    const gradMap = new Map([...trainable].map(([k, v]) => [k, tf.onesLike(v)]));
    opt.step(gradMap, 1e-3);
    tf.dispose([...gradMap.values()]);
    const state = Object.keys(opt.stateDict()).filter((k) => k !== 'adamw.step');
    expect(state.length).toBe(trainable.size * 3);
    for (const key of state) expect(key).toMatch(/lora_[AB]\.weight\.(step|exp_avg|exp_avg_sq)$/);
    opt.dispose();
    model.dispose();
  });

  it('the LoRA reference (adapters off) equals a fresh base model and differs from the adapted model', () => {
    const base = createModel(tinyConfig('qwen3'), 6);
    const model = createModel(tinyConfig('qwen3'), 6);
    applyLora(model, { r: 4, alpha: 8, targetModules: 'all-linear', seed: 2 });
    const packed = packSequences(prompts, completions, 0);
    const lp = (m: CausalLM) => {
      const r = tokenLogProbsNoGrad(m, packed);
      const rows = unpackRows(r.logprobs, packed);
      tf.dispose([r.logprobs, r.mask]);
      return rows.flat();
    };
    const fresh = lp(base);
    // B = 0: the adapter is a no-op, the reference and the policy agree.
    expect(withAdaptersDisabled(model, () => lp(model))).toEqual(fresh);
    randomizeB(model, 11);
    const ref = withAdaptersDisabled(model, () => lp(model));
    const policy = lp(model);
    expect(ref).toEqual(fresh);
    const maxDiff = Math.max(...policy.map((v, i) => Math.abs(v - ref[i])));
    expect(maxDiff).toBeGreaterThan(1e-3);
    // No second copy of the weights: the reference reads the same variables.
    expect(model.params.size).toBe(base.params.size);
    base.dispose();
    model.dispose();
  });
});
