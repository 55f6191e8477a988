/**
 * Sampling over this process and the update's worker processes (config `rfai.parallel_generation`).
 *
 * Decoding a large model reads every weight once per token: with two rows per step, Qwen2.5-0.5B streams 2 GB per
 * token and is bound by memory bandwidth, which one wasm thread cannot saturate. Splitting the rows over the
 * processes (each holds the model; the trainable weights travel with the request) runs the decodes side by side.
 *
 * Each row draws from its own generator, forked from the run's in row order, so a row's tokens are the same however
 * the rows are split (one process or several) and a seeded run repeats itself.
 */
import type { Rng } from '@rfai/core';
import { generateAsync, type CausalLM, type GenerateAsyncOptions, type GenerationResult } from '@rfai/models';
import { microBatches } from './update';
import type { TrainWorkers } from './workers';

/** Options of {@link generateParallel}: generateAsync's, with the run's generator (forked per row). */
export interface ParallelGenerateOptions extends Omit<GenerateAsyncOptions, 'rowRngs'> {
  rng?: Rng;
}

/**
 * Generates a completion for every prompt, this process taking the first share of the rows and each worker the
 * next ones (contiguous shares of equal size). `onFinished` is called for this process's rows as they finish and
 * for a worker's rows when its share arrives. The results are in prompt order.
 */
export async function generateParallel(
  model: CausalLM,
  promptIds: number[][],
  opts: ParallelGenerateOptions,
  workers: TrainWorkers,
): Promise<GenerationResult[]> {
  const greedy = opts.greedy === true || opts.temperature === 0;
  if (!greedy && !opts.rng) throw new Error('generateParallel: sampling needs the run\'s rng');
  const rowRngs = greedy ? null : promptIds.map(() => opts.rng!.fork());
  const shares = microBatches(promptIds.length, Math.min(promptIds.length, workers.workers + 1));
  const [[s0, e0], ...remote] = shares;
  const out = new Array<GenerationResult>(promptIds.length);
  const { results } = await workers.dispatchGenerate(
    model,
    remote.map(([s, e]) => ({ prompts: promptIds.slice(s, e), rngs: rowRngs ? rowRngs.slice(s, e).map((r) => r.getState()) : null })),
    {
      maxNewTokens: opts.maxNewTokens,
      temperature: opts.temperature,
      topK: opts.topK,
      topP: opts.topP,
      greedy: opts.greedy,
      stopStrings: opts.stopStrings,
      eosTokenIds: opts.eosTokenIds,
    },
  );
  const arrived = results.then((shards) =>
    shards.forEach((rows, k) => {
      const [s] = remote[k];
      rows.forEach((r, i) => {
        out[s + i] = r;
        opts.onFinished?.(s + i, r);
      });
    }),
  );
  arrived.catch(() => undefined); // awaited below, after this process's share
  const local = await generateAsync(model, promptIds.slice(s0, e0), {
    ...opts,
    rng: undefined,
    rowRngs: rowRngs ? rowRngs.slice(s0, e0) : undefined,
    onFinished: opts.onFinished ? (i, r) => opts.onFinished!(s0 + i, r) : undefined,
  });
  local.forEach((r, i) => (out[s0 + i] = r));
  await arrived;
  return out;
}
