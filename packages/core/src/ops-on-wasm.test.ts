// Every tf op the models and the loss use runs forward and backward on wasm with the
// same results as on cpu, and a decoder-like training step dispatches no kernel that
// wasm lacks.
import { tf, initBackend } from './index';

type Engine = { runKernel: (name: string, ...rest: unknown[]) => unknown };

/** Records every kernel name dispatched through the engine while fn runs. */
function recordKernels<T>(fn: () => T): { result: T; kernels: Set<string> } {
  const engine = tf.engine() as unknown as Engine;
  const original = engine.runKernel;
  const kernels = new Set<string>();
  engine.runKernel = function (this: unknown, name: string, ...rest: unknown[]) {
    kernels.add(name);
    return original.call(this, name, ...rest);
  };
  try {
    return { result: fn(), kernels };
  } finally {
    engine.runKernel = original;
  }
}

/** Deterministic non-trivial values: sin of a scaled range. */
function wave(shape: number[], scale: number, phase = 0): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Array.from({ length: n }, (_, i) => Math.sin(i * scale + phase)), shape);
}

function expectClose(found: number[], expected: number[], rel: number, what: string): void {
  expect(found.length).toBe(expected.length);
  for (let i = 0; i < found.length; i++) {
    const tol = rel * (1 + Math.abs(expected[i]));
    if (!(Math.abs(found[i] - expected[i]) <= tol)) {
      throw new Error(`${what}[${i}]: wasm ${found[i]} vs cpu ${expected[i]} (tolerance ${tol})`);
    }
  }
}

// Each op maps x [2, 3, 4] (float32, values in (-1, 1), no ties) to a float tensor.
const OPS: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  gather: (x) => tf.gather(x, tf.tensor1d([2, 0, 2], 'int32'), 1),
  'gather batchDims': (x) => tf.gather(x, tf.tensor2d([[3, 1], [0, 0]], [2, 2], 'int32'), 2, 1),
  'matMul batched transposeB': (x) => tf.matMul(x, x.mul(0.5), false, true),
  'matMul transposeA': (x) => tf.matMul(x, x, true, false),
  softmax: (x) => tf.softmax(x),
  logSoftmax: (x) => tf.logSoftmax(x),
  sigmoid: (x) => tf.sigmoid(x),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
  'mul/add/sub/div': (x) => tf.div(tf.sub(tf.mul(x, tf.add(x, 0.5)), 0.25), tf.add(tf.square(x), 1)),
  exp: (x) => tf.exp(x),
  log: (x) => tf.log(tf.add(tf.square(x), 0.1)),
  sqrt: (x) => tf.sqrt(tf.add(tf.square(x), 0.1)),
  rsqrt: (x) => tf.rsqrt(tf.add(tf.square(x), 0.1)),
  mean: (x) => tf.mean(x, -1, true),
  sum: (x) => tf.sum(x, [0, 2]),
  max: (x) => tf.max(x, -1),
  where: (x) => tf.where(tf.greater(x, 0), tf.mul(x, 2), tf.neg(x)),
  'less/equal': (x) => tf.where(tf.logicalOr(tf.less(x, -0.5), tf.equal(x, x.max())), x, tf.zerosLike(x)),
  concat: (x) => tf.concat([x, tf.mul(x, 3)], 1),
  slice: (x) => tf.slice(x, [0, 1, 1], [2, 2, 2]),
  reshape: (x) => tf.reshape(x, [6, 4]),
  transpose: (x) => tf.transpose(x, [0, 2, 1]),
  tile: (x) => tf.tile(x, [1, 2, 1]),
  expandDims: (x) => tf.expandDims(x, 1),
  squeeze: (x) => tf.squeeze(tf.expandDims(x, 0), [0]),
  stack: (x) => tf.stack([x, tf.square(x)], 1),
  oneHot: (x) => tf.mul(x, tf.oneHot(tf.tensor2d([[0, 1, 2], [3, 2, 1]], [2, 3], 'int32'), 4)),
  cumsum: (x) => tf.cumsum(x, 2),
  'cumsum reverse exclusive': (x) => tf.cumsum(x, 1, true, true),
  // (tfjs passes gradients straight through a float -> int32 cast, unlike TensorFlow; not used here.)
  cast: (x) => tf.add(tf.mul(tf.cast(x, 'float32'), tf.cast(tf.greater(x, 0), 'float32')), tf.cast(tf.range(0, 24, 1, 'int32').reshape([2, 3, 4]), 'float32')),
  topk: (x) => tf.topk(x, 2).values,
  square: (x) => tf.square(x),
  neg: (x) => tf.neg(x),
  clipByValue: (x) => tf.clipByValue(x, -0.3, 0.3),
  minimum: (x) => tf.minimum(x, 0.2),
  maximum: (x) => tf.maximum(x, -0.2),
  pow: (x) => tf.pow(tf.add(tf.abs(x), 0.5), 1.5),
  logSumExp: (x) => tf.logSumExp(x, -1),
  'tanh/softplus': (x) => tf.add(tf.tanh(x), tf.softplus(x)),
};

/** Forward value and gradient of sum(op(x) * w) for fixed w. */
function forwardBackward(op: (x: tf.Tensor) => tf.Tensor): { y: number[]; dx: number[] } {
  return tf.tidy(() => {
    const x = wave([2, 3, 4], 0.9, 0.3);
    const f = (t: tf.Tensor) => {
      const y = op(t);
      return tf.sum(tf.mul(y, wave(y.shape, 0.41, 1.1)));
    };
    const y = Array.from(op(x).dataSync());
    const dx = Array.from(tf.grad(f)(x).dataSync());
    return { y, dx };
  });
}

describe('gradients of the ops above are right (central differences on cpu)', () => {
  // Independent of tfjs' gradient code: d/dx_i of sum(op(x) * w) by (f(x + h e_i) - f(x - h e_i)) / 2h.
  const h = 1e-3;
  it.each(Object.keys(OPS))('%s', async (name) => {
    await initBackend({ backend: 'cpu' });
    const op = OPS[name];
    const { dx } = forwardBackward(op);
    const base = Array.from(wave([2, 3, 4], 0.9, 0.3).dataSync());
    const f = (vals: number[]) =>
      tf.tidy(() => {
        const y = op(tf.tensor(vals, [2, 3, 4]));
        return tf.sum(tf.mul(y, wave(y.shape, 0.41, 1.1))).dataSync()[0];
      });
    const numeric = base.map((_, i) => {
      const plus = base.slice(), minus = base.slice();
      plus[i] += h;
      minus[i] -= h;
      return (f(plus) - f(minus)) / (2 * h);
    });
    numeric.forEach((g, i) => {
      if (!(Math.abs(dx[i] - g) <= 5e-3 + 1e-2 * Math.abs(g))) throw new Error(`${name}: d/dx[${i}] tfjs ${dx[i]} vs numeric ${g}`);
    });
  });

  it('cumsum over a leading axis has the reverse cumulative sum as gradient', async () => {
    await initBackend({ backend: 'cpu' });
    const g = tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.cumsum(x, 0), tf.tensor2d([[1, 2], [3, 4], [5, 6]]))))(tf.zeros([3, 2])).dataSync()));
    expect(g).toEqual([1 + 3 + 5, 2 + 4 + 6, 3 + 5, 4 + 6, 5, 6]);
  });
});

describe('ops used by models and losses, on wasm vs cpu', () => {
  const wasmKernels = new Set<string>();
  const results: Record<string, { cpu?: { y: number[]; dx: number[] }; wasm?: { y: number[]; dx: number[] } }> = {};

  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
    for (const [name, op] of Object.entries(OPS)) results[name] = { cpu: forwardBackward(op) };
    await initBackend({ backend: 'wasm', log: () => undefined });
    for (const [name, op] of Object.entries(OPS)) {
      const { result, kernels } = recordKernels(() => forwardBackward(op));
      results[name].wasm = result;
      kernels.forEach((k) => wasmKernels.add(k));
    }
    await initBackend({ backend: 'cpu' });
  });

  it.each(Object.keys(OPS))('%s: forward and gradient equal on wasm and cpu', (name) => {
    const { cpu, wasm } = results[name];
    expectClose(wasm!.y, cpu!.y, 1e-5, `${name} forward`);
    expectClose(wasm!.dx, cpu!.dx, 1e-5, `${name} gradient`);
    expect(cpu!.dx.some((v) => v !== 0)).toBe(true);
  });

  it('every kernel dispatched is registered for wasm', () => {
    expect(wasmKernels.size).toBeGreaterThan(40);
    const missing = [...wasmKernels].filter((k) => tf.getKernel(k, 'wasm') == null);
    expect(missing).toEqual([]);
  });
});

// A tiny decoder: B sequences of T tokens, vocab V, hidden D, H heads of size Dh, MLP size F.
const B = 2, T = 5, V = 11, D = 8, H = 2, Dh = 4, F = 12;

function decoderLoss(p: Record<string, tf.Tensor>, ids: tf.Tensor2D, targets: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  const rmsNorm = (x: tf.Tensor, w: tf.Tensor) => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6))), w);
  // RoPE tables [T, Dh] precomputed from positions and inverse frequencies.
  const pos = tf.range(0, T).reshape([T, 1]);
  const invFreq = tf.tensor1d(Array.from({ length: Dh / 2 }, (_, i) => 1 / 10000 ** ((2 * i) / Dh))).reshape([1, Dh / 2]);
  const angles = tf.tile(tf.mul(pos, invFreq), [1, 2]);
  const cos = tf.cos(angles), sin = tf.sin(angles);
  const rope = (x: tf.Tensor) => {
    const x1 = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, Dh / 2]);
    const x2 = tf.slice(x, [0, 0, 0, Dh / 2], [-1, -1, -1, Dh / 2]);
    return tf.add(tf.mul(x, cos), tf.mul(tf.concat([tf.neg(x2), x1], -1), sin));
  };
  const heads = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [B, T, H, Dh]), [0, 2, 1, 3]); // [B, H, T, Dh]
  const proj = (x: tf.Tensor, w: tf.Tensor) => tf.matMul(tf.reshape(x, [B * T, -1]), w, false, true);

  let h = tf.gather(p.embed, ids); // [B, T, D]
  const a = rmsNorm(h, p.norm1);
  const q = rope(heads(proj(a, p.wq))), k = rope(heads(proj(a, p.wk))), v = heads(proj(a, p.wv));
  const causal = tf.greaterEqual(tf.range(0, T).reshape([T, 1]), tf.range(0, T).reshape([1, T]));
  const scores = tf.where(tf.broadcastTo(causal, [B, H, T, T]), tf.div(tf.matMul(q, k, false, true), Math.sqrt(Dh)), tf.fill([B, H, T, T], -1e9));
  const attn = tf.matMul(tf.softmax(scores), v); // [B, H, T, Dh]
  h = tf.add(h, tf.reshape(proj(tf.transpose(attn, [0, 2, 1, 3]), p.wo), [B, T, D]));
  const m = rmsNorm(h, p.norm2);
  const gate = proj(m, p.wg), up = proj(m, p.wu);
  h = tf.add(h, tf.reshape(tf.matMul(tf.mul(tf.mul(gate, tf.sigmoid(gate)), up), p.wd, false, true), [B, T, D]));
  const logits = tf.matMul(tf.reshape(rmsNorm(h, p.normf), [B * T, D]), p.embed, false, true); // tied head [B*T, V]
  const logp = tf.logSoftmax(logits);
  const flatIdx = tf.add(tf.mul(tf.range(0, B * T, 1, 'int32'), tf.scalar(V, 'int32')), tf.reshape(targets, [B * T]));
  const tokenLogp = tf.reshape(tf.gather(tf.reshape(logp, [-1]), flatIdx), [B, T]);
  const nll = tf.neg(tf.div(tf.sum(tf.mul(tokenLogp, mask)), tf.sum(mask)));
  const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), -1)));
  return tf.sub(nll, tf.mul(entropy, 0.01)) as tf.Scalar;
}

describe('decoder-like training step on wasm', () => {
  function step(): { loss: number; grads: Record<string, number[]>; kernels: Set<string> } {
    const shapes: Record<string, number[]> = {
      embed: [V, D], norm1: [D], wq: [D, D], wk: [D, D], wv: [D, D], wo: [D, D], norm2: [D], wg: [F, D], wu: [F, D], wd: [D, F], normf: [D],
    };
    const params: Record<string, tf.Variable> = {};
    let phase = 0;
    for (const [name, shape] of Object.entries(shapes)) {
      const init = tf.tidy(() => (name.startsWith('norm') ? tf.add(tf.mul(wave(shape, 0.7, phase), 0.1), 1) : tf.mul(wave(shape, 0.77, phase), 0.3)));
      params[name] = tf.variable(init, true, `dec.${name}.${tf.getBackend()}`);
      init.dispose();
      phase += 1;
    }
    const ids = tf.tensor2d([[1, 4, 7, 2, 9], [3, 3, 10, 0, 5]], [B, T], 'int32');
    const targets = tf.tensor2d([[4, 7, 2, 9, 1], [3, 10, 0, 5, 6]], [B, T], 'int32');
    const mask = tf.tensor2d([[0, 1, 1, 1, 0], [0, 0, 1, 1, 1]], [B, T]);
    const { result, kernels } = recordKernels(() =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => decoderLoss(params, ids, targets, mask), Object.values(params));
        const out: Record<string, number[]> = {};
        for (const [name, v] of Object.entries(params)) out[name] = Array.from(grads[v.name].dataSync());
        return { loss: value.dataSync()[0], grads: out };
      }),
    );
    tf.dispose([ids, targets, mask, ...Object.values(params)]);
    return { ...result, kernels };
  }

  it('computes the same loss and gradients as cpu, with every dispatched kernel registered for wasm', async () => {
    await initBackend({ backend: 'cpu' });
    const cpu = step();
    await initBackend({ backend: 'wasm', log: () => undefined });
    const before = tf.memory().numTensors;
    const wasm = step();
    expect(tf.memory().numTensors).toBe(before);
    await initBackend({ backend: 'cpu' });

    expect(Number.isFinite(cpu.loss)).toBe(true);
    expectClose([wasm.loss], [cpu.loss], 1e-5, 'loss');
    for (const name of Object.keys(cpu.grads)) {
      expectClose(wasm.grads[name], cpu.grads[name], 1e-4, `grad ${name}`);
      expect(cpu.grads[name].some((g) => g !== 0)).toBe(true);
    }
    for (const k of ['GatherV2', 'UnsortedSegmentSum', 'BatchMatMul', 'Softmax', 'Sigmoid', 'Select', 'Concat', 'Slice', 'Rsqrt', 'Sum', 'Mean'] ) {
      if (!wasm.kernels.has(k)) throw new Error(`expected the decoder step to dispatch ${k}; dispatched: ${[...wasm.kernels].sort().join(', ')}`);
    }
    const missing = [...wasm.kernels].filter((k) => tf.getKernel(k, 'wasm') == null);
    expect(missing).toEqual([]);
  });
});
