// Benchmark for @rfai/checkpoint-io: saving and loading a set of F32 tensors (default 500 MB)
// compared with `cp` of the same bytes on the same disk. Page cache is not dropped for either side.
// Run: `npx tsx tools/bench/checkpoint-io.ts [--mb 500] [--repeats 3] [--dir DIR]`
// or `NX_DAEMON=false npx nx run checkpoint-io:bench`. Prints one JSON object.
//
// Measured:
// - safetensors: writeSafetensors (no fsync) + read of every tensor through SafetensorsFile, vs `cp`.
// - checkpoint: saveCheckpoint (fsync of every file and folder, sha256 manifest, rename, pointer) +
//   loadCheckpoint (sizes checked) + read of every tensor, vs `cp` followed by `sync` of the copy.
// - verify: loadCheckpoint with sha256 verification of every file (reads every byte once more).
// ratio = cp seconds / (save seconds + load seconds), best of the repeats; the target is >= 0.5.
// Timings on a loaded machine vary a lot: all runs are printed, with the load average.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsFile, loadCheckpoint, saveCheckpoint, writeSafetensors, type TensorData } from '../../packages/checkpoint-io/src/index';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : def;
}

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function timed(fn: () => Promise<void> | void): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return seconds(t0);
}

async function main(): Promise<void> {
  const mb = Number(arg('mb', '500'));
  const repeats = Number(arg('repeats', '3'));
  const root = mkdtempSync(join(arg('dir', tmpdir()), 'ckpt-bench-'));
  try {
    // 500 MB as 50 tensors of 10 MB plus a few small ones (norms), like a model's weight set.
    const bigCount = Math.max(1, Math.round(mb / 10));
    const perBig = Math.floor((mb * 1e6) / bigCount / 4);
    const tensors: Record<string, TensorData> = {};
    for (let k = 0; k < bigCount; k++) {
      const data = new Float32Array(perBig);
      for (let i = 0; i < perBig; i += 97) data[i] = (k * 31 + i) * 1e-3;
      tensors[`model.layers.${k}.mlp.weight`] = { dtype: 'F32', shape: [perBig], data };
    }
    for (let k = 0; k < 16; k++) tensors[`model.layers.${k}.norm.weight`] = { dtype: 'F32', shape: [1024], data: new Float32Array(1024).fill(1) };
    const bytes = Object.values(tensors).reduce((a, t) => a + t.data.byteLength, 0);

    const readAll = async (f: { names(): string[]; read(n: string): Promise<TensorData> }) => {
      let got = 0;
      for (const n of f.names()) got += (await f.read(n)).data.byteLength;
      if (got !== bytes) throw new Error(`read ${got} bytes, expected ${bytes}`);
    };

    // Before each timed step, flush dirty pages of this filesystem (untimed) so no step pays for the
    // write-back of the previous one; within a repeat, cp and rfai alternate.
    const flush = () => void execFileSync('sync', ['-f', root]);
    const runs: Record<string, number[]> = { cp: [], st_write: [], st_read: [], cp_sync: [], ck_save: [], ck_load: [], ck_verify_load: [] };
    const source = join(root, 'source.safetensors');
    await writeSafetensors(source, tensors);
    for (let r = 0; r < repeats; r++) {
      const copy = join(root, 'copy.bin');
      flush();
      runs.cp.push(await timed(() => void execFileSync('cp', [source, copy])));
      rmSync(copy);

      const file = join(root, 'w.safetensors');
      flush();
      runs.st_write.push(await timed(() => writeSafetensors(file, tensors).then(() => undefined)));
      flush();
      runs.st_read.push(
        await timed(async () => {
          const f = await SafetensorsFile.open(file);
          await readAll(f);
          await f.close();
        }),
      );
      rmSync(file);

      flush();
      runs.cp_sync.push(
        await timed(() => {
          execFileSync('cp', [source, copy]);
          execFileSync('sync', [copy]);
        }),
      );
      rmSync(copy);

      const ckRoot = join(root, 'ck');
      const input = { step: 1, modelConfig: { model_type: 'bench' }, model: tensors, trainerState: { epoch: 0 } };
      flush();
      runs.ck_save.push(await timed(() => saveCheckpoint(ckRoot, input, { logger: { warn: () => undefined } }).then(() => undefined)));
      const load = async (verify: boolean) => {
        const ck = await loadCheckpoint(join(ckRoot, 'checkpoint-1'), { verify });
        const w = await ck.openModel();
        await readAll(w);
        await w.close();
      };
      flush();
      runs.ck_load.push(await timed(() => load(false)));
      flush();
      runs.ck_verify_load.push(await timed(() => load(true)));
      rmSync(ckRoot, { recursive: true });
    }
    const best = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, Math.min(...v)]));
    const mbps = (s: number) => Math.round(bytes / 1e6 / s);
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    console.log(
      JSON.stringify({
        bench: 'checkpoint-io',
        bytes,
        tensors: Object.keys(tensors).length,
        repeats,
        dir: root,
        seconds: Object.fromEntries(Object.entries(best).map(([k, v]) => [k, r3(v)])),
        all_seconds: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.map(r3)])),
        cpus: cpus().length,
        loadavg: loadavg().map((x) => Math.round(x * 10) / 10),
        mb_per_s: {
          safetensors_write: mbps(best.st_write),
          safetensors_read: mbps(best.st_read),
          cp: mbps(best.cp),
          checkpoint_save: mbps(best.ck_save),
          checkpoint_load: mbps(best.ck_load),
        },
        ratio_vs_cp: {
          safetensors: r3(best.cp / (best.st_write + best.st_read)),
          checkpoint: r3(best.cp_sync / (best.ck_save + best.ck_load)),
          checkpoint_verified: r3(best.cp_sync / (best.ck_save + best.ck_verify_load)),
          checkpoint_vs_plain_cp: r3(best.cp / (best.ck_save + best.ck_load)),
        },
        target: '>= 0.5',
      }),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
