// Training throughput of @rfai/models: forward + backward of the per-token log-prob loss (tokenLogProbs).
//
// Run: `NX_DAEMON=false npx nx run models:bench-train` (or `npx tsx tools/bench/models-train.ts`).
// Options: --backend=wasm|cpu (default wasm) --models=tiny,small,base,qwen2.5-0.5b --steps=3
// --rows=32 --prompt=64 --completion=128 (tiny/small/base); the 0.5B shape uses --big-rows=1 --big-prompt=32
// --big-completion=32.
// Prints one JSON object: per model, parameters, tokens/s (rows * (prompt + completion) per step), achieved
// GFLOP/s (forward FLOPs x 3, see models-common.ts), the backend's 1024 matmul GFLOP/s and their ratio (MFU),
// or the error when the model does not fit / fails on the backend.
import { initBackend, tf } from '../../packages/core/src/index';
import { createModel, packSequences, presetConfig, tokenLogProbs, type ModelConfig } from '../../packages/models/src/index';
import { arg, forwardFlops, matmulGflops, QWEN25_05B } from './models-common';

function benchOne(name: string, config: ModelConfig, rows: number, P: number, C: number, steps: number) {
  const t0 = performance.now();
  const model = createModel(config, 1);
  const initS = (performance.now() - t0) / 1000;
  try {
    const V = config.vocab_size;
    const prompts = Array.from({ length: rows }, (_, i) => Array.from({ length: P }, (_, j) => (i * 131 + j * 17) % V));
    const comps = Array.from({ length: rows }, (_, i) => Array.from({ length: C }, (_, j) => (i * 7 + j * 29 + 3) % V));
    const packed = packSequences(prompts, comps, 0);
    const vars = [...model.trainableParams().values()];
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.tidy(() => tf.neg(tf.mean(tokenLogProbs(model, packed).logprobs)) as tf.Scalar),
        vars,
      );
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    };
    step(); // warm-up
    const times: number[] = [];
    for (let s = 0; s < steps; s++) {
      const a = performance.now();
      step();
      times.push((performance.now() - a) / 1000);
    }
    const sec = times.reduce((a, b) => a + b, 0) / times.length;
    const tokens = rows * (P + C);
    const flops = 3 * forwardFlops(config, rows, P + C - 1, C);
    return {
      model: name,
      parameters: model.numParameters,
      init_seconds: +initS.toFixed(1),
      rows,
      prompt_tokens: P,
      completion_tokens: C,
      seconds_per_step: +sec.toFixed(3),
      tokens_per_s: +(tokens / sec).toFixed(1),
      gflops_per_step: +(flops / 1e9).toFixed(2),
      achieved_gflops: +(flops / sec / 1e9).toFixed(2),
    };
  } finally {
    model.dispose();
  }
}

async function main() {
  const backend = await initBackend({ backend: (arg('backend') ?? 'wasm') as 'wasm' | 'cpu' });
  const names = (arg('models') ?? 'tiny,small,qwen2.5-0.5b').split(',');
  const steps = Number(arg('steps') ?? 3);
  const mm = matmulGflops();
  const results: unknown[] = [];
  for (const name of names) {
    const big = name === 'qwen2.5-0.5b';
    const config = big ? QWEN25_05B : presetConfig(name);
    const rows = Number(big ? (arg('big-rows') ?? 1) : (arg('rows') ?? 32));
    const P = Number(big ? (arg('big-prompt') ?? 32) : (arg('prompt') ?? 64));
    const C = Number(big ? (arg('big-completion') ?? 32) : (arg('completion') ?? 128));
    try {
      const r = benchOne(name, config, rows, P, C, big ? Math.min(steps, 2) : steps);
      results.push({ ...r, mfu: +(r.achieved_gflops / mm).toFixed(3) });
    } catch (e) {
      results.push({ model: name, rows, prompt_tokens: P, completion_tokens: C, error: String((e as Error).message ?? e).slice(0, 300) });
    }
  }
  console.log(
    JSON.stringify({
      bench: 'models-train',
      backend: backend.name,
      threads: backend.threads,
      matmul_1024_gflops: +mm.toFixed(2),
      loss: 'mean token log-prob of the completions (tokenLogProbs), forward + backward, no optimizer step',
      results,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
