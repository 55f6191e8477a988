// Benchmark for @rfai/checkpoint-io: saving and loading a set of F32 tensors (default 500 MB)
// compared with `cp` of the same bytes on the same disk (issue 8: at least half of cp's speed).
// Run: `npx tsx tools/bench/checkpoint-io.ts [--mb 500] [--repeats 5] [--dir DIR]`
// or `NX_DAEMON=false npx nx run checkpoint-io:bench`. Prints one JSON object.
//
// Steps, interleaved within each repeat so a loaded machine slows both sides alike (medians reported):
// - plain: `cp` of a safetensors file vs writeSafetensors (no fsync) + reading every tensor back. Both sides read
//   from the page cache (cp's source and our file were just written) and write into it; nothing is fsynced.
// - durable: `cp` + `sync` of the copy vs saveCheckpoint (fsync of every file and folder, sha256 manifest, rename,
//   pointer) + loadCheckpoint (sizes checked) + reading every tensor.
// Each read is measured two ways: `read()` into fresh arrays (allocated per tensor, so the first write to each
// 4 KiB page faults it in) and `readInto()` into arrays that exist already (a model's parameters on resume).
// cp's figures include starting the cp process (spawn: the round trip of `true`), which favours us.
// Commands run in one `sh` started before the tensors exist: a fork of this process, which holds 1.5 GB, would mark
// every page copy-on-write and make our next write to each page fault (that made readInto look 40x slower).
// ratio = median cp seconds / (median write seconds + median read seconds); the target is >= 0.5.
//
// Fresh arrays: on this kind of VM the first touch of a new 4 KiB page costs 15-50 us, which alone makes reading
// 500 MB into new memory ~0.45 s (0.16x of a page-cache cp). glibc can back large allocations with transparent
// huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1, glibc >= 2.35; it must be set when node starts): 512x fewer
// faults, and the fresh read drops to ~0.05 s. `nx run checkpoint-io:bench` and the trainer's nx targets set it;
// the JSON records whether it was on (glibc_tunables).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsFile, loadCheckpoint, saveCheckpoint, writeSafetensors, type TensorData, type WeightSource } from '../../packages/checkpoint-io/src/index';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : def;
}

async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** One long-lived shell: `run` sends a command and resolves when it has finished (throws on a non-zero status). */
function startShell(): { run(cmd: string): Promise<void>; end(): void } {
  const sh = spawn('sh', [], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buf = '';
  let waiting: ((line: string) => void) | undefined;
  sh.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    const i = buf.indexOf('\n');
    if (i >= 0 && waiting) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiting;
      waiting = undefined;
      w(line);
    }
  });
  return {
    run: (cmd) =>
      new Promise((resolve, reject) => {
        waiting = (line) => (line === 'rc=0' ? resolve() : reject(new Error(`${cmd}: ${line}`)));
        sh.stdin.write(`${cmd}; echo rc=$?\n`);
      }),
    end: () => sh.stdin.end(),
  };
}

const quote = (p: string) => `'${p.replace(/'/g, `'\\''`)}'`;

async function main(): Promise<void> {
  const shell = startShell();
  const mb = Number(arg('mb', '500'));
  const repeats = Number(arg('repeats', '5'));
  const root = mkdtempSync(join(arg('dir', tmpdir()), 'ckpt-bench-'));
  const loadStart = loadavg();
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
    // Destination of readInto: the "model" being resumed, allocated (and faulted in) once.
    const params = Object.fromEntries(Object.entries(tensors).map(([n, t]) => [n, new Float32Array(t.data.length).fill(0)]));

    const check = (got: number) => {
      if (got !== bytes) throw new Error(`read ${got} bytes, expected ${bytes}`);
    };
    const readFresh = async (f: WeightSource) => {
      let got = 0;
      for (const n of f.names()) got += (await f.read(n)).data.byteLength;
      check(got);
    };
    const readInto = async (f: WeightSource) => {
      let got = 0;
      for (const n of f.names()) got += (await f.readInto(n, params[n])).byteLength;
      check(got);
    };

    // Before each timed step, flush dirty pages of this filesystem (untimed) so no step pays for the
    // write-back of the previous one.
    const flush = () => shell.run(`sync -f ${quote(root)}`);
    const runs: Record<string, number[]> = {
      spawn: [],
      cp: [],
      st_write: [],
      st_read: [],
      st_read_into: [],
      cp_sync: [],
      ck_save: [],
      ck_load: [],
      ck_load_into: [],
    };
    const source = join(root, 'source.safetensors');
    const copy = join(root, 'copy.bin');
    const file = join(root, 'w.safetensors');
    const ckRoot = join(root, 'ck');
    const input = { step: 1, modelConfig: { model_type: 'bench' }, model: tensors, trainerState: { epoch: 0 } };
    const loadCk = async (into: boolean) => {
      const ck = await loadCheckpoint(join(ckRoot, 'checkpoint-1'), { verify: false });
      const w = await ck.openModel();
      await (into ? readInto(w) : readFresh(w));
      await w.close();
    };
    await writeSafetensors(source, tensors);
    // One untimed warm-up of every path (JIT, page cache of the source, allocator).
    await shell.run(`cp ${quote(source)} ${quote(copy)}`);
    rmSync(copy);
    await writeSafetensors(file, tensors);
    for (const into of [false, true]) {
      const f = await SafetensorsFile.open(file);
      await (into ? readInto(f) : readFresh(f));
      await f.close();
    }
    rmSync(file);

    for (let r = 0; r < repeats; r++) {
      runs.spawn.push(await timed(() => shell.run('/bin/true')));
      await flush();
      runs.cp.push(await timed(() => shell.run(`cp ${quote(source)} ${quote(copy)}`)));
      rmSync(copy);

      await flush();
      runs.st_write.push(await timed(() => writeSafetensors(file, tensors)));
      for (const into of r % 2 ? [true, false] : [false, true]) {
        await flush();
        const t = await timed(async () => {
          const f = await SafetensorsFile.open(file);
          await (into ? readInto(f) : readFresh(f));
          await f.close();
        });
        (into ? runs.st_read_into : runs.st_read).push(t);
      }
      rmSync(file);

      await flush();
      runs.cp_sync.push(
        await timed(() => shell.run(`cp ${quote(source)} ${quote(copy)} && sync ${quote(copy)}`)),
      );
      rmSync(copy);

      await flush();
      runs.ck_save.push(await timed(() => saveCheckpoint(ckRoot, input, { logger: { warn: () => undefined } })));
      for (const into of r % 2 ? [true, false] : [false, true]) {
        await flush();
        (into ? runs.ck_load_into : runs.ck_load).push(await timed(() => loadCk(into)));
      }
      rmSync(ckRoot, { recursive: true });
    }

    const med = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)]));
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    const gbps = (s: number) => Math.round((bytes / 1e9 / s) * 100) / 100;
    const ratio = (cp: number, ...ours: number[]) => r3(cp / ours.reduce((a, b) => a + b, 0));
    console.log(
      JSON.stringify({
        bench: 'checkpoint-io',
        bytes,
        tensors: Object.keys(tensors).length,
        repeats,
        dir: root,
        cpus: cpus().length,
        glibc_tunables: process.env.GLIBC_TUNABLES ?? null,
        loadavg_start: loadStart.map((x) => Math.round(x * 100) / 100),
        loadavg_end: loadavg().map((x) => Math.round(x * 100) / 100),
        note: 'medians of interleaved repeats; cp and cp_sync include starting the cp (and sync) process, see spawn',
        median_seconds: Object.fromEntries(Object.entries(med).map(([k, v]) => [k, r3(v)])),
        all_seconds: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.map(r3)])),
        gb_per_s: {
          cp: gbps(med.cp),
          cp_sync: gbps(med.cp_sync),
          safetensors_write: gbps(med.st_write),
          safetensors_read_fresh: gbps(med.st_read),
          safetensors_read_into: gbps(med.st_read_into),
          checkpoint_save: gbps(med.ck_save),
          checkpoint_load_fresh: gbps(med.ck_load),
          checkpoint_load_into: gbps(med.ck_load_into),
        },
        ratio_vs_cp: {
          plain_fresh: ratio(med.cp, med.st_write, med.st_read),
          plain_into: ratio(med.cp, med.st_write, med.st_read_into),
          durable_fresh: ratio(med.cp_sync, med.ck_save, med.ck_load),
          durable_into: ratio(med.cp_sync, med.ck_save, med.ck_load_into),
        },
        target: '>= 0.5',
      }),
    );
  } finally {
    shell.end();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
