// The policy update: gradient accumulation over micro-batches must give the
// same step as one full batch (the loss normaliser is the whole step's), and
// the first update moves every trainable parameter.
import * as path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { tf } from '@rfai/core';
import { parseConfigText } from '@rfai/config';
import { CausalLM, loadModel } from '@rfai/models';
import { createOptimizer } from '../src/train/optimizer';
import { policyUpdate, type UpdateBatch } from '../src/train/update';
import { writeTinyModel } from './helpers';

async function setup() {
  const dir = await writeTinyModel(mkdtempSync(path.join(tmpdir(), 'rfai-upd-')));
  const policy = await loadModel(dir);
  const refModel = await loadModel(dir);
  return { policy, refModel };
}

const batch: UpdateBatch = {
  promptIds: [
    [65, 66, 67],
    [65, 66, 67],
    [70, 71],
    [70, 71],
  ],
  completionIds: [[72, 73, 74, 256], [75, 76], [77, 78, 79], [80]],
  advantages: new Float32Array([1.2, -0.4, 0.7, -1.5]),
  sampleMask: new Float32Array([1, 1, 1, 1]),
  truncated: [false, false, true, false],
};

function run(policy: CausalLM, ref: CausalLM, overrides: string[]) {
  const cfg = parseConfigText('', 'test', {
    overrides: ['training.batch_size=2', 'rfai.num_samples_per_prompt=2', 'training.learning_rate=0.01', 'rfai.kl_coef=0.1', ...overrides],
  });
  const opt = createOptimizer(policy.trainableParams(), cfg);
  const m = policyUpdate({ policy, withReference: (fn) => fn(ref), optimizer: opt, lr: 0.01, klCoef: 0.1, padId: 256, cfg }, batch);
  opt.dispose();
  return m;
}

function snapshot(model: CausalLM): Map<string, Float32Array> {
  return new Map([...model.params].map(([k, v]) => [k, v.dataSync().slice() as Float32Array]));
}

describe('policyUpdate', () => {
  it('accumulating over 2 or 4 micro-batches equals one full batch', async () => {
    const a = await setup();
    const b = await setup();
    const c = await setup();
    const before = snapshot(a.policy);
    const ma = run(a.policy, a.refModel, ['training.gradient_accumulation_steps=1']);
    const mb = run(b.policy, b.refModel, ['training.gradient_accumulation_steps=2']);
    const mc = run(c.policy, c.refModel, ['training.gradient_accumulation_steps=4']);
    expect(mb.loss).toBeCloseTo(ma.loss, 5);
    expect(mc.loss).toBeCloseTo(ma.loss, 5);
    expect(mb.grad_norm).toBeCloseTo(ma.grad_norm, 4);
    expect(mc.grad_norm).toBeCloseTo(ma.grad_norm, 4);
    expect(ma.tokens).toBe(10);
    let maxDiff = 0;
    let changed = 0;
    for (const [k, v] of a.policy.params) {
      const x = v.dataSync();
      const y = b.policy.params.get(k)!.dataSync();
      const z = c.policy.params.get(k)!.dataSync();
      const x0 = before.get(k)!;
      let moved = false;
      for (let i = 0; i < x.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]), Math.abs(x[i] - z[i]));
        if (x[i] !== x0[i]) moved = true;
      }
      if (moved) changed++;
    }
    // AdamW's first step moves every parameter by about lr * sign(g); float32 summation order differs slightly.
    expect(maxDiff).toBeLessThan(1e-5);
    expect(changed).toBe(a.policy.params.size);
    expect(ma.kl).toBe(0); // policy == reference before the step
    expect(Number.isFinite(ma.entropy) && ma.entropy > 0).toBe(true);
    for (const s of [a, b, c]) {
      s.policy.dispose();
      s.refModel.dispose();
    }
  });

  it('does not leak tensors', async () => {
    const s = await setup();
    run(s.policy, s.refModel, []);
    const n = tf.memory().numTensors;
    run(s.policy, s.refModel, ['training.gradient_accumulation_steps=2']);
    run(s.policy, s.refModel, []);
    // Each run creates and disposes its own optimizer; the model's tensors stay.
    expect(tf.memory().numTensors).toBe(n);
    s.policy.dispose();
    s.refModel.dispose();
  });

  it('a dropped (ungraded) sample contributes nothing: same update as the batch without it', async () => {
    const s = await setup();
    const t = await setup();
    const cfg = parseConfigText('', 'test', { overrides: ['training.batch_size=2', 'rfai.num_samples_per_prompt=2', 'rfai.kl_coef=0.1'] });
    const upd = (m: { policy: CausalLM; refModel: CausalLM }, b: UpdateBatch) => {
      const opt = createOptimizer(m.policy.trainableParams(), cfg);
      const r = policyUpdate({ policy: m.policy, withReference: (fn) => fn(m.refModel), optimizer: opt, lr: 0.01, klCoef: 0.1, padId: 256, cfg }, b);
      opt.dispose();
      return r;
    };
    const m1 = upd(s, { ...batch, advantages: new Float32Array([1.2, -0.4, 0.7, 0]), sampleMask: new Float32Array([1, 1, 1, 0]) });
    const m2 = upd(t, {
      promptIds: batch.promptIds.slice(0, 3),
      completionIds: batch.completionIds.slice(0, 3),
      advantages: new Float32Array([1.2, -0.4, 0.7]),
      sampleMask: new Float32Array([1, 1, 1]),
      truncated: batch.truncated.slice(0, 3),
    });
    expect(m1.tokens).toBe(9);
    expect(m1.dropped_samples).toBe(1);
    expect(m1.loss).toBeCloseTo(m2.loss, 6);
    for (const [k, v] of s.policy.params) {
      const x = v.dataSync();
      const y = t.policy.params.get(k)!.dataSync();
      for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThan(1e-6);
    }
    for (const m of [s, t]) {
      m.policy.dispose();
      m.refModel.dispose();
    }
  });
});
