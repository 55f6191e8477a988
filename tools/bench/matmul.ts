// fp32 matmul throughput at 1 thread and at every core.
//
// Run: `npx tsx tools/bench/matmul.ts` from the repository root, or
// `NX_DAEMON=false npx nx run core:bench-matmul`.
// Options: --threads=1,2 (thread counts; default 1 and os.availableParallelism())
//          --backend=wasm|cpu|node|auto (default wasm)  --min-ms=400 (timed ms per shape)
//          --rounds=1 (repeat the whole thread sweep, alternating counts, to see load drift)
// Prints one JSON line per (thread count, shape): GFLOP/s of the median and of the fastest run
// for square 512, square 1024 and batched [16,128,64]x[16,64,128], with process CPU time per
// product, CPU/wall (about the thread count when every thread had a core) and the 1-minute load
// average around the runs. A last line, {"summary": ...}, gives N-thread over 1-thread ratios of
// median wall-clock GFLOP/s and of CPU ms per product per shape (the last round's figures).
// The machine may be shared: read GFLOP/s next to cpu_per_wall and the load average.
import os from 'node:os';
import { benchmarkMatmul, type MatmulBenchRecord } from '../../packages/core/src/index';

function arg(name: string): string | undefined {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(name.length + 3);
}

function usage(message: string): never {
  console.error(`matmul bench: ${message}`);
  console.error('usage: npx tsx tools/bench/matmul.ts [--threads=1,2] [--backend=wasm|cpu|node|auto] [--min-ms=400] [--rounds=1]');
  process.exit(2);
}

async function main(): Promise<void> {
  const cores = os.availableParallelism();
  const threadList = (arg('threads') ?? [...new Set([1, cores])].join(',')).split(',').map(Number);
  if (threadList.some((t) => !Number.isInteger(t) || t < 1)) usage(`--threads must be positive integers, found ${arg('threads')}`);
  const backend = (arg('backend') ?? 'wasm') as 'wasm' | 'cpu' | 'node' | 'auto';
  if (!['wasm', 'cpu', 'node', 'auto'].includes(backend)) usage(`--backend must be wasm, cpu, node or auto, found ${backend}`);
  const minMs = Number(arg('min-ms') ?? 400);
  if (!(minMs > 0)) usage(`--min-ms must be a positive number, found ${arg('min-ms')}`);
  const rounds = Number(arg('rounds') ?? 1);
  if (!Number.isInteger(rounds) || rounds < 1) usage(`--rounds must be a positive integer, found ${arg('rounds')}`);

  const last = new Map<number, MatmulBenchRecord[]>();
  for (let round = 1; round <= rounds; round++) {
    for (const threads of threadList) {
      const records = await benchmarkMatmul({ backend, threads, minMs, log: (l) => console.error(l) });
      for (const r of records) console.log(JSON.stringify({ ...r, round, node: process.version, cpu_model: os.cpus()[0]?.model }));
      last.set(threads, records);
    }
  }
  const base = last.get(threadList[0]);
  if (base == null || threadList.length < 2) return;
  const summary: Record<string, unknown> = { backend, base_threads: base[0].threads };
  for (const threads of threadList.slice(1)) {
    const recs = last.get(threads)!;
    summary[`threads_${recs[0].threads}`] = Object.fromEntries(
      recs.map((r, i) => [
        r.shape,
        {
          wall_speedup: Number((r.gflops / base[i].gflops).toFixed(2)),
          cpu_ms_ratio: Number((r.cpu_ms / base[i].cpu_ms).toFixed(2)),
          gflops: [base[i].gflops, r.gflops],
          loadavg_1m: [base[i].loadavg_1m_before, r.loadavg_1m_after],
        },
      ]),
    );
  }
  console.log(JSON.stringify({ summary }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
