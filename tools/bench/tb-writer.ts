// Benchmark for @rfai/tb-writer: scalars written per second (the caller's
// cost and the end-to-end cost including the flush to disk) and events read
// per second. Run: `npx tsx tools/bench/tb-writer.ts [count]` or
// `NX_DAEMON=false npx nx run tb-writer:bench`. Prints one JSON object.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readEventFile, readRun, SummaryWriter } from '../../packages/tb-writer/src/index';

const TAGS = [
  'train/reward_mean', 'train/reward_std', 'train/kl', 'train/loss', 'train/policy_loss',
  'train/entropy', 'train/lr', 'train/grad_norm', 'train/tokens_per_s', 'teacher/latency_ms',
];

/** Process CPU time (user + system, all threads including GC) in seconds. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-bench-'));
  try {
    // Warm-up (JIT), separate folder.
    const warm = new SummaryWriter(path.join(dir, 'warm'));
    for (let i = 0; i < 50_000; i++) warm.scalar(TAGS[i % TAGS.length], i * 0.001, i);
    await warm.close();

    const runDir = path.join(dir, 'run');
    const w = new SummaryWriter(runDir);
    // CPU time is reported beside wall time: on a shared machine it is the steadier figure.
    const c0 = cpuSeconds();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < count; i++) w.scalar(TAGS[i % TAGS.length], Math.sin(i) * 0.5, i >> 3);
    const t1 = process.hrtime.bigint();
    const c1 = cpuSeconds();
    await w.close();
    const t2 = process.hrtime.bigint();
    const bytes = fs.statSync(w.file).size;

    const c3 = cpuSeconds();
    const t3 = process.hrtime.bigint();
    const file = await readEventFile(w.file);
    const t4 = process.hrtime.bigint();
    const c4 = cpuSeconds();
    const run = await readRun(runDir);
    const t5 = process.hrtime.bigint();
    const c5 = cpuSeconds();
    const points = Object.values(run.scalars).reduce((n, s) => n + s.length, 0);
    if (file.events.length !== count + 1) throw new Error(`read ${file.events.length} events, expected ${count + 1}`);

    const sec = (a: bigint, b: bigint) => Number(b - a) / 1e9;
    console.log(
      JSON.stringify({
        benchmark: 'tb-writer',
        node: process.version,
        cpus: os.cpus().length,
        scalars: count,
        file_bytes: bytes,
        bytes_per_scalar: +(bytes / count).toFixed(1),
        load_average_1m: +os.loadavg()[0].toFixed(2),
        write_calls_per_s: Math.round(count / sec(t0, t1)),
        write_calls_per_cpu_s: Math.round(count / (c1 - c0)),
        write_end_to_end_per_s: Math.round(count / sec(t0, t2)),
        write_target_per_s: 200_000,
        close_flush_ms: +(sec(t1, t2) * 1000).toFixed(1),
        read_events_per_s: Math.round(count / sec(t3, t4)),
        read_events_per_cpu_s: Math.round(count / (c4 - c3)),
        read_run_scalars_per_s: Math.round(count / sec(t4, t5)),
        read_run_scalars_per_cpu_s: Math.round(count / (c5 - c4)),
        read_run_points_after_dedupe: points,
      }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
