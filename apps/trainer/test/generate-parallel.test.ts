// Sampling over worker processes (rfai.parallel_generation): the rows a worker decodes with the parent's current
// weights (LoRA adapters included) and its own share of the per-row generators are the rows one process gives with
// the same generators; the run's generator advances the same; every row is reported once; a worker started without
// the tokenizer refuses with a clear error.
import * as path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Rng } from '@rfai/core';
import { applyLora, ByteTokenizer, generate, loadModel, tokenizerSpec, type CausalLM, type GenerationResult } from '@rfai/models';
import { generateParallel } from '../src/train/parallel-generation';
import { TrainWorkers } from '../src/train/workers';
import { writeTinyModel } from './helpers';

jest.setTimeout(120_000);

const tokenizer = new ByteTokenizer();
const prompts = ['def add(a, b):', 'fn max_of(v: &[i32]) -> i32 {', 'def add(a, b):', 'int square(int x) {', 'func Sum(xs []int) int {'].map((p) =>
  tokenizer.encode(p),
);

/** The tiny model with LoRA adapters moved away from zero, so that a worker ignoring them would sample otherwise. */
async function policy(dir: string): Promise<CausalLM> {
  const m = await loadModel(dir);
  applyLora(m, { r: 4, alpha: 8, targetModules: ['q_proj', 'v_proj', 'down_proj'], seed: 7 });
  for (const [k, v] of m.trainableParams()) if (k.endsWith('lora_B.weight')) v.assign(v.add(0.3));
  return m;
}

function expectSameRows(got: GenerationResult[], want: GenerationResult[]): void {
  expect(got.map((r) => r.ids)).toEqual(want.map((r) => r.ids));
  expect(got.map((r) => r.text)).toEqual(want.map((r) => r.text));
  expect(got.map((r) => r.finishReason)).toEqual(want.map((r) => r.finishReason));
  got.forEach((r, i) => r.logprobs.forEach((lp, j) => expect(lp).toBeCloseTo(want[i].logprobs[j], 5)));
}

describe('generateParallel', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await writeTinyModel(mkdtempSync(path.join(tmpdir(), 'rfai-genp-')));
  });

  it.each([1, 2])('with %p worker(s): the rows of one process with the same per-row generators, each reported once', async (n) => {
    const model = await policy(dir);
    const workers = await TrainWorkers.start(model, n, { backend: 'cpu', label: 'rfai', reference: model, tokenizer: tokenizerSpec(tokenizer) });
    try {
      expect(workers.canGenerate).toBe(true);
      // A stop string, an eos and the length limit all occur among these rows.
      const opts = { maxNewTokens: 24, temperature: 1.3, topK: 40, stopStrings: ['\n'], tokenizer };
      const mine = new Rng(11);
      const rowRngs = prompts.map(() => mine.fork());
      const want = generate(model, prompts, { ...opts, rowRngs });

      const rng = new Rng(11);
      const reported: Array<[number, GenerationResult]> = [];
      const got = await generateParallel(model, prompts, { ...opts, rng, onFinished: (i, r) => reported.push([i, r]) }, workers);
      expectSameRows(got, want);
      expect(rng.getState()).toEqual(mine.getState());
      expect(reported.map(([i]) => i).sort()).toEqual([0, 1, 2, 3, 4]);
      reported.forEach(([i, r]) => expect(r).toEqual(got[i]));
      expect(new Set(want.map((r) => r.finishReason)).size).toBeGreaterThan(1);
      // Two samples of one prompt (rows 0 and 2) drew from different generators.
      expect(got[0].ids).not.toEqual(got[2].ids);

      // Greedy rows need no generator; the weights of this call are sent again (the adapters moved since).
      for (const [k, v] of model.trainableParams()) if (k.endsWith('lora_B.weight')) v.assign(v.mul(-1));
      const greedy = { maxNewTokens: 16, greedy: true, tokenizer };
      expectSameRows(await generateParallel(model, prompts, greedy, workers), generate(model, prompts, greedy));
    } finally {
      workers.close();
      model.dispose();
    }
  });

  it('workers started without the tokenizer refuse to sample, with a clear error', async () => {
    const model = await policy(dir);
    const workers = await TrainWorkers.start(model, 1, { backend: 'cpu', label: 'rfai', reference: model });
    try {
      expect(workers.canGenerate).toBe(false);
      await expect(generateParallel(model, prompts, { maxNewTokens: 4, greedy: true, tokenizer }, workers)).rejects.toThrow(
        /rfai workers: started without the student's tokenizer, they cannot sample/,
      );
    } finally {
      workers.close();
      model.dispose();
    }
  });
});
