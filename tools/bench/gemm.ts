// Microbenchmark (issue 17): a W for a [M, K] against a large weight W [K, N] read in place (the input gradient
// dx = dy W of the models' large weights and of the LM head), on wasm, 1 thread: @rfai/core's gemmAW against the
// path it replaced, a transposed W for the call and (W^T a^T)^T on XNNPACK. Prints one JSON object: ms per product
// and GFLOP/s for each shape, with the largest relative difference between the two.
// Run: `npx tsx tools/bench/gemm.ts [--reps=20]`
import * as os from 'node:os';
import { gemmAW, initBackend, tf } from '../../packages/core/src/index';
import { arg, timeMs } from './models-common';

async function main() {
  await initBackend({ backend: 'wasm', threads: 1 });
  const reps = Number(arg('reps') ?? 20);
  // [name, M, K, N]: Qwen2.5-0.5B's backward for one row of 91 tokens, and the LM head's for a chunk of 27 rows.
  const shapes: Array<[string, number, number, number]> = [
    ['dy [91, 4864] x gate/up [4864, 896]', 91, 4864, 896],
    ['dy [91, 896] x down [896, 4864]', 91, 896, 4864],
    ['dy [182, 4864] x gate/up [4864, 896]', 182, 4864, 896],
    ['dl [27, 151936] x lm_head [151936, 896]', 27, 151936, 896],
  ];
  const results: unknown[] = [];
  for (const [name, M, K, N] of shapes) {
    const a = tf.randomNormal([M, K], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w = tf.randomNormal([K, N], 0, 0.05, 'float32', 2) as tf.Tensor2D;
    const r = K > 100000 ? Math.max(2, Math.floor(reps / 5)) : reps;
    const inPlace = () => gemmAW(a, w);
    const transposed = () => tf.tidy(() => tf.transpose(tf.matMul(tf.transpose(w) as tf.Tensor2D, tf.transpose(a)))) as tf.Tensor;
    const x = inPlace();
    const y = transposed();
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0] / tf.max(tf.abs(y)).dataSync()[0]);
    tf.dispose([x, y]);
    const loadStart = os.loadavg()[0];
    const tIn = timeMs(inPlace, r);
    const tT = timeMs(transposed, r);
    const gflop = (2 * M * K * N) / 1e9;
    const row = {
      shape: name,
      gemm_aw_ms: +tIn.toFixed(2),
      transposed_ms: +tT.toFixed(2),
      gemm_aw_gflops: +(gflop / (tIn / 1000)).toFixed(1),
      transposed_gflops: +(gflop / (tT / 1000)).toFixed(1),
      max_rel_diff: +diff.toExponential(2),
      load: +loadStart.toFixed(2),
    };
    process.stderr.write(`${JSON.stringify(row)}\n`);
    results.push(row);
    tf.dispose([a, w]);
  }
  process.stdout.write(JSON.stringify({ benchmark: 'gemm', backend: tf.getBackend(), results, load_avg: os.loadavg() }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
