// Matmul throughput of the tensor backend at a given thread count: wall time, CPU time of the
// whole process (every thread) and the load average around it, so that figures taken on a
// shared machine can be judged.
import os from 'node:os';
import { tf } from './tf';
import { initBackend, type BackendName } from './backend';
import { InvalidOptionError } from './errors';

/** One product to time: a [..batch, m, k] x [..batch, k, n] float32 matmul. */
export interface MatmulShape {
  /** Name in the output, e.g. 'square_512'. */
  name: string;
  /** Left operand shape. */
  a: number[];
  /** Right operand shape. */
  b: number[];
}

/** The shapes timed by default: square 512 and 1024, and a batched attention-sized product. */
export const DEFAULT_MATMUL_SHAPES: readonly MatmulShape[] = [
  { name: 'square_512', a: [512, 512], b: [512, 512] },
  { name: 'square_1024', a: [1024, 1024], b: [1024, 1024] },
  { name: 'batched_16x128x64_16x64x128', a: [16, 128, 64], b: [16, 64, 128] },
];

/** Options of benchmarkMatmul(). */
export interface MatmulBenchOptions {
  /** Backend to initialise (as initBackend). Default 'wasm'. */
  backend?: 'auto' | BackendName;
  /** Threads to ask initBackend() for. Default 1. */
  threads?: number;
  /** Shapes to time. Default DEFAULT_MATMUL_SHAPES. */
  shapes?: readonly MatmulShape[];
  /** Timed milliseconds per shape (at least 3 runs, at most 200), after one untimed warm-up. Default 400. */
  minMs?: number;
  /** Receives initBackend()'s log lines. Default: dropped (they are in `reason`). */
  log?: (line: string) => void;
}

/** One timed shape at one thread count. */
export interface MatmulBenchRecord {
  benchmark: 'matmul';
  shape: string;
  /** Operand shapes. */
  a: number[];
  b: number[];
  dtype: 'float32';
  /** Backend actually used, its threads and SIMD, and why (BackendInfo). */
  backend: string;
  threads_requested: number;
  threads: number;
  simd: boolean;
  reason: string;
  /** GFLOP/s (2*M*N*K*batch per product) from the median run and from the fastest. */
  gflops: number;
  gflops_best: number;
  median_ms: number;
  best_ms: number;
  runs: number;
  /** Process CPU milliseconds (user + system, all threads) per product, averaged over the timed runs. */
  cpu_ms: number;
  /** CPU time over wall time during the timed runs: about `threads` when every thread had a core. */
  cpu_per_wall: number;
  /** 1-minute load average before and after the timed runs, and the cores Node.js reports. */
  loadavg_1m_before: number;
  loadavg_1m_after: number;
  cores: number;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

function flopsOf(shape: MatmulShape): number {
  const [m, k] = shape.a.slice(-2);
  const n = shape.b[shape.b.length - 1];
  const batch = shape.a.slice(0, -2).reduce((x, y) => x * y, 1);
  return 2 * batch * m * n * k;
}

/**
 * Initialises the backend with `threads` (initBackend(); the wasm module is re-created when no
 * tensor lives on it, so call this before building a model) and times every shape. The backend
 * stays initialised as timed. Tensors made here are freed.
 * Throws InvalidOptionError for an operand pair that cannot be multiplied.
 */
export async function benchmarkMatmul(opts: MatmulBenchOptions = {}): Promise<MatmulBenchRecord[]> {
  const shapes = opts.shapes ?? DEFAULT_MATMUL_SHAPES;
  for (const s of shapes) {
    const k = s.a[s.a.length - 1];
    if (s.a.length < 2 || s.b.length < 2 || s.b[s.b.length - 2] !== k) {
      throw new InvalidOptionError(`benchmarkMatmul.shapes[${s.name}]`, '[..., m, k] x [..., k, n] operands', `[${s.a}] x [${s.b}]`);
    }
  }
  const threads = opts.threads ?? 1;
  const info = await initBackend({ backend: opts.backend ?? 'wasm', threads, log: opts.log ?? (() => undefined) });
  const minMs = opts.minMs ?? 400;
  const records: MatmulBenchRecord[] = [];
  for (const shape of shapes) {
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
    once(); // warm-up: allocation, XNNPACK operator creation and weight packing
    const loadBefore = os.loadavg()[0];
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    while (times.length < 3 || (performance.now() - start < minMs && times.length < 200)) times.push(once());
    const wall = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const loadAfter = os.loadavg()[0];
    tf.dispose([a, b]);
    times.sort((x, y) => x - y);
    const median = times[Math.floor(times.length / 2)];
    const best = times[0];
    const gflops = (ms: number) => round(flopsOf(shape) / (ms / 1000) / 1e9, 2);
    records.push({
      benchmark: 'matmul',
      shape: shape.name,
      a: [...shape.a],
      b: [...shape.b],
      dtype: 'float32',
      backend: info.name,
      threads_requested: threads,
      threads: info.threads,
      simd: info.simd,
      reason: info.reason,
      gflops: gflops(median),
      gflops_best: gflops(best),
      median_ms: round(median, 3),
      best_ms: round(best, 3),
      runs: times.length,
      cpu_ms: round(cpuMs / times.length, 3),
      cpu_per_wall: round(cpuMs / wall, 2),
      loadavg_1m_before: round(loadBefore, 2),
      loadavg_1m_after: round(loadAfter, 2),
      cores: os.availableParallelism(),
    });
  }
  return records;
}
