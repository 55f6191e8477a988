// The data-parallel warm-up step (sft.workers): shards computed in worker processes with the parent's weights give
// the one-process step (loss, gradient norm and the weights after two steps), and a dead worker is an error.
import * as path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseConfigText } from '@rfai/config';
import { loadModel, type CausalLM } from '@rfai/models';
import { createOptimizer } from '../src/train/optimizer';
import { balancedShards, shardTokens, sftStep, sftStepParallel, type SftRow, type SftStepOptions } from '../src/train/sft';
import { TrainWorkers } from '../src/train/workers';
import { writeTinyModel } from './helpers';

const batches = [
  [
    { prompt: [65, 66, 67, 68], completion: [72, 73, 74, 256] },
    { prompt: [70, 71], completion: [75, 76, 256] },
    { prompt: [90, 91, 92], completion: [77] },
    { prompt: [40, 41, 42, 43, 44], completion: [50, 51, 256] },
    { prompt: [33], completion: [34, 35, 36, 37, 256] },
  ],
  [
    { prompt: [65, 70, 75], completion: [80, 256] },
    { prompt: [66, 71], completion: [81, 82, 83, 256] },
    { prompt: [67, 72, 77, 82], completion: [84, 256] },
  ],
];

function weights(model: CausalLM): Float32Array[] {
  return [...model.params.values()].map((v) => (v.dataSync() as Float32Array).slice());
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => x.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i][j])))));
  return worst;
}

describe('data-parallel warm-up step', () => {
  const cfg = parseConfigText('', 'test', { overrides: [] });
  const o: SftStepOptions = { lr: 0.01, maxGradNorm: 1, padId: 256, microBatches: 1, promptLossWeight: 0.25 };
  let dir: string;
  beforeAll(async () => {
    dir = await writeTinyModel(mkdtempSync(path.join(tmpdir(), 'rfai-sftdp-')));
  });

  it.each([1, 2])('with %p worker(s) equals the one-process step over two steps', async (n) => {
    const one = await loadModel(dir);
    const par = await loadModel(dir);
    const optOne = createOptimizer(one.trainableParams(), cfg);
    const optPar = createOptimizer(par.trainableParams(), cfg);
    const workers = await TrainWorkers.start(par, n, { backend: 'cpu', label: 'sft' });
    try {
      expect(workers.workers).toBe(n);
      for (const seqs of batches) {
        const a = sftStep(one, optOne, seqs, o);
        const b = await sftStepParallel(par, optPar, seqs, o, workers);
        expect(b.tokens).toBe(a.tokens);
        expect(b.loss).toBeCloseTo(a.loss, 5);
        expect(b.grad_norm).toBeCloseTo(a.grad_norm, 5);
        expect(b.skipped).toBe(false);
      }
      // AdamW divides by the gradient scale, so rounding in the shard sums shows at ~1e-6 of the weights after two
      // steps of lr 0.01: the tolerance is 0.1% of one step.
      expect(maxAbsDiff(weights(one), weights(par))).toBeLessThan(1e-5);
      // the steps did move the weights
      const fresh = await loadModel(dir);
      expect(maxAbsDiff(weights(fresh), weights(par))).toBeGreaterThan(1e-3);
      fresh.dispose();
    } finally {
      workers.close();
      optOne.dispose();
      optPar.dispose();
      one.dispose();
      par.dispose();
    }
  });

  it('a worker ignores SIGINT and SIGTERM (Ctrl-C reaches the process group; the parent stops the run)', async () => {
    const par = await loadModel(dir);
    const opt = createOptimizer(par.trainableParams(), cfg);
    const workers = await TrainWorkers.start(par, 1, { backend: 'cpu', label: 'sft' });
    try {
      const child = (workers as unknown as { pool: Array<{ child: { pid: number } }> }).pool[0].child;
      process.kill(child.pid, 'SIGINT');
      process.kill(child.pid, 'SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      const m = await sftStepParallel(par, opt, batches[0], o, workers);
      expect(m.skipped).toBe(false);
    } finally {
      workers.close();
      opt.dispose();
      par.dispose();
    }
  });

  it('a worker that dies fails the step with an error naming it', async () => {
    const par = await loadModel(dir);
    const opt = createOptimizer(par.trainableParams(), cfg);
    const workers = await TrainWorkers.start(par, 1, { backend: 'cpu', label: 'sft' });
    try {
      (workers as unknown as { pool: Array<{ child: { kill(s: string): void } }> }).pool[0].child.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 300));
      await expect(sftStepParallel(par, opt, batches[0], o, workers)).rejects.toThrow(/sft worker 1 exited \(SIGKILL\)/);
    } finally {
      workers.close();
      opt.dispose();
      par.dispose();
    }
  });
});

describe('balancedShards (the warm-up batch cut for the processes)', () => {
  const row = (p: number, c: number, tag: number): SftRow => ({ prompt: Array.from({ length: p }, () => tag), completion: Array.from({ length: c }, () => tag) });

  it('puts every row in exactly one non-empty shard and evens the padded sizes: the long rows get fewer companions', () => {
    // 16 rows with prompts of 100, 105, ..., 175 tokens in shuffled order, completions 8. Halves by position each
    // pad to 170 and 175 tokens: 8 x 177 and 8 x 182 tokens. By length: the 9 shortest (up to 140: 9 x 147) and the 7 longest.
    const rows = Array.from({ length: 16 }, (_, i) => row(100 + 5 * ((i * 7) % 16), 8, i));
    const halves = [rows.slice(0, 8), rows.slice(8)].map(shardTokens);
    expect(halves).toEqual([8 * 177, 8 * 182]);
    const shards = balancedShards(rows, 2);
    expect(shards.map((s) => s.length)).toEqual([9, 7]);
    expect(shards.map(shardTokens)).toEqual([9 * 147, 7 * 182]);
    const tags = shards.flat().map((r) => r.prompt[0]).sort((x, y) => x - y);
    expect(tags).toEqual(rows.map((_, i) => i));
  });

  it('is exact: no contiguous cut of the length order has a smaller largest shard (3 parts, uneven rows)', () => {
    const lens = [[120, 5], [90, 14], [150, 7], [101, 3], [133, 30], [95, 8], [160, 6], [110, 12], [99, 4], [141, 9]];
    const rows = lens.map(([p, c], i) => row(p, c, i));
    const got = Math.max(...balancedShards(rows, 3).map(shardTokens));
    const sorted = [...rows].sort((a, b) => a.prompt.length - b.prompt.length || a.completion.length - b.completion.length);
    let brute = Number.POSITIVE_INFINITY;
    for (let i = 1; i < rows.length - 1; i++) {
      for (let j = i + 1; j < rows.length; j++) {
        brute = Math.min(brute, Math.max(shardTokens(sorted.slice(0, i)), shardTokens(sorted.slice(i, j)), shardTokens(sorted.slice(j))));
      }
    }
    expect(got).toBe(brute);
    expect(balancedShards(rows, 1)).toEqual([sorted]);
    expect(() => balancedShards(rows, 11)).toThrow(/parts must be in \[1, 10\], found 11/);
  });
});
