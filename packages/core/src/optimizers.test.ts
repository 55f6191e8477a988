import { initBackend, Rng, tf, AdamW, SGD, NO_DECAY_PATTERN, InvalidOptionError, OptimizerStateError, TensorMismatchError, clipByGlobalNorm, clipCoefficient, globalNorm } from './index';

// Fixed problem: loss = sum_i w_i * (p_i - c_i)^2 over three parameters; gradient 2 w (p - c).
const INIT: Record<string, { shape: number[]; values: number[] }> = {
  'layer.weight': { shape: [2, 3], values: [0.5, -1.25, 2, 1.5, -0.75, 1] },
  'layer.bias': { shape: [3], values: [0.25, -0.5, 1.75] },
  'model.norm.weight': { shape: [3], values: [1, 1.125, 0.875] },
};
const W: Record<string, number[]> = {
  'layer.weight': [1, 0.5, 2, 0.25, 3, 1.5],
  'layer.bias': [2, 1, 0.5],
  'model.norm.weight': [0.75, 1.25, 4],
};
const C: Record<string, number[]> = {
  'layer.weight': [0.1, 0.2, -0.3, 0.4, 0.5, -0.6],
  'layer.bias': [1, -1, 0.5],
  'model.norm.weight': [0.9, 1.3, 0.7],
};

function makeParams(values?: Record<string, number[]>): Map<string, tf.Variable> {
  const m = new Map<string, tf.Variable>();
  for (const [name, { shape, values: v }] of Object.entries(INIT)) {
    const init = tf.tensor(values?.[name] ?? v, shape);
    m.set(name, tf.variable(init, true));
    init.dispose();
  }
  return m;
}

function gradsOf(params: Map<string, tf.Variable>): Map<string, tf.Tensor> {
  const names = [...params.keys()];
  const { grads, value } = tf.variableGrads(
    () => tf.addN(names.map((n) => tf.sum(tf.mul(tf.tensor(W[n], INIT[n].shape), tf.square(tf.sub(params.get(n)!, tf.tensor(C[n], INIT[n].shape))))))) as tf.Scalar,
    names.map((n) => params.get(n)!),
  );
  value.dispose();
  return new Map(names.map((n) => [n, grads[params.get(n)!.name]]));
}

function values(params: Map<string, tf.Variable>): Record<string, number[]> {
  return Object.fromEntries([...params].map(([n, v]) => [n, Array.from(v.dataSync())]));
}

function disposeAll(...maps: Map<string, tf.Tensor>[]): void {
  for (const m of maps) for (const t of m.values()) t.dispose();
}

/** |found - expected| <= rel * max(|expected|, floor) elementwise. */
function expectRel(found: Record<string, number[]>, expected: Record<string, number[]>, rel: number, floor = 0): void {
  for (const name of Object.keys(expected)) {
    expected[name].forEach((e, i) => {
      const f = found[name][i];
      if (!(Math.abs(f - e) <= rel * Math.max(Math.abs(e), floor))) throw new Error(`${name}[${i}]: ${f} vs float64 ${e} (relative error ${Math.abs(f - e) / Math.abs(e)})`);
    });
  }
}

describe('AdamW', () => {
  it('matches float64 PyTorch-semantics arithmetic over three steps to 1e-6 relative', () => {
    const lrs = [0.1, 0.05, 0.02];
    const [b1, b2, eps, wd] = [0.9, 0.999, 1e-8, 0.1];
    // float64 reference, written from torch.optim.AdamW's update rule.
    const ref: Record<string, number[]> = Object.fromEntries(Object.entries(INIT).map(([n, { values: v }]) => [n, v.slice()]));
    const m: Record<string, number[]> = {}, v: Record<string, number[]> = {};
    for (const n of Object.keys(ref)) {
      m[n] = ref[n].map(() => 0);
      v[n] = ref[n].map(() => 0);
    }
    lrs.forEach((lr, k) => {
      const t = k + 1;
      for (const n of Object.keys(ref)) {
        const decay = n === 'layer.weight' ? wd : 0; // bias and norm weight: no decay by default
        ref[n] = ref[n].map((p, i) => {
          const g = 2 * W[n][i] * (p - C[n][i]);
          p = p * (1 - lr * decay);
          m[n][i] = b1 * m[n][i] + (1 - b1) * g;
          v[n][i] = b2 * v[n][i] + (1 - b2) * g * g;
          const denom = Math.sqrt(v[n][i]) / Math.sqrt(1 - b2 ** t) + eps;
          return p - (lr / (1 - b1 ** t)) * (m[n][i] / denom);
        });
      }
    });

    const params = makeParams();
    const opt = new AdamW(params, { betas: [b1, b2], eps, weightDecay: wd });
    for (const lr of lrs) {
      const grads = gradsOf(params);
      expect(opt.step(grads, lr)).toEqual({ applied: true, step: opt.stepCount, nonFinite: [] });
      disposeAll(grads);
    }
    expect(opt.stepCount).toBe(3);
    expectRel(values(params), ref, 1e-6);
    opt.dispose();
    disposeAll(params);
  });

  it('assigns no weight decay to biases and norm weights by default, and honours groups', () => {
    const params = makeParams();
    const opt = new AdamW(params, { weightDecay: 0.1 });
    expect(opt.paramGroup('layer.weight')).toEqual({ weightDecay: 0.1, lrScale: 1, source: 'default' });
    expect(opt.paramGroup('layer.bias')).toEqual({ weightDecay: 0, lrScale: 1, source: 'noDecay' });
    expect(opt.paramGroup('model.norm.weight')).toEqual({ weightDecay: 0, lrScale: 1, source: 'noDecay' });
    expect(() => opt.paramGroup('nope')).toThrow("AdamW: no parameter named 'nope'");

    const grouped = new AdamW(params, { weightDecay: 0.1, groups: [{ match: /bias$/, weightDecay: 0.5, lrScale: 2 }], noDecay: null });
    expect(grouped.paramGroup('layer.bias')).toEqual({ weightDecay: 0.5, lrScale: 2, source: 'group[0]' });
    expect(grouped.paramGroup('model.norm.weight')).toEqual({ weightDecay: 0.1, lrScale: 1, source: 'default' });
    disposeAll(params);

    for (const name of ['model.layers.0.input_layernorm.weight', 'model.norm.weight', 'model.layers.3.self_attn.q_norm.weight', 'ln_f.bias', 'bias', 'post_attention_layernorm.weight']) {
      expect(NO_DECAY_PATTERN.test(name)).toBe(true);
    }
    for (const name of ['model.embed_tokens.weight', 'lm_head.weight', 'model.layers.0.mlp.down_proj.weight', 'q_proj.lora_A.weight', 'biased.weight']) {
      expect(NO_DECAY_PATTERN.test(name)).toBe(false);
    }
  });

  it('applies lrScale to both the Adam step and the decoupled decay', () => {
    const p1 = makeParams(), p2 = makeParams();
    const a = new AdamW(p1, { weightDecay: 0.2, noDecay: null });
    const b = new AdamW(p2, { weightDecay: 0.2, noDecay: null, groups: [{ match: () => true, lrScale: 0.5 }] });
    const g1 = gradsOf(p1), g2 = gradsOf(p2);
    a.step(g1, 0.05);
    b.step(g2, 0.1);
    expect(values(p2)).toEqual(values(p1));
    disposeAll(g1, g2, p1, p2);
    a.dispose();
    b.dispose();
  });

  it('leaves parameters without a gradient and their step count untouched (as PyTorch)', () => {
    const params = makeParams();
    const opt = new AdamW(params);
    const before = values(params)['layer.bias'];
    const all = gradsOf(params);
    const partial = new Map([...all].filter(([n]) => n !== 'layer.bias'));
    opt.step(partial, 0.1);
    expect(values(params)['layer.bias']).toEqual(before);
    const state = opt.stateDict();
    expect(Object.keys(state).sort()).toEqual(
      ['adamw.step', 'layer.weight.step', 'layer.weight.exp_avg', 'layer.weight.exp_avg_sq', 'model.norm.weight.step', 'model.norm.weight.exp_avg', 'model.norm.weight.exp_avg_sq'].sort(),
    );
    opt.step(all, 0.1);
    const s2 = opt.stateDict();
    expect(s2['layer.bias.step'].data[0]).toBe(1);
    expect(s2['layer.weight.step'].data[0]).toBe(2);
    expect(s2['adamw.step']).toEqual({ dtype: 'F32', shape: [], data: Float32Array.of(2) });
    disposeAll(all, params);
    opt.dispose();
  });

  it('state round-trips through named Float32 tensors and resumes exactly', () => {
    const uninterrupted = makeParams();
    const optA = new AdamW(uninterrupted, { weightDecay: 0.05 });
    for (const lr of [0.1, 0.05]) {
      const g = gradsOf(uninterrupted);
      optA.step(g, lr);
      disposeAll(g);
    }
    const saved = optA.stateDict();
    expect(saved['layer.weight.exp_avg']).toEqual({ dtype: 'F32', shape: [2, 3], data: expect.any(Float32Array) });
    // "Restart": fresh variables holding the saved parameter values, fresh optimizer.
    const resumed = makeParams(values(uninterrupted));
    const optB = new AdamW(resumed, { weightDecay: 0.05 });
    optB.loadStateDict(saved);
    expect(optB.stepCount).toBe(2);
    expect(optB.stateDict()).toEqual(saved);
    for (const lr of [0.02, 0.01]) {
      const ga = gradsOf(uninterrupted), gb = gradsOf(resumed);
      optA.step(ga, lr);
      optB.step(gb, lr);
      disposeAll(ga, gb);
    }
    expect(values(resumed)).toEqual(values(uninterrupted));
    optA.dispose();
    optB.dispose();
    disposeAll(uninterrupted, resumed);
  });


  it('reset() forgets moments and step count: the next steps equal a fresh optimizer on the same parameters', () => {
    const params = makeParams();
    const opt = new AdamW(params, { weightDecay: 0.05 });
    for (const lr of [0.1, 0.05, 0.05]) {
      const g = gradsOf(params);
      opt.step(g, lr);
      disposeAll(g);
    }
    const before = tf.memory().numTensors;
    opt.reset();
    expect(opt.stepCount).toBe(0);
    expect(Object.keys(opt.stateDict())).toEqual(['adamw.step']);
    expect(tf.memory().numTensors).toBe(before - 2 * params.size); // both moments of every parameter freed
    const twin = makeParams(values(params));
    const fresh = new AdamW(twin, { weightDecay: 0.05 });
    for (const lr of [0.02, 0.01]) {
      const ga = gradsOf(params), gb = gradsOf(twin);
      opt.step(ga, lr);
      fresh.step(gb, lr);
      disposeAll(ga, gb);
    }
    expect(values(params)).toEqual(values(twin));
    expect(opt.stateDict()).toEqual(fresh.stateDict());
    opt.dispose();
    fresh.dispose();
    disposeAll(params, twin);
  });
  it('rejects bad state with the key named, changing nothing', () => {
    const params = makeParams();
    const opt = new AdamW(params);
    const g = gradsOf(params);
    opt.step(g, 0.1);
    const good = opt.stateDict();
    const bad = (patch: Record<string, unknown>, drop?: string) => {
      const s: Record<string, unknown> = { ...good, ...patch };
      if (drop) delete s[drop];
      return s as never;
    };
    expect(() => opt.loadStateDict(bad({}, 'adamw.step'))).toThrow(/AdamW.loadStateDict: 'adamw.step' is missing \(keys found: /);
    expect(() => opt.loadStateDict(bad({ 'adamw.step': { dtype: 'F32', shape: [], data: [1.5] } }))).toThrow(
      "AdamW.loadStateDict: 'adamw.step' must hold one non-negative integer, found [1.5]",
    );
    expect(() => opt.loadStateDict(bad({ 'other.weight.exp_avg': { dtype: 'F32', shape: [3], data: [0, 0, 0] } }))).toThrow(
      "AdamW.loadStateDict: 'other.weight.exp_avg' is not a state key of this AdamW (expected 'adamw.step' or '<parameter>.{step,exp_avg,exp_avg_sq}' for one of its 3 parameters)",
    );
    expect(() => opt.loadStateDict(bad({ 'layer.bias.exp_avg': { dtype: 'F32', shape: [1, 3], data: [0, 0, 0] } }))).toThrow(
      "AdamW.loadStateDict: 'layer.bias.exp_avg' has shape [1,3], expected [3]",
    );
    expect(() => opt.loadStateDict(bad({ 'layer.bias.exp_avg': { dtype: 'F32', shape: [3], data: [0, 0] } }))).toThrow(
      "AdamW.loadStateDict: 'layer.bias.exp_avg' has 2 values, expected 3",
    );
    expect(() => opt.loadStateDict(bad({ 'layer.bias.exp_avg': { dtype: 'BF16', shape: [3], data: [0, 0, 0] } }))).toThrow(
      "AdamW.loadStateDict: 'layer.bias.exp_avg' must be F32, found BF16",
    );
    expect(() => opt.loadStateDict(bad({}, 'layer.bias.exp_avg_sq'))).toThrow(
      "AdamW.loadStateDict: 'layer.bias.exp_avg_sq' is missing while 'layer.bias.step' is present",
    );
    expect(() => opt.loadStateDict(bad({ 'layer.bias.step': { dtype: 'F32', shape: [], data: [0] } }))).toThrow(
      "AdamW.loadStateDict: 'layer.bias.step' must be an integer >= 1, found 0",
    );
    const err = (() => {
      try {
        opt.loadStateDict(bad({}, 'adamw.step'));
      } catch (e) {
        return e as OptimizerStateError;
      }
    })();
    expect(err).toBeInstanceOf(OptimizerStateError);
    expect(err!.key).toBe('adamw.step');
    expect(opt.stateDict()).toEqual(good);
    disposeAll(g, params);
    opt.dispose();
  });

  it('checks gradients, learning rate and options, naming what is wrong', () => {
    const params = makeParams();
    const opt = new AdamW(params);
    const stray = new Map([['layer.wieght', tf.zeros([2, 3])]]);
    expect(() => opt.step(stray, 0.1)).toThrow("AdamW.step: gradient 'layer.wieght' matches no parameter (known: layer.weight, layer.bias, model.norm.weight)");
    const wrong = new Map([['layer.weight', tf.zeros([3, 2])]]);
    expect(() => opt.step(wrong, 0.1)).toThrow("AdamW.step: gradient 'layer.weight' has shape [3,2], parameter has [2,3]");
    try {
      opt.step(wrong, 0.1);
    } catch (e) {
      expect(e).toBeInstanceOf(TensorMismatchError);
      expect((e as TensorMismatchError).expectedShape).toEqual([2, 3]);
    }
    expect(() => opt.step(new Map(), -1)).toThrow('AdamW.step lr: expected a finite number >= 0, found -1');
    expect(() => opt.step(new Map(), NaN)).toThrow('found NaN');
    expect(() => new AdamW(params, { betas: [0.9, 1] })).toThrow(new InvalidOptionError('AdamW.betas', 'two numbers in [0, 1)', [0.9, 1]));
    expect(() => new AdamW(params, { eps: -1 })).toThrow('AdamW.eps: expected a finite number >= 0, found -1');
    expect(() => new AdamW(params, { weightDecay: -0.1 })).toThrow('AdamW.weightDecay: expected a finite number >= 0, found -0.1');
    expect(() => new AdamW(new Map())).toThrow('AdamW params: expected at least one named tf.Variable');
    expect(() => new AdamW({ x: tf.zeros([2]) as never })).toThrow("AdamW params['x']: expected a tf.Variable");
    expect(() => new AdamW(params, { groups: [{ match: 'bias' as never }] })).toThrow('AdamW.groups[0].match: expected a RegExp or a function (name) => boolean, found "bias"');
    expect(() => new AdamW(params, { groups: [{ match: /x/, lrScale: -1 }] })).toThrow('AdamW.groups[0].lrScale: expected a finite number >= 0, found -1');
    expect(() => new AdamW(params, { noDecay: 'norm' as never })).toThrow('AdamW.noDecay: expected a RegExp, a function (name) => boolean, or null, found "norm"');
    disposeAll(stray, wrong, params);
    opt.dispose();
  });

  it('skips the update on NaN/Inf gradients and names the parameters', () => {
    const params = makeParams();
    const opt = new AdamW(params);
    const before = values(params);
    const grads = new Map<string, tf.Tensor>([
      ['layer.weight', tf.tensor([1, NaN, 2, Infinity, NaN, 0], [2, 3])],
      ['layer.bias', tf.tensor([1, 2, 3])],
      ['model.norm.weight', tf.tensor([-Infinity, 0, 1])],
    ]);
    const r = opt.step(grads, 0.1);
    expect(r).toEqual({
      applied: false,
      step: 0,
      nonFinite: [
        { name: 'layer.weight', nan: 2, posInf: 1, negInf: 0 },
        { name: 'model.norm.weight', nan: 0, posInf: 0, negInf: 1 },
      ],
    });
    expect(opt.skippedSteps).toBe(1);
    expect(values(params)).toEqual(before);
    expect(opt.stateDict()).toEqual({ 'adamw.step': { dtype: 'F32', shape: [], data: Float32Array.of(0) } });

    const unchecked = new AdamW(params, { skipNonFinite: false });
    expect(unchecked.step(grads, 0.1).applied).toBe(true);
    expect(Number.isNaN(values(params)['layer.weight'][1])).toBe(true);
    disposeAll(grads, params);
    opt.dispose();
    unchecked.dispose();
  });

  it('allocateState() makes the moments ahead: same steps, and no state saved for a parameter not yet updated', () => {
    const a = makeParams();
    const b = makeParams();
    const optA = new AdamW(a);
    const optB = new AdamW(b);
    optB.allocateState();
    expect(optB.stateDict()).toEqual({ 'adamw.step': { dtype: 'F32', shape: [], data: Float32Array.of(0) } });
    for (let step = 0; step < 2; step++) {
      // The first step leaves the bias without a gradient: its (allocated) moments stay unsaved until it gets one.
      const ga = gradsOf(a);
      const gb = gradsOf(b);
      for (const g of [ga, gb]) if (step === 0) { g.get('layer.bias')!.dispose(); g.delete('layer.bias'); }
      optA.step(ga, 0.1);
      optB.step(gb, 0.1);
      expect(values(b)).toEqual(values(a));
      expect(optB.stateDict()).toEqual(optA.stateDict());
      disposeAll(ga, gb);
    }
    disposeAll(a, b);
    optA.dispose();
    optB.dispose();
  });

  it('gradScale gives exactly the step of gradients scaled by clipByGlobalNorm, without holding a scaled copy', () => {
    const a = makeParams();
    const b = makeParams();
    const optA = new AdamW(a, { weightDecay: 0.1 });
    const optB = new AdamW(b, { weightDecay: 0.1 });
    for (let step = 0; step < 3; step++) {
      const ga = gradsOf(a);
      const clipped = clipByGlobalNorm(ga, 0.5);
      expect(clipped.coef).toBeLessThan(1);
      optA.step(clipped.grads, 0.05);
      const gb = gradsOf(b);
      const norm = globalNorm(gb);
      expect(norm).toBe(clipped.norm);
      optB.step(gb, 0.05, { gradScale: clipCoefficient(norm, 0.5) });
      expect(values(b)).toEqual(values(a));
      disposeAll(ga, clipped.grads, gb);
    }
    expect(clipCoefficient(0.25, 0.5)).toBe(1);
    expect(clipCoefficient(NaN, 0.5)).toBe(1);
    expect(() => optB.step(new Map(), 0.1, { gradScale: -1 })).toThrow(/gradScale.*finite number >= 0/);
    disposeAll(a, b);
    optA.dispose();
    optB.dispose();
  });

  it('holds at most four parameter-sized temporaries during a step (one tidy over the update held fourteen)', async () => {
    const n = 1 << 16;
    const p = tf.variable(tf.fill([n], 0.5), true, 'big.weight');
    const opt = new AdamW(new Map([['big.weight', p]]), { weightDecay: 0.1 });
    const g = tf.fill([n], 0.25);
    for (const gradScale of [1, 0.5]) {
      const before = tf.memory().numBytes;
      const info = await tf.profile(() => {
        opt.step(new Map([['big.weight', g]]), 0.01, { gradScale });
      });
      // The moments (created on the first step) are state, not temporaries: 2 n floats once.
      const state = gradScale === 1 ? 2 * n * 4 : 0;
      const extra = info.peakBytes - before - state;
      expect(extra).toBeLessThanOrEqual(4 * n * 4 + (gradScale === 1 ? 0 : n * 4));
      expect(tf.memory().numBytes - before).toBe(state);
    }
    g.dispose();
    p.dispose();
    opt.dispose();
  });
});

describe('SGD', () => {
  function reference(lrs: number[], momentum: number, dampening: number, wd: number, nesterov: boolean): Record<string, number[]> {
    const ref: Record<string, number[]> = Object.fromEntries(Object.entries(INIT).map(([n, { values: v }]) => [n, v.slice()]));
    const buf: Record<string, number[] | null> = { 'layer.weight': null, 'layer.bias': null, 'model.norm.weight': null };
    for (const lr of lrs) {
      for (const n of Object.keys(ref)) {
        const decay = n === 'layer.weight' ? wd : 0;
        const d = ref[n].map((p, i) => 2 * W[n][i] * (p - C[n][i]) + decay * p);
        let step = d;
        if (momentum !== 0) {
          buf[n] = buf[n] == null ? d.slice() : buf[n]!.map((b, i) => momentum * b + (1 - dampening) * d[i]);
          step = nesterov ? d.map((x, i) => x + momentum * buf[n]![i]) : buf[n]!;
        }
        ref[n] = ref[n].map((p, i) => p - lr * step[i]);
      }
    }
    return ref;
  }

  it.each([
    ['plain', 0, 0, 0, false],
    ['momentum + dampening + weight decay', 0.9, 0.1, 0.01, false],
    ['nesterov', 0.8, 0, 0.05, true],
  ])('%s matches float64 PyTorch-semantics arithmetic over three steps', (_label, momentum, dampening, wd, nesterov) => {
    const lrs = [0.1, 0.05, 0.02];
    const params = makeParams();
    const opt = new SGD(params, { momentum, dampening, weightDecay: wd, nesterov });
    for (const lr of lrs) {
      const g = gradsOf(params);
      opt.step(g, lr);
      disposeAll(g);
    }
    // Floor 1: one element ends near 0.02 by cancellation, where float32 rounding of the
    // O(1) intermediate values dominates its relative error.
    expectRel(values(params), reference(lrs, momentum, dampening, wd, nesterov), 1e-6, 1);
    disposeAll(params);
    opt.dispose();
  });

  it('momentum buffers round-trip through named tensors and resume exactly', () => {
    const a = makeParams();
    const optA = new SGD(a, { momentum: 0.9 });
    let g = gradsOf(a);
    optA.step(g, 0.1);
    disposeAll(g);
    const saved = optA.stateDict();
    expect(Object.keys(saved).sort()).toEqual(['layer.bias.momentum_buffer', 'layer.weight.momentum_buffer', 'model.norm.weight.momentum_buffer', 'sgd.step']);
    const b = makeParams(values(a));
    const optB = new SGD(b, { momentum: 0.9 });
    optB.loadStateDict(saved);
    g = gradsOf(a);
    const gb = gradsOf(b);
    optA.step(g, 0.1);
    optB.step(gb, 0.1);
    expect(values(b)).toEqual(values(a));
    expect(() => optB.loadStateDict({ 'adamw.step': saved['sgd.step'] })).toThrow("SGD.loadStateDict: 'sgd.step' is missing (keys found: adamw.step)");
    disposeAll(g, gb, a, b);
    optA.dispose();
    optB.dispose();
  });

  it('rejects invalid options', () => {
    const params = makeParams();
    expect(() => new SGD(params, { nesterov: true })).toThrow('SGD.nesterov: expected momentum > 0 and dampening 0 (found momentum 0, dampening 0), found true');
    expect(() => new SGD(params, { nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow('found momentum 0.9, dampening 0.1');
    expect(() => new SGD(params, { momentum: -0.1 })).toThrow('SGD.momentum: expected a finite number >= 0, found -0.1');
    disposeAll(params);
  });
});

describe('AdamW on wasm: the one-pass kernel', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterAll(async () => {
    AdamW.wasmKernel = true;
    await initBackend({ backend: 'cpu' });
  });

  /** Three steps of AdamW (weight decay, clipping scale, a no-decay group) with the kernel on or off. */
  function run(kernel: boolean) {
    AdamW.wasmKernel = kernel;
    const params = makeParams();
    // A parameter whose size is not a multiple of 4 and a larger one.
    const r = new Rng(3);
    const big = Float32Array.from({ length: 1031 }, () => r.normal());
    params.set('big.weight', tf.variable(tf.tensor1d(big), true, `big${kernel}`));
    // And one of 1 Mi + 3 elements, which the kernel updates in place.
    const H = (1 << 20) + 3;
    params.set('huge.weight', tf.variable(tf.tensor1d(Float32Array.from({ length: H }, (_, i) => Math.cos(i))), true, `huge${kernel}`));
    const opt = new AdamW(params, { weightDecay: 0.1 });
    for (let step = 0; step < 3; step++) {
      const grads = gradsOf(new Map([...params].filter(([n]) => n !== 'big.weight' && n !== 'huge.weight')));
      grads.set('big.weight', tf.tensor1d(Float32Array.from({ length: 1031 }, (_, i) => Math.sin(i + step) * (i % 7))));
      grads.set('huge.weight', tf.tensor1d(Float32Array.from({ length: H }, (_, i) => Math.sin(i * 0.37 + step) * 1e-3)));
      opt.step(grads, 0.05, { gradScale: step === 1 ? 0.37 : 1 });
      disposeAll(grads);
    }
    const huge = params.get('huge.weight')!;
    const out = { values: values(new Map([...params].filter(([n]) => n !== 'huge.weight'))), huge: Float32Array.from(huge.dataSync()), state: opt.stateDict() };
    disposeAll(params);
    opt.dispose();
    return out;
  }

  it('gives the bits of the tfjs formulation, parameters and moments', () => {
    const kernel = run(true);
    const ops = run(false);
    expect(kernel.values).toEqual(ops.values);
    const differing = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let d = a.length === b.length ? 0 : 1;
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) d++;
      return d;
    };
    expect(differing(kernel.huge, ops.huge)).toBe(0);
    expect(Object.keys(kernel.state)).toEqual(Object.keys(ops.state));
    for (const k of Object.keys(ops.state)) expect(differing(kernel.state[k].data, ops.state[k].data)).toBe(0);
    // And the float64 PyTorch-semantics reference of the first test holds on wasm too (through the kernel).
    expect(kernel.values['layer.weight'].every(Number.isFinite)).toBe(true);
  });

  it('allocates only the new parameter during a step (and the non-finite probe one temporary)', async () => {
    AdamW.wasmKernel = true;
    const n = 1 << 16;
    const p = tf.variable(tf.fill([n], 0.5), true, 'wasm-big');
    const opt = new AdamW(new Map([['wasm-big', p]]), { weightDecay: 0.1 });
    const g = tf.fill([n], 0.25);
    opt.step(new Map([['wasm-big', g]]), 0.01); // creates the moments
    const before = tf.memory().numBytes;
    const info = await tf.profile(() => {
      opt.step(new Map([['wasm-big', g]]), 0.01, { gradScale: 0.5 });
    });
    expect(info.peakBytes - before).toBeGreaterThanOrEqual(n * 4);
    expect(info.peakBytes - before).toBeLessThanOrEqual(n * 4 + 64);
    expect(tf.memory().numBytes).toBe(before);
    tf.dispose([g, p]);
    opt.dispose();
  });
});
