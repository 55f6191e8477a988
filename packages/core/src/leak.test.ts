// 50 optimiser steps of a small model (with accumulation, clipping, schedule and the
// non-finite check) must not grow tf.memory().numTensors, on cpu and on wasm.
import { tf, initBackend, AdamW, SGD, GradientAccumulator, clipByGlobalNorm, createLrSchedule, Rng } from './index';

function trainSteps(backend: 'cpu' | 'wasm', makeOpt: (p: Map<string, tf.Variable>) => AdamW | SGD) {
  const rng = new Rng(1);
  const params = new Map<string, tf.Variable>();
  const mk = (name: string, shape: number[]) => {
    const init = tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1), 0, 0.3), shape);
    params.set(name, tf.variable(init, true, `${backend}.${name}`));
    init.dispose();
  };
  mk('embed.weight', [10, 6]);
  mk('proj.weight', [6, 6]);
  mk('proj.bias', [6]);
  mk('norm.weight', [6]);
  const ids = tf.tensor1d([1, 3, 5, 7, 9, 2], 'int32');
  const targets = tf.tensor1d([3, 5, 7, 9, 2, 4], 'int32');
  const opt = makeOpt(params);
  const acc = new GradientAccumulator();
  const schedule = createLrSchedule({ type: 'cosine', baseLr: 0.01, warmupSteps: 5, totalSteps: 50 });
  const loss = () =>
    tf.tidy(() => {
      const h = tf.gather(params.get('embed.weight')!, ids);
      const n = tf.mul(tf.mul(h, tf.rsqrt(tf.add(tf.mean(tf.square(h), -1, true), 1e-6))), params.get('norm.weight')!);
      const o = tf.add(tf.matMul(n, params.get('proj.weight')!, false, true), params.get('proj.bias')!);
      const logits = tf.matMul(o, params.get('embed.weight')!, false, true);
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(targets, 10)), -1))) as tf.Scalar;
    });
  const counts: number[] = [];
  const losses: number[] = [];
  for (let step = 0; step < 50; step++) {
    for (let micro = 0; micro < 2; micro++) {
      const { value, grads } = tf.variableGrads(loss, [...params.values()]);
      const named = new Map([...params].map(([n, v]) => [n, grads[v.name]]));
      acc.add(named);
      if (micro === 0) losses.push(value.dataSync()[0]);
      value.dispose();
      tf.dispose(Object.values(grads));
    }
    const summed = acc.result();
    acc.reset();
    const clipped = clipByGlobalNorm(summed, 1.0);
    tf.dispose([...summed.values()]);
    opt.step(clipped.grads, schedule(step));
    tf.dispose([...clipped.grads.values()]);
    counts.push(tf.memory().numTensors);
  }
  opt.dispose();
  tf.dispose([ids, targets, ...params.values()]);
  return { counts, losses };
}

describe('no tensor leaks over 50 optimiser steps', () => {
  it.each([
    ['AdamW', 'cpu'],
    ['AdamW', 'wasm'],
    ['SGD', 'cpu'],
  ] as const)('%s on %s', async (kind, backend) => {
    await initBackend({ backend, log: () => undefined });
    const baseline = tf.memory().numTensors;
    const dataIds = () => (tf.engine().backend as unknown as { numDataIds(): number }).numDataIds();
    const baselineData = dataIds();
    const { counts, losses } = trainSteps(backend, (p) => (kind === 'AdamW' ? new AdamW(p, { weightDecay: 0.01 }) : new SGD(p, { momentum: 0.9 })));
    // State tensors appear on the first step; after that the count must stay flat.
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(counts[49]).toBe(counts[0]);
    expect(tf.memory().numTensors).toBe(baseline);
    expect(dataIds()).toBe(baselineData); // backend buffers too (wasm: incl. cached transposed weights)
    expect(losses[49]).toBeLessThan(losses[0]); // and it trains
    await initBackend({ backend: 'cpu' });
  });
});
