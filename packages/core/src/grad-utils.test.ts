import { tf, clipByGlobalNorm, globalNorm, GradientAccumulator, findNonFinite, describeNonFinite, InvalidOptionError, TensorMismatchError, CoreError } from './index';

const read = (m: Map<string, tf.Tensor>) => Object.fromEntries([...m].map(([k, t]) => [k, Array.from(t.dataSync())]));
const dispose = (m: Map<string, tf.Tensor>) => m.forEach((t) => t.dispose());

describe('clipByGlobalNorm', () => {
  it('scales by maxNorm / (norm + 1e-6) and returns the pre-clip norm', () => {
    const grads = new Map<string, tf.Tensor>([
      ['a', tf.tensor([3, 0, 4])],
      ['b', tf.tensor([[12]])],
    ]);
    const norm = Math.sqrt(9 + 16 + 144); // 13
    expect(globalNorm(grads)).toBeCloseTo(norm, 5);
    const r = clipByGlobalNorm(grads, 1);
    expect(r.norm).toBeCloseTo(13, 5);
    const coef = 1 / (13 + 1e-6);
    expect(r.coef).toBeCloseTo(coef, 12);
    const out = read(r.grads);
    [3, 0, 4].forEach((v, i) => expect(out.a[i]).toBeCloseTo(v * coef, 6));
    expect(out.b[0]).toBeCloseTo(12 * coef, 6);
    expect(r.grads.get('b')!.shape).toEqual([1, 1]);
    expect(globalNorm(r.grads)).toBeCloseTo(1, 5);
    dispose(r.grads);

    const loose = clipByGlobalNorm(grads, 100);
    expect(loose.coef).toBe(1);
    expect(read(loose.grads)).toEqual(read(grads));
    expect(loose.grads.get('a')).not.toBe(grads.get('a'));
    dispose(loose.grads);
    dispose(grads);
  });

  it('leaves non-finite gradients unscaled and reports the norm', () => {
    const grads = new Map<string, tf.Tensor>([['a', tf.tensor([1, Infinity])]]);
    const r = clipByGlobalNorm(grads, 1);
    expect(r.norm).toBe(Infinity);
    expect(r.coef).toBe(1);
    expect(read(r.grads).a).toEqual([1, Infinity]);
    dispose(r.grads);
    dispose(grads);
    expect(globalNorm(new Map())).toBe(0);
  });

  it('rejects a bad maxNorm', () => {
    expect(() => clipByGlobalNorm(new Map(), 0)).toThrow(new InvalidOptionError('clipByGlobalNorm maxNorm', 'a positive finite number', 0));
    expect(() => clipByGlobalNorm(new Map(), Infinity)).toThrow('clipByGlobalNorm maxNorm: expected a positive finite number, found Infinity');
  });
});

describe('GradientAccumulator', () => {
  it('sums micro-batches then scales once (default: the mean)', () => {
    const acc = new GradientAccumulator();
    const b1 = new Map<string, tf.Tensor>([['w', tf.tensor([1, 2])], ['b', tf.tensor([10])]]);
    const b2 = new Map<string, tf.Tensor>([['w', tf.tensor([3, 5])]]);
    const b3 = new Map<string, tf.Tensor>([['w', tf.tensor([-1, 0.5])], ['b', tf.tensor([2])]]);
    for (const b of [b1, b2, b3]) acc.add(b);
    expect(acc.microBatches).toBe(3);
    expect(acc.names()).toEqual(['w', 'b']);
    const mean = acc.result();
    expect(read(mean)).toEqual({ w: [Math.fround(3 / 3), Math.fround(7.5 / 3)], b: [Math.fround(12 / 3)] });
    const tokenWeighted = acc.result(1 / 40);
    expect(read(tokenWeighted).w).toEqual([Math.fround(3 / 40), Math.fround(7.5 / 40)]);
    expect(read(b1).w).toEqual([1, 2]); // inputs are not consumed
    dispose(mean);
    dispose(tokenWeighted);
    [b1, b2, b3].forEach(dispose);
    acc.reset();
    expect(acc.microBatches).toBe(0);
    expect(() => acc.result()).toThrow(new CoreError('GradientAccumulator.result(): no micro-batch was added since the last reset; call add(grads) first'));
  });

  it('equals the full-batch gradient of a mean loss when micro-batches are equal-sized', () => {
    const w = tf.variable(tf.tensor([0.5, -1]));
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
    const y = tf.tensor1d([1, 0, 2, 1]);
    const gradOf = (xs: tf.Tensor2D, ys: tf.Tensor1D) => {
      const { grads, value } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(tf.squeeze(tf.matMul(xs, tf.reshape(w, [2, 1]))), ys))) as tf.Scalar, [w]);
      value.dispose();
      return new Map([['w', grads[w.name]]]);
    };
    const full = gradOf(x, y);
    const acc = new GradientAccumulator();
    for (const [a, b] of [[0, 2], [2, 4]]) {
      const g = gradOf(tf.slice(x, [a, 0], [b - a, 2]) as tf.Tensor2D, tf.slice(y, a, b - a) as tf.Tensor1D);
      acc.add(g);
      dispose(g);
    }
    const res = acc.result();
    read(res).w.forEach((v, i) => expect(v).toBeCloseTo(read(full).w[i], 4));
    dispose(res);
    dispose(full);
    acc.dispose();
    tf.dispose([w, x, y]);
  });

  it('rejects a micro-batch whose gradient shape changed', () => {
    const acc = new GradientAccumulator();
    const a = new Map([['w', tf.zeros([2, 3])]]);
    const b = new Map([['w', tf.zeros([3, 2])]]);
    acc.add(a);
    expect(() => acc.add(b)).toThrow(new TensorMismatchError("GradientAccumulator: gradient 'w' has shape [3,2] but earlier micro-batches gave [2,3]", 'w'));
    expect(acc.microBatches).toBe(1);
    expect(() => acc.result(NaN)).toThrow('GradientAccumulator.result scale: expected a finite number, found NaN');
    acc.dispose();
    dispose(a);
    dispose(b);
  });
});

describe('findNonFinite', () => {
  it('counts NaN, +Inf and -Inf per parameter and describes them', () => {
    const grads = new Map<string, tf.Tensor>([
      ['ok', tf.tensor([1, 2, 3])],
      ['model.norm.weight', tf.tensor([NaN, NaN, 1])],
      ['lm_head.weight', tf.tensor([[Infinity, -Infinity], [-Infinity, 0]])],
    ]);
    const reports = findNonFinite(grads);
    expect(reports).toEqual([
      { name: 'model.norm.weight', nan: 2, posInf: 0, negInf: 0 },
      { name: 'lm_head.weight', nan: 0, posInf: 1, negInf: 2 },
    ]);
    expect(describeNonFinite(reports)).toBe('model.norm.weight (2 NaN), lm_head.weight (1 +Inf, 2 -Inf)');
    expect(findNonFinite(new Map([['ok', grads.get('ok')!]]))).toEqual([]);
    expect(findNonFinite(new Map())).toEqual([]);
    dispose(grads);
  });
});
