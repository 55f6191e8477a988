// Issue 19 item 9: a LoRA checkpoint of a preset student (random weights that exist in no folder) must load with
// PEFT: AutoPeftModelForCausalLM.from_pretrained(checkpoint) hands adapter_config.json's base_model_name_or_path to
// AutoModelForCausalLM.from_pretrained, so it has to name a Hugging Face folder, not "preset tiny (...)". The trainer
// writes the frozen base once per run to <output_dir>/base_model/ and records its absolute path. Checked here on the
// trainer's own save (saveTrainingCheckpoint after real optimizer steps) and on a `trainer train` run, in PEFT's
// layout, by rfai's loader and by a standard-library Python reader run from another folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { tf } from '@rfai/core';
import { openWeights } from '@rfai/checkpoint-io';
import { configHash, parseConfigText, type LoadedConfig } from '@rfai/config';
import { loadAdapter, loadModel, packSequences, tokenLogProbs, withAdaptersDisabled, type CausalLM } from '@rfai/models';
import { checkpointConfig } from '../src/commands/eval';
import { runTrain } from '../src/commands/train';
import { LORA_BASE_DIR, saveTrainingCheckpoint } from '../src/train/checkpointing';
import { createOptimizer, type Optimizer } from '../src/train/optimizer';
import { buildStudent, type Student } from '../src/train/student';
import { capture, makeWorkspace, writeTinyModel } from './helpers';

jest.setTimeout(180_000);

const PEFT_CHECK = path.resolve(__dirname, '../../../packages/models/src/__fixtures__/peft_layout_check.py');
const hasPython = spawnSync('python3', ['--version']).status === 0;
const ids = [
  [40, 41, 42, 43, 44, 45, 46, 47],
  [97, 98, 99, 100, 101, 102, 103, 256],
];

function read(...p: string[]) {
  return JSON.parse(readFileSync(path.join(...p), 'utf8'));
}

function logits(model: CausalLM): Float32Array {
  const l = model.forward(ids);
  const d = l.dataSync() as Float32Array;
  l.dispose();
  return d;
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let scale = 1e-6;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / scale;
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** A loaded config with the given YAML, its relative paths resolved against `dir`. */
function loaded(dir: string, yaml: string): LoadedConfig {
  return { config: parseConfigText(yaml, 'test.yaml', { overrides: [] }), file: null, baseDir: dir };
}

/** One optimizer step on a log-likelihood loss, so that lora_B leaves 0 and the adapters change the logits. */
function step(student: Student, opt: Optimizer) {
  const packed = packSequences([[5, 6, 7], [8, 9]], [[10, 11, 12, 13], [14, 15]], 256);
  const params = student.model.trainableParams();
  const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.neg(tf.sum(tokenLogProbs(student.model, packed).logprobs)) as tf.Scalar), [...params.values()]);
  opt.applyGradients(new Map([...params].map(([k, v]) => [k, grads[v.name]])), 0.05, 0);
  tf.dispose([value, ...Object.values(grads)]);
}

async function save(student: Student, opt: Optimizer, lc: LoadedConfig, outputDir: string, n: number): Promise<string> {
  return saveTrainingCheckpoint({
    outputDir,
    step: n,
    student,
    optimizer: opt,
    config: lc.config,
    configHash: configHash(lc.config),
    evalScore: null,
    trainerState: {},
    trainingStats: {},
  });
}

/** Runs peft_layout_check.py with cwd / (not the run's folder), as a user elsewhere would load the checkpoint. */
function pythonPeftCheck(adapterDir: string) {
  const r = spawnSync('python3', [PEFT_CHECK, adapterDir], { cwd: '/', encoding: 'utf8' });
  return { errors: `${r.stderr}${r.error ?? ''}`, summary: r.status === 0 ? JSON.parse(r.stdout) : null };
}

/**
 * The PEFT-layout check of one saved LoRA checkpoint: adapter_config.json fields, adapter key names and shapes, a
 * base_model_name_or_path that is a Hugging Face folder holding exactly `frozen`, and base + adapter reproducing
 * `trained` (1e-5).
 */
async function expectPeftPair(ckpt: string, baseDir: string, frozen: Map<string, Float32Array>, trained: Float32Array, r: number) {
  const cfg = read(ckpt, 'adapter_config.json');
  expect(cfg).toMatchObject({
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    r,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    modules_to_save: null,
    revision: null,
    base_model_name_or_path: baseDir,
  });
  expect(path.isAbsolute(cfg.base_model_name_or_path)).toBe(true);
  for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']) {
    expect([f, existsSync(path.join(baseDir, f))]).toEqual([f, true]);
  }
  const adapter = await openWeights(ckpt, { name: 'adapter_model' });
  const base = await openWeights(baseDir);
  try {
    const modules = new Set<string>();
    for (const name of adapter.names()) {
      const m = /^base_model\.model\.(.+\.(\w+_proj))\.lora_([AB])\.weight$/.exec(name);
      expect([name, m !== null]).toEqual([name, true]);
      expect(cfg.target_modules).toContain(m![2]);
      modules.add(m![1]);
      const [out, inn] = base.info(`${m![1]}.weight`).shape;
      expect([name, adapter.info(name).shape]).toEqual([name, m![3] === 'A' ? [r, inn] : [out, r]]);
    }
    const wrapped = base.names().filter((k) => cfg.target_modules.includes(k.split('.').at(-2)));
    expect([...modules].sort()).toEqual(wrapped.map((k) => k.slice(0, -'.weight'.length)).sort());
    expect(base.names().sort()).toEqual([...frozen.keys()].sort());
    for (const [k, data] of frozen) expect([k, bytes(await base.readFloat32(k)).equals(bytes(data))]).toEqual([k, true]);
  } finally {
    await adapter.close();
    await base.close();
  }
  const pair = await loadModel(cfg.base_model_name_or_path);
  try {
    await loadAdapter(pair, ckpt);
    expect(maxRelDiff(trained, logits(pair))).toBeLessThan(1e-5);
  } finally {
    pair.dispose();
  }
  if (hasPython) {
    const py = pythonPeftCheck(ckpt);
    expect(py.errors).toBe('');
    expect(py.summary).toMatchObject({ base: baseDir, r, tensors: 2 * py.summary.modules });
  }
}

describe('saveTrainingCheckpoint of a LoRA run on a preset student', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rfai-lora-peft-'));
  const outputDir = path.join(dir, 'checkpoints');
  const baseDir = path.join(outputDir, LORA_BASE_DIR);
  const lc = loaded(dir, 'model: { preset: tiny, lora: { enabled: true, r: 4, alpha: 8 } }\ntraining: { output_dir: checkpoints, seed: 11 }\n');
  let student: Student;
  let opt: Optimizer;
  let frozen: Map<string, Float32Array>;
  let baseLogits: Float32Array;

  beforeAll(async () => {
    student = await buildStudent(lc, null);
    opt = createOptimizer(student.model.trainableParams(), lc.config);
    frozen = new Map([...student.model.params].map(([k, v]) => [k, v.dataSync() as Float32Array]));
    baseLogits = withAdaptersDisabled(student.model, () => logits(student.model));
  });
  afterAll(() => {
    opt.dispose();
    student.dispose();
  });

  it('records <output_dir>/base_model (absolute), a Hugging Face folder of the frozen base; base + adapter give the trained logits', async () => {
    step(student, opt);
    const trained = logits(student.model);
    expect(maxRelDiff(trained, baseLogits)).toBeGreaterThan(1e-4); // the adapters matter
    const ckpt = await save(student, opt, lc, outputDir, 1);
    expect(read(ckpt, 'adapter_config.json').base_model_name_or_path).not.toMatch(/^preset /);
    await expectPeftPair(ckpt, baseDir, frozen, trained, 4);
    expect(read(baseDir, 'config.json')).toMatchObject({ model_type: 'qwen3', architectures: ['Qwen3ForCausalLM'], torch_dtype: 'float32' });
    // The base is not in the checkpoint (it never changes under LoRA), and no temp folder is left.
    expect(existsSync(path.join(ckpt, 'model.safetensors'))).toBe(false);
    expect(readdirSync(outputDir).filter((f) => f.startsWith('.') || f.includes(LORA_BASE_DIR))).toEqual([LORA_BASE_DIR]);
  });

  it('writes the base once per run: a later checkpoint points at the same folder, left untouched', async () => {
    const before = statSync(path.join(baseDir, 'model.safetensors'));
    step(student, opt);
    const trained = logits(student.model);
    const ckpt = await save(student, opt, lc, outputDir, 2);
    const after = statSync(path.join(baseDir, 'model.safetensors'));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    await expectPeftPair(ckpt, baseDir, frozen, trained, 4);
  });

  it('a resumed run (new process, same config) rewrites the base from the preset, replacing whatever folder it finds', async () => {
    writeFileSync(path.join(baseDir, 'model.safetensors'), 'stale'); // e.g. left by something else
    const resumed = await buildStudent(lc, path.join(outputDir, 'checkpoint-2'));
    const opt2 = createOptimizer(resumed.model.trainableParams(), lc.config);
    try {
      step(resumed, opt2);
      const trained = logits(resumed.model);
      const ckpt = await save(resumed, opt2, lc, outputDir, 3);
      await expectPeftPair(ckpt, baseDir, frozen, trained, 4);
      expect(readdirSync(outputDir).filter((f) => f.startsWith('.'))).toEqual([]);
    } finally {
      opt2.dispose();
      resumed.dispose();
    }
  });
});

describe('a model.path student', () => {
  it('records the absolute model.path folder and writes no base_model folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rfai-lora-peft-path-'));
    await writeTinyModel(path.join(dir, 'model'));
    const lc = loaded(dir, 'model: { path: model, lora: { enabled: true, r: 2, alpha: 4 } }\ntraining: { output_dir: out }\n');
    const student = await buildStudent(lc, null);
    const opt = createOptimizer(student.model.trainableParams(), lc.config);
    try {
      const frozen = new Map([...student.model.params].map(([k, v]) => [k, v.dataSync() as Float32Array]));
      step(student, opt);
      const ckpt = await save(student, opt, lc, path.join(dir, 'out'), 1);
      await expectPeftPair(ckpt, path.join(dir, 'model'), frozen, logits(student.model), 2);
      expect(existsSync(path.join(dir, 'out', LORA_BASE_DIR))).toBe(false);
    } finally {
      opt.dispose();
      student.dispose();
    }
  });
});

describe('trainer train: a LoRA run on the tiny preset', () => {
  it('its checkpoint passes the PEFT-layout check against <output_dir>/base_model', async () => {
    const w = await makeWorkspace({
      model: { path: null, preset: 'tiny', lora: { enabled: true, r: 4, alpha: 8, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] } },
      training: { max_steps: 1, batch_size: 1, save_steps: 1, eval_steps: 100, warmup_steps: 0, learning_rate: 0.05 },
      rfai: { num_samples_per_prompt: 2, max_new_tokens: 4 },
      data: { max_eval_samples: 1 },
    });
    const r = await capture(() => runTrain(['--config', w.config]));
    if (r.result !== 0) throw new Error(`trainer train exited ${r.result}:\n${r.stderr.slice(-3000)}`);
    const outputDir = path.join(w.dir, 'checkpoints');
    const ckpt = path.join(outputDir, 'checkpoint-1');
    const baseDir = path.join(outputDir, LORA_BASE_DIR);
    // The run's student, rebuilt from the checkpoint as eval does: the preset base plus the saved adapters.
    const student = await buildStudent(checkpointConfig(ckpt, []), ckpt);
    try {
      const frozen = new Map([...student.model.params].map(([k, v]) => [k, v.dataSync() as Float32Array]));
      await expectPeftPair(ckpt, baseDir, frozen, logits(student.model), 4);
      expect(read(ckpt, 'adapter_config.json').target_modules).toHaveLength(7);
    } finally {
      student.dispose();
    }
  });
});
