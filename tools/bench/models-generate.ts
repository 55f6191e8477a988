// Generation throughput of @rfai/models with and without the KV cache.
//
// Run: `NX_DAEMON=false npx nx run models:bench-generate` (or `npx tsx tools/bench/models-generate.ts` from the
// repository root). Options: --backend=wasm|cpu (default wasm) --new-tokens=256 --batch=32 --prompt=32
// --no-cache-batch=1.
// Prints one JSON object: for the tiny preset, new tokens per second with the cache (batch 1 and --batch rows)
// and without it (batch --no-cache-batch), all greedy with EOS disabled so every row makes exactly
// --new-tokens tokens; speedup = cached / uncached tokens/s at the same batch size.
import { initBackend, tf } from '../../packages/core/src/index';
import { ByteTokenizer, createModel, generate, PRESETS } from '../../packages/models/src/index';
import { arg } from './models-common';

async function main() {
  const backend = await initBackend({ backend: (arg('backend') ?? 'wasm') as 'wasm' | 'cpu' });
  const newTokens = Number(arg('new-tokens') ?? 256);
  const batch = Number(arg('batch') ?? 32);
  const promptLen = Number(arg('prompt') ?? 32);
  const ncBatch = Number(arg('no-cache-batch') ?? 1);
  const model = createModel(PRESETS.tiny, 1);
  const tokenizer = new ByteTokenizer();
  const prompts = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: promptLen }, (_, j) => (i * 31 + j * 7) % 256));
  const run = (n: number, useCache: boolean) => {
    const p = prompts(n);
    generate(model, p, { maxNewTokens: 4, greedy: true, tokenizer, eosTokenIds: [], useCache }); // warm-up
    const t0 = performance.now();
    const out = generate(model, p, { maxNewTokens: newTokens, greedy: true, tokenizer, eosTokenIds: [], useCache });
    const s = (performance.now() - t0) / 1000;
    const tokens = out.reduce((a, r) => a + r.ids.length, 0);
    return { batch: n, new_tokens_per_row: newTokens, seconds: +s.toFixed(3), tokens_per_s: +(tokens / s).toFixed(1) };
  };
  const cached1 = run(ncBatch, true);
  const cachedB = run(batch, true);
  const before = tf.memory().numTensors;
  const uncached = run(ncBatch, false);
  const leaked = tf.memory().numTensors - before;
  model.dispose();
  console.log(
    JSON.stringify({
      bench: 'models-generate',
      backend: backend.name,
      threads: backend.threads,
      model: 'tiny preset (qwen3, hidden 128, 4 layers, byte vocab 259)',
      prompt_tokens: promptLen,
      kv_cache: cached1,
      kv_cache_batched: cachedB,
      no_cache: uncached,
      speedup_cache_vs_no_cache: +(cached1.tokens_per_s / uncached.tokens_per_s).toFixed(2),
      tensors_leaked: leaked,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
