// Batched matrix products of attention shapes on wasm: XNNPACK split into batch-1 products against row-by-row wasm
// SIMD weighted sums on the heap (@rfai/core's BatchMatMul override; ROWS_PRODUCT_MAX_DEPTH picks between them).
//
// Run: `npx tsx tools/bench/batched-products.ts [--reps=15]`. Prints one JSON object: per shape [batch, m, k, n] the
// milliseconds and GFLOP/s of each path and the largest difference between their results (0: the same values).
import * as os from 'node:os';
import { initBackend, tf } from '../../packages/core/src/index';
import { setRowsProducts } from '../../packages/core/src/wasm-fallbacks';
import { arg } from './models-common';

/**
 * [batch, m, k, n]: the tiny preset's 4 x 4 x 64 attention (forward and backward; 168 keys, and 163 as a real step
 * has them: 8 rows x 2 key heads, 55 completion positions x 2 query heads), Qwen2.5-0.5B's at 1 x 2 x 32 and 4 x 4 x 64.
 */
const SHAPES = [
  [16, 110, 32, 163],
  [16, 110, 163, 32],
  [16, 32, 110, 163],
  [16, 163, 110, 32],
  [32, 126, 32, 168],
  [32, 126, 168, 32],
  [32, 168, 126, 32],
  [32, 32, 126, 168],
  [4, 224, 64, 92],
  [4, 224, 92, 64],
  [32, 441, 64, 168],
  [32, 441, 168, 64],
  [4, 1400, 64, 500],
  [4, 1400, 500, 64],
  [2, 1000, 128, 1000],
  [2, 1000, 1000, 128],
  [1, 2, 896, 896],
];

async function main() {
  const reps = Number(arg('reps') ?? 15);
  const info = await initBackend({ backend: 'wasm', threads: 1 });
  const results = [];
  for (const [B, m, k, n] of SHAPES) {
    const a = tf.randomNormal([B, m, k], 0, 1, 'float32', 1);
    const b = tf.randomNormal([B, k, n], 0, 1, 'float32', 2);
    const time = (rows: boolean) => {
      setRowsProducts(rows);
      for (let i = 0; i < 3; i++) tf.matMul(a, b).dispose();
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) tf.matMul(a, b).dispose();
      return (performance.now() - t0) / reps;
    };
    const xnn = time(false);
    const rows = time(true);
    setRowsProducts(false);
    const x = tf.matMul(a, b);
    setRowsProducts(true);
    const y = tf.matMul(a, b);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]);
    const gflop = (2 * B * m * k * n) / 1e9;
    results.push({ shape: [B, m, k, n], xnnpack_ms: +xnn.toFixed(2), rows_ms: +rows.toFixed(2), xnnpack_gflops: +(gflop / xnn * 1e3).toFixed(1), rows_gflops: +(gflop / rows * 1e3).toFixed(1), max_abs_diff: diff });
    process.stderr.write(`${JSON.stringify(results[results.length - 1])}\n`);
    tf.dispose([a, b, x, y]);
  }
  process.stdout.write(JSON.stringify({ benchmark: 'batched-products', backend: info.name, threads: info.threads, reps, load_avg: os.loadavg().map((v) => +v.toFixed(2)), results }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
