// The supervised warm-up before RFAI (config `sft`): it imitates the references, the KL reference becomes the
// warmed-up model (stored in each checkpoint), and a run stopped during or after the warm-up resumes bit-exactly.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SafetensorsFile } from '@rfai/checkpoint-io';
import { defaultConfig } from '@rfai/config';
import { runTrain } from '../src/commands/train';
import { AUTO_SFT_STEPS, planSft } from '../src/train/sft';
import { capture, makeWorkspace, PROMPTS } from './helpers';

jest.setTimeout(180_000);

const REFERENCES: Record<string, string> = {
  python: 'def add(a, b):\n    """Sum."""\n    return a + b\n',
  rust: 'fn max_of(v: &[i32]) -> i32 {\n    *v.iter().max().unwrap()\n}\n',
  typescript: 'function reverseString(s: string): string {\n  return [...s].reverse().join("");\n}\n',
  cpp: 'int square(int x) {\n  return x * x;\n}\n',
  go: 'func Sum(xs []int) int {\n\tt := 0\n\tfor _, x := range xs {\n\t\tt += x\n\t}\n\treturn t\n}\n',
};

/** A workspace whose training prompts carry references, with a short warm-up. */
async function sftWorkspace(extra: Record<string, unknown> = {}) {
  const ws = await makeWorkspace({ sft: { steps: 4, batch_size: 3 }, training: { max_steps: 2, save_steps: 0, eval_steps: 0 }, ...extra });
  const lines = PROMPTS.map((p, i) => JSON.stringify({ id: `t${i}`, ...p, reference: REFERENCES[p.language] })).join('\n') + '\n';
  writeFileSync(path.join(ws.dir, 'data', 'train.jsonl'), lines);
  return ws;
}

const read = (dir: string, ...p: string[]) => JSON.parse(readFileSync(path.join(dir, ...p), 'utf8'));

/** Runs `runTrain`, emitting `signal` to this process once stderr matches `when` (the trainer's handler then stops). */
async function runWithSignal(args: string[], when: RegExp, signal: NodeJS.Signals) {
  const ew = process.stderr.write.bind(process.stderr);
  const ow = process.stdout.write.bind(process.stdout);
  let err = '';
  let sent = false;
  (process.stdout as any).write = () => true;
  (process.stderr as any).write = (s: string | Uint8Array) => {
    err += String(s);
    if (!sent && when.test(err)) {
      sent = true;
      process.emit(signal, signal);
    }
    return true;
  };
  try {
    return { result: await runTrain(args), stderr: err, sent: () => sent };
  } finally {
    (process.stdout as any).write = ow;
    (process.stderr as any).write = ew;
  }
}

describe('SFT warm-up', () => {
  it('imitates the references, then freezes the KL reference at the warmed-up weights', async () => {
    const ws = await sftWorkspace({ sft: { steps: 6, batch_size: 3 } });
    const run = await capture(() => runTrain(['--config', ws.config]));
    expect(run.result).toBe(0);
    expect(run.stderr).toContain('data: 6 training prompts (6 with references), 3 eval prompts');
    expect(run.stderr).toContain('sft warm-up: 6 steps (sft.steps = 6)');
    expect(run.stdout).toMatch(/eval after the SFT warm-up \(6 steps, [\d.]+s\): executed pass@1 (n\/a|\d\.\d{3})/);
    const stats = read(ws.dir, 'checkpoints', 'checkpoint-2', 'training_stats.json');
    expect(stats.sft_history).toHaveLength(6);
    const losses = stats.sft_history.map((h: { loss: number }) => h.loss);
    // Byte-level cross-entropy starts near ln(259) = 5.56 and falls as the references are learnt.
    expect(losses[0]).toBeGreaterThan(5);
    expect(losses[5]).toBeLessThan(losses[0] - 0.3);
    expect(stats.eval_after_sft.count).toBe(3);
    expect(stats.history).toHaveLength(2);
    // The first RFAI step samples from the warmed-up policy, which the reference now equals: KL 0 (towards the
    // initial weights, which the reference file below shows the warm-up moved away from, it would not be).
    expect(Math.abs(stats.history[0].kl)).toBeLessThan(1e-6);
    // The checkpoint carries the reference (no config can rebuild it), different from the initial weights.
    const ck = path.join(ws.dir, 'checkpoints', 'checkpoint-2');
    const state = read(ck, 'trainer_state.json').state;
    expect(state.sft_step).toBe(6);
    const ref = await SafetensorsFile.open(path.join(ck, 'reference_model.safetensors'));
    const init = await SafetensorsFile.open(path.join(ws.dir, 'model', 'model.safetensors'));
    try {
      expect(ref.names().sort()).toEqual(init.names().sort());
      const a = (await ref.read('model.embed_tokens.weight')).data as Float32Array;
      const b = (await init.read('model.embed_tokens.weight')).data as Float32Array;
      expect(a.length).toBe(b.length);
      expect(a.some((x, i) => x !== b[i])).toBe(true);
    } finally {
      await ref.close();
      await init.close();
    }
    const summary = read(ws.dir, 'tb', 'r1', 'summary.json');
    expect(summary.sft.steps).toBe(6);
    expect(summary.eval_after_sft.score_mean).toBeGreaterThanOrEqual(0);
  });

  it('sft.workers = 2 runs the warm-up over two processes and learns what one process learns', async () => {
    const quick = { training: { max_steps: 1, save_steps: 0, eval_steps: 0 }, evaluation: { at_start: false }, teacher: { execution: 'off' } };
    const one = await sftWorkspace({ sft: { steps: 2, batch_size: 4 }, ...quick });
    const two = await sftWorkspace({ sft: { steps: 2, batch_size: 4, workers: 2 }, ...quick });
    const a = await capture(() => runTrain(['--config', one.config]));
    const b = await capture(() => runTrain(['--config', two.config]));
    expect(a.result).toBe(0);
    expect(b.result).toBe(0);
    expect(a.stderr).not.toContain('data parallel');
    expect(b.stderr).toMatch(/sft warm-up: data parallel over 2 processes \(1 worker on 1 (wasm|cpu) thread each, started in [\d.]+s\)/);
    const la = read(one.dir, 'checkpoints', 'checkpoint-1', 'training_stats.json').sft_history.map((h: { loss: number }) => h.loss);
    const lb = read(two.dir, 'checkpoints', 'checkpoint-1', 'training_stats.json').sft_history.map((h: { loss: number }) => h.loss);
    expect(lb).toHaveLength(2);
    // the same batches and weights: equal losses up to the rounding of the shard sums
    lb.forEach((l: number, i: number) => expect(l).toBeCloseTo(la[i], 3));
  });

  it('resumes bit-exactly after the warm-up (the stored reference is restored) and from inside it', async () => {
    const full = await sftWorkspace();
    expect((await capture(() => runTrain(['--config', full.config]))).result).toBe(0);

    // Stopped after the warm-up and one RFAI step, then resumed.
    const after = await sftWorkspace();
    expect((await capture(() => runTrain(['--config', after.config, '--max-steps', '1']))).result).toBe(0);
    const r1 = await capture(() => runTrain(['--config', after.config, '--resume', 'latest']));
    expect(r1.result).toBe(0);

    // Stopped by SIGTERM during the warm-up (after its first step), then resumed.
    const during = await sftWorkspace();
    const stopped = await runWithSignal(['--config', during.config], /sft warm-up 1\/4 /, 'SIGTERM');
    expect(stopped.sent()).toBe(true);
    expect(stopped.result).toBe(143);
    const mid = read(during.dir, 'checkpoints', 'checkpoint-0', 'trainer_state.json').state;
    expect(mid.sft_step).toBe(1);
    const r2 = await capture(() => runTrain(['--config', during.config, '--resume', 'latest']));
    expect(r2.result).toBe(0);

    for (const ws of [after, during]) {
      for (const f of ['model.safetensors', 'optimizer.safetensors', 'reference_model.safetensors']) {
        const x = readFileSync(path.join(full.dir, 'checkpoints', 'checkpoint-2', f));
        const y = readFileSync(path.join(ws.dir, 'checkpoints', 'checkpoint-2', f));
        expect(Buffer.compare(x, y)).toBe(0);
      }
      const hx = read(full.dir, 'checkpoints', 'checkpoint-2', 'training_stats.json');
      const hy = read(ws.dir, 'checkpoints', 'checkpoint-2', 'training_stats.json');
      expect(hy.sft_history.map((h: { loss: number }) => h.loss)).toEqual(hx.sft_history.map((h: { loss: number }) => h.loss));
      expect(hy.history.map((h: { kl: number }) => h.kl)).toEqual(hx.history.map((h: { kl: number }) => h.kl));
    }
  });

  it('an explicit sft.steps without references is a startup error naming the key and the file (exit 2)', async () => {
    const ws = await makeWorkspace({ sft: { steps: 5 } });
    const r = await capture(() => runTrain(['--config', ws.config]));
    expect(r.result).toBe(2);
    expect(r.stderr).toMatch(/sft\.steps is 5 but none of the training prompts in .*train\.jsonl has a `reference`/);
    expect(r.stderr).toContain('set sft.steps: 0');
    expect(r.stderr).not.toContain('student:');
  });

  it('auto (null) warms up a preset student that has references, and nothing else', () => {
    const c = defaultConfig();
    expect(planSft(c, 10, 'train.jsonl')).toEqual({ steps: AUTO_SFT_STEPS, reason: 'auto: the preset student starts from random weights (10 references)' });
    expect(planSft(c, 0, 'train.jsonl')).toEqual({ steps: 0, reason: 'auto: no training prompt in train.jsonl has a reference' });
    expect(planSft({ ...c, model: { ...c.model, path: 'm' } }, 10, 'x')).toEqual({ steps: 0, reason: 'auto: model.path is a pretrained checkpoint' });
    expect(planSft({ ...c, sft: { ...c.sft, steps: 0 } }, 10, 'x')).toEqual({ steps: 0, reason: 'sft.steps is 0' });
    expect(planSft({ ...c, sft: { ...c.sft, steps: 7 } }, 10, 'x')).toEqual({ steps: 7, reason: 'sft.steps = 7' });
  });
});
