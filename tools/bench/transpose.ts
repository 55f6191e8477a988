// Microbenchmark (issue 17): float32 transposes on the wasm heap at the shapes of a Qwen2.5-0.5B backward pass:
// @rfai/core's wasm SIMD 4 x 4 tiles against its 16 x 16 JavaScript blocks (the override for wide matrices before)
// and tf.transpose as registered now. Prints one JSON object: ms per transpose and GB/s (read + write).
// Run: `npx tsx tools/bench/transpose.ts [--reps=10]`
import * as os from 'node:os';
import { initBackend, tf } from '../../packages/core/src/index';
import { blockedTranspose2d } from '../../packages/core/src/wasm-fallbacks';
import type { WasmBackendHeap } from '../../packages/core/src/wasm-encoder';
import { simdTranspose } from '../../packages/core/src/wasm-transpose';
import { arg } from './models-common';

async function main() {
  await initBackend({ backend: 'wasm', threads: 1 });
  const reps = Number(arg('reps') ?? 10);
  const backend = tf.backend() as unknown as WasmBackendHeap;
  const results: unknown[] = [];
  for (const [rows, cols] of [[4864, 896], [896, 4864], [151936, 896], [120, 4864], [4864, 120], [896, 151936]]) {
    const x = tf.randomNormal([rows, cols], 0, 1, 'float32', 1);
    const y = tf.zeros([cols, rows]);
    const time = (fn: () => void) => {
      fn();
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) fn();
      return (performance.now() - t0) / reps;
    };
    const view = (t: tf.Tensor) => backend.typedArrayFromHeap(t as unknown as tf.TensorInfo) as Float32Array;
    const simd = time(() => simdTranspose(backend, view(x) as Float32Array, view(y) as Float32Array, rows, cols));
    const js = time(() => blockedTranspose2d(view(x), view(y), rows, cols));
    const registered = time(() => tf.transpose(x).dispose());
    const gb = (2 * 4 * rows * cols) / 1e9;
    const row = { shape: [rows, cols], simd_ms: +simd.toFixed(2), js_blocks_ms: +js.toFixed(2), tf_transpose_ms: +registered.toFixed(2), simd_gb_per_s: +(gb / (simd / 1000)).toFixed(1), load: +os.loadavg()[0].toFixed(2) };
    process.stderr.write(`${JSON.stringify(row)}\n`);
    results.push(row);
    tf.dispose([x, y]);
  }
  process.stdout.write(JSON.stringify({ benchmark: 'transpose', results, load_avg: os.loadavg() }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
