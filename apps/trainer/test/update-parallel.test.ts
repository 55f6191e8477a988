// The data-parallel RFAI update (rfai.workers): shards computed in worker processes with the parent's weights (and the
// frozen reference they were sent once) give the one-process update over two steps: loss and every logged statistic,
// and the weights afterwards; across loss aggregations, advantage estimators, KL estimators and placements, PPO
// epochs, gradient accumulation and LoRA. A dead worker is an error naming it.
import * as path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseConfigText, type RfaiConfig } from '@rfai/config';
import { applyLora, loadModel, withAdaptersDisabled, type CausalLM } from '@rfai/models';
import { computeAdvantages } from '@rfai/policy-gradient-kl';
import { createOptimizer } from '../src/train/optimizer';
import { policyUpdate, policyUpdateParallel, shardRanges, type UpdateBatch, type UpdateContext, type UpdateMetrics } from '../src/train/update';
import { TrainWorkers } from '../src/train/workers';
import { writeTinyModel } from './helpers';

jest.setTimeout(120_000);

const G = 4;

/** Two steps of 2 prompts x 4 samples: an empty completion, a truncated one, an ungraded one (reward NaN). */
const steps: Array<{ promptIds: number[][]; completionIds: number[][]; rewards: number[]; truncated: boolean[] }> = [
  {
    promptIds: [...Array(G).fill([65, 66, 67, 68, 69]), ...Array(G).fill([70, 71])],
    completionIds: [[72, 73, 74, 256], [75, 76], [], [77, 78, 79, 80, 81, 82], [83, 256], [84, 85, 86], [87, 88, 89, 90, 91, 92], [93]],
    rewards: [0.9, 0.2, 0.1, 0.5, 1.0, Number.NaN, 0.3, 0.7],
    truncated: [false, false, false, true, false, false, true, false],
  },
  {
    promptIds: [...Array(G).fill([40, 41, 42]), ...Array(G).fill([50, 51, 52, 53, 54, 55, 56])],
    completionIds: [[60, 61, 256], [62, 63, 64, 65], [66], [67, 68, 69, 70, 71, 72], [73, 74, 256], [75, 76, 77, 78, 79, 80], [81, 82], [83, 84, 85]],
    rewards: [0.1, 0.8, 0.4, 0.4, 0.0, 0.6, 0.9, 0.2],
    truncated: [false, false, false, true, false, true, false, false],
  },
];

function batchOf(s: (typeof steps)[number], cfg: RfaiConfig): UpdateBatch {
  const adv = computeAdvantages(s.rewards, s.rewards.map((_, i) => Math.floor(i / G)), {
    estimator: cfg.rfai.advantage_estimator,
    scaleByStd: cfg.rfai.scale_rewards,
  });
  return { promptIds: s.promptIds, completionIds: s.completionIds, advantages: adv.advantages, sampleMask: adv.sampleMask, truncated: s.truncated };
}

function weights(model: CausalLM): Float32Array[] {
  return [...model.trainableParams().values()].map((v) => (v.dataSync() as Float32Array).slice());
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => x.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i][j])))));
  return worst;
}

const STATS: Array<keyof UpdateMetrics> = ['loss', 'policy_loss', 'kl', 'kl_max', 'entropy', 'clip_fraction', 'approx_kl', 'grad_norm'];

function expectSameMetrics(b: UpdateMetrics, a: UpdateMetrics): void {
  for (const k of STATS) {
    const x = a[k] as number;
    const y = b[k] as number;
    // ~1e-5 relative: float32 sums in another order. kl_max is the largest per-token KL of the batch, with k2 a
    // squared log-ratio: in the 3rd PPO epoch, after two optimizer steps whose weights differ by ~1e-5, it moves by
    // up to 2.5e-5 at 0.46 (the mean statistics by less than 3e-6), so it gets 1e-4.
    const tol = k === 'kl_max' ? 1e-4 : 1e-5;
    expect(Math.abs(y - x)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(x)));
  }
  expect(b.tokens).toBe(a.tokens);
  expect(b.dropped_samples).toBe(a.dropped_samples);
  expect(b.skipped_updates).toBe(a.skipped_updates);
}

const COMBOS: Array<{ name: string; overrides: string[] }> = [
  { name: 'grpo, token-mean, k3 in the loss', overrides: [] },
  {
    name: 'rloo, sequence-mean, kl in the reward, entropy bonus, 2 PPO epochs, 2 micro-batches, mask_truncated',
    overrides: [
      'rfai.advantage_estimator=rloo',
      'rfai.loss_aggregation=sequence-mean',
      'rfai.kl_placement=reward',
      'rfai.kl_estimator=k1',
      'rfai.entropy_coef=0.01',
      'rfai.update_epochs=2',
      'rfai.clip_epsilon=0.1',
      'training.gradient_accumulation_steps=2',
      'rfai.mask_truncated=true',
    ],
  },
  { name: 'grpo without std scaling, constant, k2, 3 epochs', overrides: ['rfai.scale_rewards=false', 'rfai.loss_aggregation=constant', 'rfai.kl_estimator=k2', 'rfai.update_epochs=3'] },
];

function config(overrides: string[]): RfaiConfig {
  return parseConfigText('', 'test', {
    overrides: ['training.batch_size=2', `rfai.num_samples_per_prompt=${G}`, 'rfai.max_new_tokens=8', 'training.learning_rate=0.01', ...overrides],
  });
}

/** Two updates (kl_coef moving between them, as the adaptive controller does) with one process and with workers. */
async function compare(one: CausalLM, par: CausalLM, refOne: UpdateContext['withReference'], refPar: UpdateContext['withReference'], cfg: RfaiConfig, workers: TrainWorkers) {
  const optOne = createOptimizer(one.trainableParams(), cfg);
  const optPar = createOptimizer(par.trainableParams(), cfg);
  const before = weights(par);
  try {
    for (const [k, s] of steps.entries()) {
      const klCoef = k === 0 ? 0.1 : 0.13;
      const ctx = (policy: CausalLM, withReference: UpdateContext['withReference'], optimizer: typeof optOne): UpdateContext => ({
        policy,
        withReference,
        optimizer,
        lr: 0.01,
        klCoef,
        padId: 256,
        cfg,
      });
      const a = policyUpdate(ctx(one, refOne, optOne), batchOf(s, cfg));
      const b = await policyUpdateParallel(ctx(par, refPar, optPar), batchOf(s, cfg), workers);
      expectSameMetrics(b, a);
      expect(Math.abs(a.kl)).toBeGreaterThan(1e-4); // the reference differs from the policy: the workers' reference is really used
      expect(a.skipped_updates).toBe(0);
    }
    // AdamW divides by the gradient scale, so float32 rounding in the order of the sums shows in the weights, about
    // 1e-5 per optimizer step of lr 0.01 (0.1% of a step): the one-process update itself, with 2 or 4 micro-batches
    // instead of 1, differs by up to 3e-5 after the 4 steps of the PPO combination below.
    const optimizerSteps = steps.length * cfg.rfai.update_epochs;
    expect(maxAbsDiff(weights(one), weights(par))).toBeLessThan(1e-5 * optimizerSteps);
    expect(maxAbsDiff(before, weights(par))).toBeGreaterThan(1e-3); // the steps did move the weights
  } finally {
    optOne.dispose();
    optPar.dispose();
  }
}

describe('data-parallel RFAI update', () => {
  let dir: string;
  let refDir: string;
  beforeAll(async () => {
    dir = await writeTinyModel(mkdtempSync(path.join(tmpdir(), 'rfai-updp-')));
    refDir = await writeTinyModel(mkdtempSync(path.join(tmpdir(), 'rfai-updp-ref-')), undefined, 5);
  });

  // With 2 workers the weights sent at start go in pieces of 999 elements (every tensor of the tiny model in several,
  // the last one partial), as a 0.6 B base goes in pieces of 16 Mi.
  it.each([
    [1, undefined],
    [2, 999],
  ])('full fine-tuning with %p worker(s) equals the one-process update over two steps (weight pieces %p)', async (n, pieceElements) => {
    const ref = await loadModel(refDir);
    const withRef: UpdateContext['withReference'] = (fn) => fn(ref);
    const starter = await loadModel(dir);
    const workers = await TrainWorkers.start(starter, n, { backend: 'cpu', label: 'rfai', reference: ref, pieceElements });
    starter.dispose();
    try {
      expect(workers.workers).toBe(n);
      for (const combo of COMBOS) {
        const one = await loadModel(dir);
        const par = await loadModel(dir);
        try {
          await compare(one, par, withRef, withRef, config(combo.overrides), workers);
        } catch (e) {
          (e as Error).message = `${combo.name}: ${(e as Error).message}`;
          throw e;
        } finally {
          one.dispose();
          par.dispose();
        }
      }
    } finally {
      workers.close();
      ref.dispose();
    }
  });

  it.each([
    [1, undefined],
    [2, 999],
  ])('LoRA with %p worker(s): adapter gradients only, the reference is the base with adapters off (weight pieces %p)', async (n, pieceElements) => {
    const lora = async () => {
      const m = await loadModel(dir);
      applyLora(m, { r: 4, alpha: 8, targetModules: ['q_proj', 'v_proj', 'down_proj'], seed: 7 });
      return m;
    };
    const one = await lora();
    const par = await lora();
    const base = weights(await loadModel(dir));
    const workers = await TrainWorkers.start(par, n, { backend: 'cpu', label: 'rfai', reference: par, pieceElements });
    try {
      const cfg = config(['rfai.loss_aggregation=sequence-mean', 'rfai.update_epochs=2', 'model.lora.enabled=true']);
      // Fresh adapters (B = 0) leave the policy equal to the base: move them once so that the KL is not 0.
      const nudge = (m: CausalLM) => {
        for (const [k, v] of m.trainableParams()) if (k.endsWith('lora_B.weight')) v.assign(v.add(0.05));
      };
      nudge(one);
      nudge(par);
      await compare(
        one,
        par,
        (fn) => withAdaptersDisabled(one, () => fn(one)),
        (fn) => withAdaptersDisabled(par, () => fn(par)),
        cfg,
        workers,
      );
      // the base did not move
      const frozen = (m: CausalLM) => [...m.params.values()].map((v) => (v.dataSync() as Float32Array).slice());
      expect(maxAbsDiff(base, frozen(par))).toBe(0);
    } finally {
      workers.close();
      one.dispose();
      par.dispose();
    }
  });

  it('a worker that dies fails the update with an error naming it', async () => {
    const ref = await loadModel(refDir);
    const par = await loadModel(dir);
    const cfg = config([]);
    const opt = createOptimizer(par.trainableParams(), cfg);
    const workers = await TrainWorkers.start(par, 2, { backend: 'cpu', label: 'rfai', reference: ref });
    try {
      (workers as unknown as { pool: Array<{ child: { kill(s: string): void } }> }).pool[1].child.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 300));
      const ctx: UpdateContext = { policy: par, withReference: (fn) => fn(ref), optimizer: opt, lr: 0.01, klCoef: 0.1, padId: 256, cfg };
      await expect(policyUpdateParallel(ctx, batchOf(steps[0], cfg), workers)).rejects.toThrow(/rfai worker 2 exited \(SIGKILL\)/);
    } finally {
      workers.close();
      opt.dispose();
      par.dispose();
      ref.dispose();
    }
  });

  it('a warm-up worker (no reference) refuses an RFAI shard with a clear error', async () => {
    const par = await loadModel(dir);
    const cfg = config([]);
    const opt = createOptimizer(par.trainableParams(), cfg);
    const workers = await TrainWorkers.start(par, 1, { backend: 'cpu', label: 'sft' });
    try {
      const ctx: UpdateContext = { policy: par, withReference: (fn) => fn(par), optimizer: opt, lr: 0.01, klCoef: 0.1, padId: 256, cfg };
      await expect(policyUpdateParallel(ctx, batchOf(steps[0], cfg), workers)).rejects.toThrow(/sft worker 1: .*holds no reference model/);
    } finally {
      workers.close();
      opt.dispose();
      par.dispose();
    }
  });
});

describe('shardRanges', () => {
  const rows = (lens: number[], prompt = 2): UpdateBatch => ({
    promptIds: lens.map(() => Array(prompt).fill(65)),
    completionIds: lens.map((n) => Array(n).fill(66)),
    advantages: new Float32Array(lens.length),
    sampleMask: new Float32Array(lens.length).fill(1),
    truncated: lens.map(() => false),
  });

  it('cuts contiguous ranges of about equal prompt + completion tokens', () => {
    expect(shardRanges(rows([4, 4, 4, 4]), 2)).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(shardRanges(rows([18, 2, 2, 2, 2, 2]), 2)).toEqual([
      [0, 1],
      [1, 6],
    ]);
    expect(shardRanges(rows([4, 4, 4, 4, 4, 4]), 3)).toEqual([
      [0, 2],
      [2, 4],
      [4, 6],
    ]);
  });

  it('never leaves a range without a scored row, and covers every row once', () => {
    expect(shardRanges(rows([0, 0, 5, 5]), 2)).toEqual([
      [0, 3],
      [3, 4],
    ]);
    expect(shardRanges(rows([5, 0, 0, 0]), 2)).toEqual([[0, 4]]);
    expect(shardRanges(rows([0, 0]), 2)).toEqual([[0, 2]]);
    expect(shardRanges(rows([3, 3]), 4)).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });
});
