import { tf } from '@rfai/core';
import { attentionLayout, disposeCache, type CausalLM } from './decoder';
import { fixtureModel, tinyConfig } from './__fixtures__/models';
import { fixtureRandom, referenceLogits } from './__fixtures__/reference';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('decoder forward vs an independent float64 reference', () => {
  const r = fixtureRandom(7);
  const ids = Array.from({ length: 11 }, () => Math.floor(r() * 99));
  for (const mt of ['llama', 'qwen2', 'qwen3'] as const) {
    it(`${mt}: logits match to 1e-4`, () => {
      const cfg = tinyConfig(mt, mt === 'llama' ? { attention_bias: true } : {});
      const { weights, model } = fixtureModel(cfg, 3);
      const logits = model.forward([ids]);
      expect(logits.shape).toEqual([1, ids.length, 99]);
      const ref = referenceLogits(cfg as never, weights, ids).flat();
      const got = logits.dataSync();
      expect(maxAbsDiff(got, ref)).toBeLessThan(1e-4);
      // The fixture is not degenerate: logits vary by more than the tolerance.
      expect(Math.max(...ref) - Math.min(...ref)).toBeGreaterThan(1);
      logits.dispose();
      model.dispose();
    });
  }

  it('left padding: a padded row gives the same logits as the unpadded sequence', () => {
    const cfg = tinyConfig('qwen3');
    const { weights, model } = fixtureModel(cfg, 5);
    const short = ids.slice(0, 6);
    const logits = model.forward(
      [ids, [0, 0, 0, 0, 0, ...short]],
      [ids.map(() => 1), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]],
    );
    const row1 = tf.slice(logits, [1, 5, 0], [1, 6, 99]);
    const ref = referenceLogits(cfg as never, weights, short).flat();
    expect(maxAbsDiff(row1.dataSync(), ref)).toBeLessThan(1e-4);
    tf.dispose([logits, row1]);
    model.dispose();
  });
});

describe('hiddenStates outputFrom (the last layer on the needed columns only)', () => {
  const r = fixtureRandom(11);
  const rows = [Array.from({ length: 9 }, () => Math.floor(r() * 99)), Array.from({ length: 9 }, () => Math.floor(r() * 99))];
  const mask = [rows[0].map(() => 1), [0, 0, 0, 1, 1, 1, 1, 1, 1]];

  /** Hidden states (all columns, or from `from`) and gradients of a weighted sum of the kept columns. */
  function run(model: CausalLM, from: number, checkpointing: boolean | number | 'auto') {
    model.gradientCheckpointing = checkpointing;
    const { positions, bias } = attentionLayout(mask, 9);
    const E = model.config.hidden_size;
    const wts = tf.tensor2d(Array.from({ length: 2 * (9 - 5) * E }, (_, i) => Math.sin(i)), [2 * (9 - 5), E]);
    let hidden: Float32Array | null = null;
    const vars = [...model.trainableParams().values()];
    const { value, grads } = tf.variableGrads(() => {
      const ids = tf.tensor2d(rows.flat(), [2, 9], 'int32');
      const h = model.hiddenStates({ ids, positions, bias: tf.tensor4d(bias, [2, 1, 9, 9]), outputFrom: from }).hidden;
      // Columns 5..8 of each row: sliced out of the full result, or all of the outputFrom = 5 result.
      const kept = from === 5 ? h : tf.reshape(tf.slice(tf.reshape(h, [2, 9, E]), [0, 5, 0], [2, 4, E]), [8, E]);
      hidden = kept.dataSync() as Float32Array;
      return tf.sum(tf.mul(kept, wts)) as tf.Scalar;
    }, vars);
    // The LM head (untied) gets none: hidden states stop before it.
    const g = vars.filter((v) => grads[v.name] !== undefined).map((v) => grads[v.name].dataSync() as Float32Array);
    tf.dispose([value, wts, ...Object.values(grads)]);
    model.gradientCheckpointing = false;
    return { hidden: hidden!, grads: g };
  }

  for (const mt of ['llama', 'qwen3'] as const) {
    it(`${mt}: equals slicing the full result, values and gradients, with gradient checkpointing of no, some and all layers`, () => {
      const { model } = fixtureModel(tinyConfig(mt, mt === 'llama' ? { attention_bias: true } : {}), 4);
      const full = run(model, 0, false);
      const L = model.config.num_hidden_layers;
      expect(L).toBeGreaterThan(1);
      // Every layer, none, the first one only (some layers recomputed, some on the tape), and 'auto' (off wasm: none).
      for (const [checkpointing, layers] of [[false, 0], [true, L], [1, 1], ['auto', 0]] as const) {
        const part = run(model, 5, checkpointing);
        expect(model.lastCheckpointedLayers).toBe(layers);
        expect(part.hidden.length).toBe(full.hidden.length);
        expect(maxAbsDiff(part.hidden, full.hidden)).toBeLessThan(1e-5);
        expect(part.grads.length).toBe(full.grads.length);
        full.grads.forEach((g, i) => expect(maxAbsDiff(part.grads[i], g)).toBeLessThan(1e-5));
      }
      // Not degenerate: the gradients reach the last layer's MLP, and it is the layer that ran on 4 columns.
      expect(Math.max(...full.grads.map((g) => Math.max(...g.map(Math.abs))))).toBeGreaterThan(1e-3);
      model.dispose();
    });
  }

  it('keeps every column of the keys/values (a cache built with outputFrom continues as without it)', () => {
    const { model } = fixtureModel(tinyConfig('qwen3'), 6);
    const { positions, bias } = attentionLayout(mask, 9);
    const ids = tf.tensor2d(rows.flat(), [2, 9], 'int32');
    const a = model.hiddenStates({ ids, positions, bias: tf.tensor4d(bias, [2, 1, 9, 9]) });
    const b = model.hiddenStates({ ids, positions, bias: tf.tensor4d(bias, [2, 1, 9, 9]), outputFrom: 8 });
    expect(b.hidden.shape).toEqual([2, model.config.hidden_size]);
    a.present.layers.forEach((l, i) => {
      expect(maxAbsDiff(b.present.layers[i].k.dataSync(), l.k.dataSync())).toBe(0);
      expect(maxAbsDiff(b.present.layers[i].v.dataSync(), l.v.dataSync())).toBe(0);
    });
    expect(() => model.hiddenStates({ ids, positions, bias: tf.tensor4d(bias, [2, 1, 9, 9]), outputFrom: 9 })).toThrow(
      /outputFrom must be an integer in \[0, 8\] \(T = 9\), found 9/,
    );
    tf.dispose([ids, a.hidden, b.hidden]);
    disposeCache(a.present);
    disposeCache(b.present);
    model.dispose();
  });
});
