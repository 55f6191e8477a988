// The warm-up step's loss: reference tokens always weigh 1; with sft.prompt_loss_weight w > 0 the prompt tokens
// (after the first) join the objective with weight w. Checked against a second computation on the full sequence
// (model.forward logits, log-softmax, gather), and the reported loss stays the reference tokens' mean NLL.
import * as path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { globalNorm, tf } from '@rfai/core';
import { parseConfigText } from '@rfai/config';
import { loadModel, type CausalLM } from '@rfai/models';
import { createOptimizer } from '../src/train/optimizer';
import { sftStep } from '../src/train/sft';
import { writeTinyModel } from './helpers';

const seqs = [
  { prompt: [65, 66, 67, 68], completion: [72, 73, 74, 256] },
  { prompt: [70, 71], completion: [75, 76, 256] },
  { prompt: [90, 91, 92], completion: [77] },
];
const refTokens = seqs.reduce((a, s) => a + s.completion.length, 0);

/** Objective and reference NLL from full-sequence logits, and the gradient norm of the objective. */
function direct(model: CausalLM, w: number): { objective: number; refNll: number; gradNorm: number } {
  const vars = model.trainableParams();
  let refNll = 0;
  const { value, grads } = tf.variableGrads(() => {
    let obj = tf.scalar(0);
    for (const s of seqs) {
      const ids = [...s.prompt, ...s.completion];
      const logits = model.forward([ids.slice(0, -1)]); // [1, L-1, V]
      const lsm = tf.logSoftmax(tf.squeeze(logits, [0]) as tf.Tensor2D);
      const lp = tf.sum(tf.mul(lsm, tf.oneHot(ids.slice(1), lsm.shape[1])), 1); // log p(ids[t+1] | ids[..t])
      const weights = ids.slice(1).map((_, t) => (t + 1 >= s.prompt.length ? 1 : w));
      const isRef = ids.slice(1).map((_, t) => (t + 1 >= s.prompt.length ? 1 : 0));
      refNll -= tf.sum(tf.mul(lp, tf.tensor1d(isRef))).dataSync()[0];
      obj = tf.sub(obj, tf.sum(tf.mul(lp, tf.tensor1d(weights))));
    }
    return tf.div(obj, refTokens) as tf.Scalar;
  }, [...vars.values()]);
  const norm = globalNorm(new Map(Object.entries(grads)));
  const out = { objective: value.dataSync()[0], refNll: refNll / refTokens, gradNorm: norm };
  value.dispose();
  Object.values(grads).forEach((g) => g.dispose());
  return out;
}

describe('sftStep', () => {
  it.each([0, 0.25, 1])('prompt_loss_weight %p: the gradient is the weighted objective\'s, the loss the reference tokens\' NLL', async (w) => {
    const dir = await writeTinyModel(mkdtempSync(path.join(tmpdir(), 'rfai-sft-')));
    const model = await loadModel(dir);
    const expected = direct(model, w);
    const cfg = parseConfigText('', 'test', { overrides: [] });
    const opt = createOptimizer(model.trainableParams(), cfg);
    const m = sftStep(model, opt, seqs, { lr: 0.01, maxGradNorm: 0, padId: 256, microBatches: 2, promptLossWeight: w });
    expect(m.tokens).toBe(refTokens);
    expect(m.loss).toBeCloseTo(expected.refNll, 4);
    expect(m.grad_norm).toBeCloseTo(expected.gradNorm, 4);
    if (w > 0) expect(expected.objective).toBeGreaterThan(expected.refNll + 0.1); // the prompt tokens do count
    opt.dispose();
    model.dispose();
  });
});
