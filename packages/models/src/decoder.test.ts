import { tf } from '@rfai/core';
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
