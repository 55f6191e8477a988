// Matmul throughput of every tensor backend that loads here.
//
// Run: `NX_DAEMON=false npx nx run core:bench` (or `npx tsx tools/bench/matmul.ts` from the
// repository root). Options: --backends=node,wasm,cpu  --min-ms=400 (time per shape)
// --threads=N (wasm XNNPACK threads to ask for).
// Prints one JSON object: per backend, GFLOP/s (2*M*N*K / seconds per product, from the
// median and from the best of repeated timed runs after one warm-up) for square 256/512/1024 and the batched
// [8,128,64]x[8,64,128] product, with the threads and SIMD the backend reported.
import * as os from 'node:os';
import { tf, initBackend, type BackendInfo } from '../../packages/core/src/index';

type Shape = { name: string; a: number[]; b: number[]; flops: number };

const SHAPES: Shape[] = [
  ...[256, 512, 1024].map((n) => ({ name: `square_${n}`, a: [n, n], b: [n, n], flops: 2 * n * n * n })),
  { name: 'batched_8x128x64_8x64x128', a: [8, 128, 64], b: [8, 64, 128], flops: 2 * 8 * 128 * 64 * 128 },
];

function arg(name: string): string | undefined {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(name.length + 3);
}

function timeShape(shape: Shape, minMs: number): { gflops: number; gflops_best: number; runs: number; median_ms: number; best_ms: number } {
  const a = tf.randomUniform(shape.a, -1, 1, 'float32', 1);
  const b = tf.randomUniform(shape.b, -1, 1, 'float32', 2);
  const once = () => {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync(); // wait for the result
    const ms = performance.now() - t0;
    c.dispose();
    return ms;
  };
  const first = once(); // warm-up (allocation, kernel setup), kept only when one run alone exceeds minMs
  const times: number[] = [];
  if (first >= minMs) times.push(first);
  const start = performance.now();
  while (times.length === 0 || (times.length < 3 && first < minMs) || (performance.now() - start < minMs && times.length < 200)) times.push(once());
  tf.dispose([a, b]);
  times.sort((x, y) => x - y);
  const median = times[Math.floor(times.length / 2)];
  const best = times[0];
  const gflops = (ms: number) => Number((shape.flops / (ms / 1000) / 1e9).toFixed(2));
  // On a shared machine the median includes time the process was descheduled; the best run
  // estimates what the backend does when it has a core to itself.
  return { gflops: gflops(median), gflops_best: gflops(best), runs: times.length, median_ms: Number(median.toFixed(3)), best_ms: Number(best.toFixed(3)) };
}

async function main(): Promise<void> {
  const minMs = Number(arg('min-ms') ?? 400);
  const threads = arg('threads') ? Number(arg('threads')) : undefined;
  const wanted = (arg('backends') ?? 'node,wasm,cpu').split(',') as Array<'node' | 'wasm' | 'cpu'>;
  const results: Record<string, unknown> = {};
  for (const backend of wanted) {
    let info: BackendInfo;
    try {
      info = await initBackend({ backend, threads, log: () => undefined });
    } catch (e) {
      results[backend] = { loaded: false, error: (e as Error).message };
      continue;
    }
    const shapes: Record<string, unknown> = {};
    for (const shape of SHAPES) shapes[shape.name] = timeShape(shape, minMs);
    results[backend] = { loaded: true, backend: info.name, version: info.version, threads: info.threads, simd: info.simd, reason: info.reason, gflops: shapes };
  }
  const out = {
    benchmark: 'matmul',
    unit: 'GFLOP/s (2*M*N*K per product; gflops from the median run, gflops_best from the fastest)',
    node: process.version,
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model,
    loadavg_1m: Number(os.loadavg()[0].toFixed(2)),
    threads_requested: threads ?? null,
    results,
  };
  console.log(JSON.stringify(out, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
