// Microbenchmark (issue 17): x W^T for few rows x [M, K] against a large weight W [N, K] on wasm, 1 thread:
// tfjs' path as the models package runs it for a large weight ((W x^T)^T on XNNPACK), tfjs' matMul with
// transposeB (small weights), and @rfai/core's few-rows kernel. Prints one JSON object: ms per product and the
// GB/s of weights streamed, for each shape; plus the largest relative difference between the kernel and tfjs.
// Run: `npx tsx tools/bench/few-rows.ts [--reps=20] [--rows=1,2,4,8]`
import * as os from 'node:os';
import { fewRowsXWt, initBackend, tf } from '../../packages/core/src/index';
import { arg, timeMs } from './models-common';

async function main() {
  await initBackend({ backend: 'wasm', threads: 1 });
  const reps = Number(arg('reps') ?? 20);
  const rowsList = (arg('rows') ?? '1,2,4').split(',').map(Number);
  const shapes: Array<[string, number, number]> = [
    ['gate/up [4864, 896]', 4864, 896],
    ['down [896, 4864]', 896, 4864],
    ['q/o [896, 896]', 896, 896],
    ['lm_head [151936, 896]', 151936, 896],
  ];
  const results: unknown[] = [];
  for (const [name, N, K] of shapes) {
    const w = tf.randomNormal([N, K], 0, 0.05, 'float32', 1) as tf.Tensor2D;
    for (const M of rowsList) {
      const x = tf.randomNormal([M, K], 0, 1, 'float32', 2) as tf.Tensor2D;
      const r = name.startsWith('lm') ? Math.max(2, Math.floor(reps / 10)) : reps;
      const streamed = () => tf.tidy(() => tf.transpose(tf.matMul(w, tf.transpose(x)))) as tf.Tensor;
      const transB = () => tf.matMul(x, w, false, true);
      const few = () => fewRowsXWt(x, w);
      const a = streamed();
      const b = few();
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(a)).dataSync()[0]);
      tf.dispose([a, b]);
      const loadStart = os.loadavg()[0];
      const tStream = timeMs(streamed, r);
      const tFew = timeMs(few, r);
      const tTransB = N * K < 1 << 20 ? timeMs(transB, r) : null;
      const gb = (N * K * 4) / 1e9;
      const row = {
        shape: name,
        rows: M,
        streamed_ms: +tStream.toFixed(2),
        transposed_b_ms: tTransB === null ? null : +tTransB.toFixed(2),
        few_rows_ms: +tFew.toFixed(2),
        few_rows_gb_per_s: +(gb / (tFew / 1000)).toFixed(1),
        streamed_gb_per_s: +(gb / (tStream / 1000)).toFixed(1),
        max_rel_diff: +diff.toExponential(2),
        load: +loadStart.toFixed(2),
      };
      process.stderr.write(`${JSON.stringify(row)}\n`);
      results.push(row);
      x.dispose();
    }
    w.dispose();
  }
  process.stdout.write(JSON.stringify({ benchmark: 'few-rows', backend: tf.getBackend(), results, load_avg: os.loadavg() }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
