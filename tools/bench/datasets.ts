// Benchmark for @rfai/datasets: streaming load of a generated JSONL file, peak heap growth while
// streaming, full validation, and sampler throughput.
// Run: `npx tsx tools/bench/datasets.ts [--mb 100] [--dir DIR]` or `NX_DAEMON=false npx nx run datasets:bench`.
// Prints one JSON object.
//
// Measured:
// - stream: readDataset over the whole file (parse + validate every line, nothing kept); MB/s and lines/s;
//   heap_growth_mb is the peak of heapUsed above the start, sampled every 1000 lines.
// - load: loadDataset (records kept, duplicate detection) with maxSamples 50,000.
// - validate: validateDatasetFile over the whole file.
// - sampler: DatasetSampler.nextBatch(8) over 10,000 records, batches per second (shuffles included).

import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetSampler, loadDataset, readDataset, TASK_BANK, renderTask, validateDatasetFile } from '../../packages/datasets/src/index';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : def;
}

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function main(): Promise<void> {
  const mb = Number(arg('mb', '100'));
  const dir = mkdtempSync(join(arg('dir', tmpdir()), 'rfai-bench-datasets-'));
  try {
    // Realistic lines: rendered bank prompts with a reference, made unique by an index.
    const samples = TASK_BANK.flatMap((t) => t.variants.map((_v, i) => renderTask(t, i, 'python')));
    const file = join(dir, 'big.jsonl');
    const fd = openSync(file, 'w');
    let written = 0;
    let lines = 0;
    let chunk = '';
    while (written < mb * 1e6) {
      const s = samples[lines % samples.length];
      const line = JSON.stringify({ ...s, id: `${s.id}-${lines}`, prompt: `${s.prompt} (#${lines})` }) + '\n';
      chunk += line;
      written += Buffer.byteLength(line);
      lines++;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
    closeSync(fd);
    const bytes = statSync(file).size;

    global.gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let n = 0;
    let t0 = process.hrtime.bigint();
    for await (const _entry of readDataset(file)) {
      if (++n % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }
    const streamS = seconds(t0);

    t0 = process.hrtime.bigint();
    const loaded = await loadDataset(file, { maxSamples: 50_000 });
    const loadS = seconds(t0);

    t0 = process.hrtime.bigint();
    const report = await validateDatasetFile(file);
    const validateS = seconds(t0);

    const sampler = new DatasetSampler(loaded.records.slice(0, 10_000), { seed: 1 });
    const batches = 100_000;
    t0 = process.hrtime.bigint();
    for (let i = 0; i < batches; i++) sampler.nextBatch(8);
    const samplerS = seconds(t0);

    console.log(
      JSON.stringify({
        file_mb: +(bytes / 1e6).toFixed(1),
        lines,
        stream: {
          seconds: +streamS.toFixed(3),
          mb_per_s: +(bytes / 1e6 / streamS).toFixed(1),
          lines_per_s: Math.round(lines / streamS),
          heap_growth_mb: +(peak / 1e6).toFixed(1),
        },
        load_50k: { seconds: +loadS.toFixed(3), records: loaded.records.length },
        validate: { seconds: +validateS.toFixed(3), valid: report.valid, problems: report.totalProblems },
        sampler: { batch: 8, records: 10_000, batches_per_s: Math.round(batches / samplerS), epochs: sampler.epoch },
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
