// The checkpoint command, and the summary's checkpoint table, over checkpoints written with @rfai/checkpoint-io.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { saveCheckpoint, type TensorData } from '@rfai/checkpoint-io';
import { APP_DIR, FIXTURE_MODEL_CONFIG, fixtureModelTensors, lcg, runCli, runInProcess, writeFixtureRun } from './test-helpers';

let ws: string;
const root = () => join(ws, 'ckpt');
const history = [
  { step: 1, reward_mean: 0.3, kl: 0, loss: 0.9 },
  { step: 2, reward_mean: 0.5, kl: 0.02, loss: 0.7 },
  { step: 3, reward_mean: 0.4, kl: 0.01, loss: 0.8 },
];

async function saveFull(step: number, evalScore: number) {
  await saveCheckpoint(root(), {
    step,
    modelConfig: FIXTURE_MODEL_CONFIG,
    model: fixtureModelTensors(step),
    optimizer: { 'adamw.step': { dtype: 'F32', shape: [], data: Float32Array.of(step) }, 'model.norm.weight.m': { dtype: 'F32', shape: [8], data: new Float32Array(8) } },
    trainerState: { epoch: 2 },
    trainingStats: { run_name: 'fixture', step, history, evals: [{ step: 3, score_mean: 0.55, pass_rate: 0.25 }], best_eval: { step: 3, score: 0.55 } },
    evalScore,
    configHash: 'c0ffee',
  });
}

// LoRA fixture: A [r, in], B [out, r] for two modules, PEFT names
const R = 2;
const ALPHA = 4;
function loraTensors(): Record<string, TensorData> {
  const rnd = lcg(99);
  const t = (shape: number[]): TensorData => ({ dtype: 'F32', shape, data: Float32Array.from({ length: shape[0] * shape[1] }, () => rnd() - 0.5) });
  const p = 'base_model.model.model.layers.0.self_attn';
  return {
    [`${p}.q_proj.lora_A.weight`]: t([R, 8]),
    [`${p}.q_proj.lora_B.weight`]: t([8, R]),
    [`${p}.v_proj.lora_A.weight`]: t([R, 8]),
    [`${p}.v_proj.lora_B.weight`]: t([4, R]),
  };
}

beforeAll(async () => {
  ws = mkdtempSync(join(tmpdir(), 'rfai-vis-ckpt-'));
  await saveFull(10, 0.4);
  await saveFull(20, 0.6);
  await saveFull(30, 0.5);
  await saveCheckpoint(join(ws, 'lora'), {
    step: 5,
    modelConfig: FIXTURE_MODEL_CONFIG,
    adapter: { tensors: loraTensors(), config: { peft_type: 'LORA', r: R, lora_alpha: ALPHA, lora_dropout: 0, target_modules: ['q_proj', 'v_proj'] } },
  });
  await writeFixtureRun(join(ws, 'logs', 'run'), { steps: 5, seed: 1 });
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));

function l2(data: Float32Array): number {
  let s = 0;
  for (const v of data) s += v * v;
  return Math.sqrt(s);
}

test('full checkpoint --json: parameters, per-tensor norms, optimizer step, training stats, sha256 verification', async () => {
  const r = await runCli(['checkpoint', 'ckpt/checkpoint-20', '--json'], ws);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const s = JSON.parse(r.stdout);
  const tensors = fixtureModelTensors(20);
  expect(s.dir).toBe(join(root(), 'checkpoint-20'));
  expect(s.trainerState).toMatchObject({ step: 20, kind: 'full', evalScore: 0.6, configHash: 'c0ffee', epoch: 2 });
  expect(s.modelConfig).toMatchObject({ model_type: 'qwen3', hidden_size: 8, vocab_size: 16 });
  expect(s.weights.kind).toBe('full');
  expect(s.weights.parameters).toBe(16 * 8 + 8 * 8 + 8 * 12 + 8);
  expect(s.weights.tensors).toBe(4);
  for (const [name, t] of Object.entries(tensors)) {
    const got = s.weights.perTensor.find((x: any) => x.name === name);
    expect(got.shape).toEqual(t.shape);
    expect(got.l2).toBeCloseTo(l2(t.data), 5);
    expect(got.min).toBe(Math.min(...t.data));
    expect(got.max).toBe(Math.max(...t.data));
  }
  expect(s.optimizer).toMatchObject({ step: 20, tensors: 2, parameters: 9, bytes: 36 });
  expect(s.trainingStats.history).toEqual({
    entries: 3,
    firstStep: 1,
    lastStep: 3,
    metrics: {
      reward_mean: { count: 3, first: 0.3, last: 0.4, min: 0.3, max: 0.5, mean: expect.closeTo(0.4, 12) },
      kl: { count: 3, first: 0, last: 0.01, min: 0, max: 0.02, mean: expect.closeTo(0.01, 12) },
      loss: { count: 3, first: 0.9, last: 0.8, min: 0.7, max: 0.9, mean: expect.closeTo(0.8, 12) },
    },
  });
  expect(s.trainingStats.bestEval).toEqual({ step: 3, score: 0.55 });
  expect(s.verification.ok).toBe(true);
  expect(s.verification.sha256).toBe(true);
  expect(s.verification.files.map((f: any) => [f.file, f.status, f.hashed])).toEqual([
    ['config.json', 'ok', true],
    ['model.safetensors', 'ok', true],
    ['optimizer.safetensors', 'ok', true],
    ['training_stats.json', 'ok', true],
  ]);
});

test('LoRA checkpoint: adapter norms, including the update norm (alpha/r)·||B·A||', async () => {
  const r = await runInProcess(['checkpoint', 'lora/checkpoint-5', '--json'], ws);
  expect(r.code).toBe(0);
  const s = JSON.parse(r.stdout);
  expect(s.trainerState.kind).toBe('adapter');
  expect(s.adapterConfig).toMatchObject({ r: R, lora_alpha: ALPHA, target_modules: ['q_proj', 'v_proj'] });
  expect(s.weights.kind).toBe('lora');
  expect(s.weights.parameters).toBe(2 * 8 + 8 * 2 + 2 * 8 + 4 * 2);
  const t = loraTensors();
  for (const mod of ['q_proj', 'v_proj']) {
    const p = `base_model.model.model.layers.0.self_attn.${mod}`;
    const a = t[`${p}.lora_A.weight`];
    const b = t[`${p}.lora_B.weight`];
    const [out] = b.shape;
    const inDim = a.shape[1];
    let sq = 0; // explicit product B·A
    for (let o = 0; o < out; o++) {
      for (let k = 0; k < inDim; k++) {
        let v = 0;
        for (let i = 0; i < R; i++) v += (b.data as Float32Array)[o * R + i] * (a.data as Float32Array)[i * inDim + k];
        sq += v * v;
      }
    }
    const m = s.weights.lora.find((x: any) => x.module === p);
    expect(m.rank).toBe(R);
    expect(m.normA).toBeCloseTo(l2(a.data as Float32Array), 5);
    expect(m.normB).toBeCloseTo(l2(b.data as Float32Array), 5);
    expect(m.deltaNorm).toBeCloseTo((ALPHA / R) * Math.sqrt(sq), 5);
  }
  const text = await runInProcess(['checkpoint', 'lora/checkpoint-5'], ws);
  expect(text.code).toBe(0);
  expect(text.stdout).toContain('LoRA adapter (adapter_config.json): peft_type LORA, r 2, lora_alpha 4');
  expect(text.stdout).toContain('LoRA adapter norms (2 modules):');
  expect(text.stdout).toContain('Optimizer: no optimizer.safetensors');
});

test('a corrupted file fails sha256 verification (exit 1); --no-verify checks sizes only', async () => {
  const dir = join(root(), 'checkpoint-10');
  const file = join(dir, 'optimizer.safetensors');
  const bytes = readFileSync(file);
  bytes[bytes.length - 1] ^= 0x01; // same size, different content
  writeFileSync(file, bytes);
  const r = await runInProcess(['checkpoint', 'ckpt/checkpoint-10', '--top', '2'], ws);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('Manifest verification (sizes and sha256): FAILED');
  expect(r.stdout).toMatch(/│ optimizer\.safetensors │ sha256 differs │ \d+\s+│ \d+\s+│/);
  expect(r.stdout).toContain('Per-tensor norms (largest 2 of 4; --top N for more; tensors with NaN/Inf first):');
  const quick = await runInProcess(['checkpoint', 'ckpt/checkpoint-10', '--no-verify'], ws);
  expect(quick.code).toBe(0);
  expect(quick.stdout).toContain('Manifest verification (sizes only (--no-verify)): OK, 4 files match trainer_state.json');
});

test('not a folder: exit 2 naming the path and how to find checkpoints', async () => {
  const r = await runInProcess(['checkpoint', 'ckpt/checkpoint-99'], ws);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(
    `visualizer: ${join(root(), 'checkpoint-99')} is not a checkpoint folder (no such folder). Pass a checkpoint-<step> folder, e.g. checkpoints/checkpoint-60; \`npx nx run visualizer:summary\` lists them.\n`,
  );
});

test('the checkpoints root instead of one checkpoint: exit 2 listing them and the latest', async () => {
  const r = await runInProcess(['checkpoint', 'lora'], ws);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(`visualizer: ${join(ws, 'lora')} holds checkpoints, not one: pass one of its folders (checkpoint-5), e.g. the latest complete one, ${join(ws, 'lora', 'checkpoint-5')}.\n`);
});

test('summary: checkpoint table with size, eval score, completeness, latest and best', async () => {
  // checkpoint-30 loses bytes (incomplete); an unfinished save leaves a temporary folder
  truncateSync(join(root(), 'checkpoint-30', 'model.safetensors'), 100);
  mkdirSync(join(root(), '.tmp-checkpoint-40-1234-ab'));
  writeFileSync(join(root(), '.tmp-checkpoint-40-1234-ab', 'config.json'), '{}');
  const r = await runInProcess(['summary', '--logdir', 'logs', '--checkpoints', 'ckpt', '--json'], ws);
  expect(r.code).toBe(0);
  const rows = JSON.parse(r.stdout).checkpoints;
  const size = (name: string) => {
    let total = 0;
    for (const f of ['config.json', 'model.safetensors', 'optimizer.safetensors', 'trainer_state.json', 'training_stats.json']) {
      try {
        total += readFileSync(join(root(), name, f)).length;
      } catch {
        /* absent */
      }
    }
    return total;
  };
  expect(rows.map((x: any) => [x.name, x.step, x.evalScore, x.complete, x.latest, x.best])).toEqual([
    ['checkpoint-10', 10, 0.4, true, false, false],
    ['checkpoint-20', 20, 0.6, true, true, true],
    ['checkpoint-30', 30, 0.5, false, false, false],
    ['.tmp-checkpoint-40-1234-ab', 40, null, false, false, false],
  ]);
  expect(rows[0].sizeBytes).toBe(size('checkpoint-10'));
  expect(rows[2].sizeBytes).toBe(size('checkpoint-30'));
  expect(rows[2].problems[0]).toContain('model.safetensors is 100 bytes but the manifest records');
  const text = await runInProcess(['summary', '--logdir', 'logs', '--checkpoints', 'ckpt'], ws);
  expect(text.stdout).toMatch(/│ checkpoint-20\s+│ 20\s+│ [\d.]+ KiB │ 0\.6\s+│ yes\s+│ latest │ best │/);
  expect(text.stdout).toMatch(/│ checkpoint-30\s+│ 30\s+│ .* │ no: model\.safetensors is 100 bytes but the manifest records \d+\s+│\s+│\s+│/);
});

test('through nx: relative paths resolve against the folder nx was run from', async () => {
  const from = join(APP_DIR, '..', '..', 'packages');
  const rel = relative(from, join(root(), 'checkpoint-20'));
  const r = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn('npx', ['nx', 'run', 'visualizer:checkpoint', rel, '--json', '--no-verify'], {
      cwd: from,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' },
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', () => {});
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
  expect(r.code).toBe(0);
  const json = r.stdout.slice(r.stdout.indexOf('\n{') + 1, r.stdout.lastIndexOf('\n}') + 2);
  expect(JSON.parse(json).dir).toBe(join(root(), 'checkpoint-20'));
}, 120_000);
