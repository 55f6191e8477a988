// Benchmark of the visualizer app: reading a long run, summarising it, rendering the charts, and the
// checkpoint statistics of a ~64 MB model. Prints one JSON object.
//   npx tsx tools/bench/visualizer.ts            (or: NX_DAEMON=false npx nx run visualizer:bench)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveCheckpoint, type TensorData } from '@rfai/checkpoint-io';
import { checkpointStats } from '../../apps/visualizer/src/checkpoint-stats';
import { writePlots } from '../../apps/visualizer/src/plot';
import { loadRuns } from '../../apps/visualizer/src/runs';
import { summariseRun } from '../../apps/visualizer/src/summary';
import { summaryText } from '../../apps/visualizer/src/summary-text';
import { lcg, writeFixtureRun } from '../../apps/visualizer/src/test-helpers';

const cpu: Record<string, number> = {};

/** Wall milliseconds of fn; its CPU milliseconds (user + system) go to cpu[label]. */
async function time<T>(fn: () => Promise<T> | T, label?: string): Promise<[T, number]> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const v = await fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  if (label) cpu[label] = Math.round((c.user + c.system) / 1000);
  return [v, wall];
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'rfai-vis-bench-'));
  try {
    const steps = 5000;
    await writeFixtureRun(join(dir, 'logs', 'long'), { steps, seed: 1, evalEvery: 50 });
    const [loaded, readMs] = await time(() => loadRuns(join(dir, 'logs')), 'read');
    const run = loaded.runs[0];
    const points = [...run.scalars.values()].reduce((a, s) => a + s.length, 0);
    const [summary, summariseMs] = await time(() => summariseRun(run));
    const [, textMs] = await time(() =>
      summaryText({ logdir: '', logdirExists: true, checkpointsDir: '', checkpointsDirExists: false, runs: [summary], checkpoints: [], unreadable: [] }, [run]),
    );
    // warm vega's module load out of the plot timing
    const [, vegaLoadMs] = await time(async () => {
      await import('vega');
      await import('vega-lite');
    });
    const [plots, plotMs] = await time(() => writePlots([run], { outDir: join(dir, 'plots'), logdir: join(dir, 'logs') }), 'plot');

    // a 64 MB F32 model in 16 tensors of 1M values
    const rnd = lcg(7);
    const model: Record<string, TensorData> = {};
    for (let i = 0; i < 16; i++) model[`model.layers.${i}.mlp.up_proj.weight`] = { dtype: 'F32', shape: [1024, 1024], data: Float32Array.from({ length: 1 << 20 }, () => rnd() - 0.5) };
    await saveCheckpoint(join(dir, 'ckpt'), { step: 1, modelConfig: { model_type: 'qwen3' }, model });
    const ckpt = join(dir, 'ckpt', 'checkpoint-1');
    const [stats, ckptMs] = await time(() => checkpointStats(ckpt, { verify: true }), 'checkpointSha256');
    const [, ckptNoVerifyMs] = await time(() => checkpointStats(ckpt, { verify: false }));
    const mb = stats.totalBytes / 1e6;
    console.log(
      JSON.stringify({
        run: { steps, tags: run.scalars.size, points },
        readMs: Math.round(readMs),
        readPointsPerS: Math.round(points / (readMs / 1000)),
        summariseMs: Math.round(summariseMs),
        summaryTextMs: Math.round(textMs),
        vegaLoadMs: Math.round(vegaLoadMs),
        plot: { charts: plots.charts.length, ms: Math.round(plotMs), msPerChart: Math.round(plotMs / plots.charts.length), pngBytes: plots.charts.reduce((a, c) => a + c.pngBytes, 0), svgBytes: plots.charts.reduce((a, c) => a + c.svgBytes, 0) },
        cpuMs: cpu,
        loadavg1: Number(loadavg()[0].toFixed(2)),
        checkpoint: { mb: Number(mb.toFixed(1)), statsWithSha256Ms: Math.round(ckptMs), statsSizesOnlyMs: Math.round(ckptNoVerifyMs), mbPerSWithSha256: Number((mb / (ckptMs / 1000)).toFixed(1)) },
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
