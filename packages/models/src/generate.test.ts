import { initBackend, Rng, tf } from '@rfai/core';
import { fixtureModel, tinyConfig } from './__fixtures__/models';
import { presetConfig } from './config';
import { createModel } from './create';
import { CausalLM, isLargeModel } from './decoder';
import { generate, generateAsync, type GenerateOptions, type GenerationResult } from './generate';
import { logProbOf } from './sampling';
import { packSequences, tokenLogProbs, unpackRows } from './scoring';
import { ByteTokenizer } from './tokenizer';

const tokenizer = new ByteTokenizer();
const prompts = [
  [5, 17, 42, 8, 61, 3, 77],
  [12, 90],
  [33, 4, 4, 71, 19],
];

// The training backend: wasm (also exercises the explicit-transpose matmul path used there).
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('generate (wasm)', () => {
  let model: ReturnType<typeof fixtureModel>['model'];
  beforeAll(() => {
    model = fixtureModel(tinyConfig('qwen3'), 11).model;
  });
  afterAll(() => model.dispose());
  const base: GenerateOptions = { maxNewTokens: 64, greedy: true, tokenizer, eosTokenIds: [] };

  it('KV-cache greedy equals no-cache greedy token for token over 64 tokens (batched, left padded)', () => {
    const cached = generate(model, prompts, base);
    const uncached = generate(model, prompts, { ...base, useCache: false });
    for (let i = 0; i < prompts.length; i++) {
      expect(cached[i].ids).toHaveLength(64);
      expect(cached[i].ids).toEqual(uncached[i].ids);
      expect(cached[i].finishReason).toBe('length');
      for (let j = 0; j < 64; j++) expect(cached[i].logprobs[j]).toBeCloseTo(uncached[i].logprobs[j], 4);
    }
    // Greedy output is not trivially constant.
    expect(new Set(cached[0].ids).size).toBeGreaterThan(3);
  });

  it('decode attention by broadcast multiply-sum equals the batched-product path', () => {
    const a = generate(model, prompts, { ...base, maxNewTokens: 16 });
    CausalLM.decodeAttention = 'matmul';
    try {
      const b = generate(model, prompts, { ...base, maxNewTokens: 16 });
      for (let i = 0; i < prompts.length; i++) {
        expect(b[i].ids).toEqual(a[i].ids);
        for (let j = 0; j < 16; j++) expect(b[i].logprobs[j]).toBeCloseTo(a[i].logprobs[j], 5);
      }
    } finally {
      CausalLM.decodeAttention = 'broadcast';
    }
  });

  it('a batched row equals the same prompt generated alone', () => {
    const batched = generate(model, prompts, { ...base, maxNewTokens: 20 });
    for (let i = 0; i < prompts.length; i++) {
      const alone = generate(model, [prompts[i]], { ...base, maxNewTokens: 20 });
      expect(batched[i].ids).toEqual(alone[0].ids);
      expect(batched[i].promptIds).toEqual(prompts[i]);
    }
  });

  it('repeated prompts (a GRPO group) share one prefill and give what each prompt gives alone', () => {
    const group = [prompts[0], prompts[1], [...prompts[0]], prompts[2], [...prompts[1]], [...prompts[0]]];
    const shared = generate(model, group, { ...base, maxNewTokens: 20 });
    const alone = prompts.map((p) => generate(model, [p], { ...base, maxNewTokens: 20 })[0]);
    const of = [0, 1, 0, 2, 1, 0];
    shared.forEach((r, i) => {
      expect(r.ids).toEqual(alone[of[i]].ids);
      for (let j = 0; j < 20; j++) expect(r.logprobs[j]).toBeCloseTo(alone[of[i]].logprobs[j], 5);
    });
    // Sampled rows of one prompt diverge, and their log-probs are still the model's (checked by a full forward pass).
    const opts: GenerateOptions = { maxNewTokens: 16, temperature: 1, tokenizer, eosTokenIds: [], rng: new Rng(9) };
    const sampled = generate(model, group, opts);
    expect(sampled[0].ids).not.toEqual(sampled[2].ids);
    const packed = packSequences(group, sampled.map((r) => r.ids), 0);
    const scored = tokenLogProbs(model, packed);
    const rows = unpackRows(scored.logprobs, packed);
    sampled.forEach((r, i) => r.ids.forEach((_, j) => expect(r.logprobs[j]).toBeCloseTo(rows[i][j], 4)));
    tf.dispose([scored.logprobs, scored.mask]);
  });

  it('per-row generators (rowRngs): a row samples the same tokens whatever else shares its batch', () => {
    const opts: GenerateOptions = { maxNewTokens: 20, temperature: 1, tokenizer, eosTokenIds: [] };
    const states = [new Rng(21), new Rng(22), new Rng(23)].map((r) => r.getState());
    const rowRngs = () => states.map((st) => Rng.fromState(st));
    const all = generate(model, prompts, { ...opts, rowRngs: rowRngs() });
    // Each row alone, and the last two rows together, with their own generators.
    prompts.forEach((p, i) => expect(generate(model, [p], { ...opts, rowRngs: [rowRngs()[i]] })[0].ids).toEqual(all[i].ids));
    const tail = generate(model, prompts.slice(1), { ...opts, rowRngs: rowRngs().slice(1) });
    expect(tail.map((r) => r.ids)).toEqual(all.slice(1).map((r) => r.ids));
    // Different generators give different samples; one shared rng is not what the rows drew.
    const shared = generate(model, prompts, { ...opts, rng: new Rng(21) });
    expect(shared[1].ids).not.toEqual(all[1].ids);
    expect(all[0].ids).not.toEqual(all[2].ids);
    expect(() => generate(model, prompts, { ...opts, rowRngs: rowRngs().slice(1) })).toThrow(/rowRngs must hold one generator per prompt \(3\), found 2/);
  });

  it('sampling is seeded and its log-probs are those of the unmodified model (equal to tokenLogProbs)', () => {
    const opts: GenerateOptions = { maxNewTokens: 24, temperature: 0.7, topK: 20, topP: 0.9, tokenizer, eosTokenIds: [] };
    const a = generate(model, prompts, { ...opts, rng: new Rng(3) });
    const b = generate(model, prompts, { ...opts, rng: new Rng(3) });
    const c = generate(model, prompts, { ...opts, rng: new Rng(4) });
    expect(a.map((r) => r.ids)).toEqual(b.map((r) => r.ids));
    expect(a.map((r) => r.ids)).not.toEqual(c.map((r) => r.ids));
    const packed = packSequences(prompts, a.map((r) => r.ids), 0);
    const scored = tokenLogProbs(model, packed);
    const rows = unpackRows(scored.logprobs, packed);
    for (let i = 0; i < prompts.length; i++) {
      for (let j = 0; j < a[i].ids.length; j++) expect(a[i].logprobs[j]).toBeCloseTo(rows[i][j], 4);
    }
    tf.dispose([scored.logprobs, scored.mask]);
  });

  it('greedy log-probs equal log softmax of a full forward pass', () => {
    const [r] = generate(model, [prompts[1]], { ...base, maxNewTokens: 5 });
    const seq = [...prompts[1], ...r.ids];
    const logits = model.forward([seq]);
    const d = logits.dataSync() as Float32Array;
    for (let j = 0; j < 5; j++) {
      const pos = prompts[1].length - 1 + j;
      const row = d.subarray(pos * 99, (pos + 1) * 99);
      expect(r.logprobs[j]).toBeCloseTo(logProbOf(row, r.ids[j]), 4);
    }
    logits.dispose();
  });

  it('stops at eos (included in ids, not in text) and at stop strings (text cut before them)', () => {
    const free = generate(model, [prompts[0]], { ...base, maxNewTokens: 30 })[0];
    const eosId = free.ids[6];
    const first = free.ids.indexOf(eosId);
    const e = generate(model, [prompts[0]], { ...base, maxNewTokens: 30, eosTokenIds: [eosId] })[0];
    expect(e.finishReason).toBe('eos');
    expect(e.ids).toEqual(free.ids.slice(0, first + 1));

    const text = tokenizer.decode(free.ids, { skipSpecialTokens: true });
    const stop = text.slice(10, 12);
    const cut = text.indexOf(stop);
    const s = generate(model, [prompts[0]], { ...base, maxNewTokens: 30, stopStrings: [stop] })[0];
    expect(s.finishReason).toBe('stop');
    expect(s.text).toBe(text.slice(0, cut));
    expect(s.ids.length).toBeLessThan(30);
    expect(tokenizer.decode(s.ids)).toContain(stop);
  });

  it('generateAsync gives what generate gives, reports each row once as it finishes, and lets the event loop run', async () => {
    const opts: GenerateOptions = { maxNewTokens: 24, temperature: 0.9, tokenizer, eosTokenIds: [] };
    const free = generate(model, prompts, { ...opts, rng: new Rng(5) });
    // An eos id that ends the rows at different steps, so rows finish one by one.
    const eosId = free[1].ids[3];
    const sync = generate(model, prompts, { ...opts, rng: new Rng(5), eosTokenIds: [eosId] });
    expect(new Set(sync.map((r) => r.ids.length)).size).toBeGreaterThan(1);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const reported: Array<[number, GenerationResult, number]> = [];
    const before = tf.memory().numTensors;
    const out = await generateAsync(model, prompts, {
      ...opts,
      rng: new Rng(5),
      eosTokenIds: [eosId],
      onFinished: (row, result) => reported.push([row, result, ticks]),
    });
    clearInterval(timer);
    expect(tf.memory().numTensors).toBe(before);
    expect(out).toEqual(sync);
    // every row once, with its final result, in the order the rows finished
    expect(reported.map(([row]) => row).sort()).toEqual([0, 1, 2]);
    for (const [row, result] of reported) expect(result).toEqual(sync[row]);
    const order = [...reported].map(([row]) => sync[row].ids.length);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // timers fired while decoding: the event loop had a turn between token steps
    expect(ticks).toBeGreaterThan(3);
    // the first row was reported while the others were still decoding, not at the end
    expect(reported[0][2]).toBeLessThan(ticks);
  });

  it('leaves no tensors behind', () => {
    generate(model, prompts, { ...base, maxNewTokens: 8 });
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      generate(model, prompts, { ...base, maxNewTokens: 8 });
      generate(model, prompts, { maxNewTokens: 8, tokenizer, rng: new Rng(k), stopStrings: ['zz'] });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options with clear messages', () => {
    expect(() => generate(model, prompts, { ...base, maxNewTokens: 0 })).toThrow(/maxNewTokens must be an integer >= 1, found 0/);
    expect(() => generate(model, prompts, { ...base, greedy: false, temperature: -1 })).toThrow(/temperature must be a finite number >= 0/);
    expect(() => generate(model, prompts, { ...base, topP: 0 })).toThrow(/topP must be in \(0, 1\], found 0/);
    expect(() => generate(model, prompts, { ...base, topK: 1.5 })).toThrow(/topK must be an integer >= 0/);
    expect(() => generate(model, prompts, { maxNewTokens: 4, tokenizer })).toThrow(/sampling needs a seeded rng/);
    expect(() => generate(model, [[1, 200]], base)).toThrow(/prompt 0 holds id 200, outside the model's vocabulary \[0, 99\)/);
    expect(() => generate(model, [[1], []], base)).toThrow(/prompt 1 is empty/);
    expect(() => generate(model, [], base)).toThrow(/no prompts given/);
  });
});

/** Counts the kernels dispatched by name while fn runs. */
function countKernels<T>(fn: () => T): { result: T; kernels: Map<string, number> } {
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const original = engine.runKernel;
  const kernels = new Map<string, number>();
  engine.runKernel = function (this: unknown, name: string, ...rest: unknown[]) {
    kernels.set(name, (kernels.get(name) ?? 0) + 1);
    return original.call(this, name, ...rest);
  };
  try {
    return { result: fn(), kernels };
  } finally {
    engine.runKernel = original;
  }
}

describe('few-rows products in decoding (wasm)', () => {
  const base: GenerateOptions = { maxNewTokens: 12, greedy: true, tokenizer, eosTokenIds: [] };

  it('a large model decodes on the few-rows kernel with the tf.matMul path\'s tokens and log-probs', () => {
    // MLP weights of 1 Mi elements: the smallest large model (isLargeModel).
    const config = tinyConfig('qwen2', { hidden_size: 256, intermediate_size: 4096, num_hidden_layers: 1, num_attention_heads: 4, num_key_value_heads: 2 });
    expect(isLargeModel(config)).toBe(true);
    const model = createModel(config, 3);
    try {
      const rows = [prompts[0], [...prompts[0]], prompts[2]]; // 3 rows: 2 distinct prompts, shared prefill
      const fast = countKernels(() => generate(model, rows, base));
      // every decode step (11 after the prefill) runs each of the 7 linear layers and the LM head on it; the
      // shared prefill (2 distinct prompts, 7 positions: k_proj and v_proj are tfjs' products) runs the last layer's
      // q, o, gate, up and down projections and its LM head on the last position alone (2 rows)
      expect(fast.kernels.get('RfaiFewRowsXWt')).toBe(11 * 8 + 5 + 1);
      CausalLM.fewRowsProducts = false;
      let plain: ReturnType<typeof countKernels<GenerationResult[]>>;
      try {
        plain = countKernels(() => generate(model, rows, base));
      } finally {
        CausalLM.fewRowsProducts = true;
      }
      expect(plain.kernels.has('RfaiFewRowsXWt')).toBe(false);
      fast.result.forEach((r, i) => {
        expect(r.ids).toEqual(plain.result[i].ids);
        r.logprobs.forEach((lp, j) => expect(lp).toBeCloseTo(plain.result[i].logprobs[j], 5));
      });
      // under a gradient tape (training) the products are tfjs' own
      const scored = countKernels(() => tf.variableGrads(() => tf.sum(model.forward([prompts[0].slice(0, 2)])) as tf.Scalar));
      expect(scored.kernels.has('RfaiFewRowsXWt')).toBe(false);
      tf.dispose([scored.result.value, ...Object.values(scored.result.grads)]);
    } finally {
      model.dispose();
    }
  });

  it('small models (the tiny preset) never take it', () => {
    const config = presetConfig('tiny', 'byte');
    expect(isLargeModel(config)).toBe(false);
    const model = createModel(config, 3);
    try {
      const { kernels } = countKernels(() => generate(model, [[5, 6, 7]], { ...base, maxNewTokens: 4 }));
      expect(kernels.has('RfaiFewRowsXWt')).toBe(false);
      expect(kernels.get('BatchMatMul')).toBeGreaterThan(0);
    } finally {
      model.dispose();
    }
  });
});
