import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findLatestCheckpoint, loadCheckpoint, validateCheckpoint } from './checkpoint-load';
import { saveCheckpoint, type CheckpointSaveInput, type SaveCheckpointOptions } from './checkpoint-save';
import { diffConfigs, hashConfig } from './config-hash';
import type { TensorData } from './dtypes';
import {
  CheckpointCorruptError,
  CheckpointError,
  CheckpointExistsError,
  CheckpointIncompleteError,
  ConfigHashMismatchError,
} from './errors';
import { readAllTensors } from './weights';

let base: string;
let tokDir: string;
let n = 0;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'rfai-ckpt-'));
  tokDir = join(base, 'hf-model');
  mkdirSync(tokDir);
  writeFileSync(join(tokDir, 'tokenizer.json'), '{"model": {"type": "BPE"}}');
  writeFileSync(join(tokDir, 'tokenizer_config.json'), '{"eos_token": "<|endoftext|>"}');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const quiet = { warn: () => undefined };
function freshRoot(): string {
  return join(base, `run-${n++}`);
}

const runConfig = { model: { preset: 'tiny' }, training: { learning_rate: 0.001, batch_size: 4 }, rfai: { kl_coef: 0.05 } };

function tensors(seed: number): Record<string, TensorData> {
  const emb = new Float32Array(24);
  for (let i = 0; i < emb.length; i++) emb[i] = Math.sin(seed * 100 + i);
  return {
    'model.embed_tokens.weight': { dtype: 'F32', shape: [6, 4], data: emb },
    'model.norm.weight': { dtype: 'F32', shape: [4], data: new Float32Array([1, 1, 1, seed]) },
  };
}

function input(step: number, extra: Partial<CheckpointSaveInput> = {}): CheckpointSaveInput {
  return {
    step,
    modelConfig: { model_type: 'qwen3', hidden_size: 4, vocab_size: 6 },
    model: tensors(step),
    tokenizerFiles: [join(tokDir, 'tokenizer.json'), join(tokDir, 'tokenizer_config.json')],
    optimizer: {
      'exp_avg.model.norm.weight': { dtype: 'F32', shape: [4], data: new Float32Array([0.1, 0.2, 0.3, step]) },
      step: { dtype: 'I64', shape: [], data: new BigInt64Array([BigInt(step)]) },
    },
    trainerState: { epoch: 1, data_cursor: { epoch: 1, index: step * 4 }, rng_state: { s: [1, 2, 3, 4] }, kl_controller: { value: 0.05 } },
    trainingStats: { history: [{ step, reward_mean: 0.3 }] },
    config: runConfig,
    ...extra,
  };
}

async function save(root: string, step: number, extra: Partial<CheckpointSaveInput> = {}, opts: SaveCheckpointOptions = {}) {
  return saveCheckpoint(root, input(step, extra), { logger: quiet, ...opts });
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

describe('saveCheckpoint', () => {
  it('writes the folder layout, manifest, config hash and latest pointer', async () => {
    const root = freshRoot();
    const saved = await save(root, 10, { evalScore: 0.75 });
    const dir = join(root, 'checkpoint-10');
    expect(saved.path).toBe(dir);
    expect(readdirSync(root).sort()).toEqual(['checkpoint-10', 'latest']);
    expect(readFileSync(join(root, 'latest'), 'utf8')).toBe('checkpoint-10\n');
    const files = ['config.json', 'model.safetensors', 'optimizer.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'trainer_state.json', 'training_stats.json'];
    expect(readdirSync(dir).sort()).toEqual(files);
    expect(saved.files).toEqual(files);
    const state = JSON.parse(readFileSync(join(dir, 'trainer_state.json'), 'utf8'));
    expect(state.step).toBe(10);
    expect(state.kind).toBe('full');
    expect(state.eval_score).toBe(0.75);
    expect(state.tokenizer_files).toEqual(['tokenizer.json', 'tokenizer_config.json']);
    // Independent hash of the canonical (sorted-key) JSON of the config.
    const canonical = '{"model":{"preset":"tiny"},"rfai":{"kl_coef":0.05},"training":{"batch_size":4,"learning_rate":0.001}}';
    expect(state.config_hash).toBe(`sha256:${createHash('sha256').update(canonical).digest('hex')}`);
    expect(saved.configHash).toBe(state.config_hash);
    expect(state.config).toEqual(runConfig);
    for (const f of files.filter((f) => f !== 'trainer_state.json')) {
      expect([f, state.manifest[f]]).toEqual([f, { size: readFileSync(join(dir, f)).length, sha256: sha256(join(dir, f)) }]);
    }
    expect(Object.keys(state.manifest).sort()).toEqual(files.filter((f) => f !== 'trainer_state.json'));
    const total = files.reduce((a, f) => a + readFileSync(join(dir, f)).length, 0);
    expect(saved.bytes).toBe(total);
    expect(readFileSync(join(dir, 'tokenizer.json'), 'utf8')).toBe('{"model": {"type": "BPE"}}');
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({ model_type: 'qwen3', hidden_size: 4, vocab_size: 6 });
  });

  it('round-trips through loadCheckpoint exactly', async () => {
    const root = freshRoot();
    await save(root, 20);
    const ck = await loadCheckpoint(join(root, 'checkpoint-20'), { verify: true, expectedConfig: { ...runConfig } });
    expect(ck.step).toBe(20);
    expect(ck.kind).toBe('full');
    expect(ck.trainerState).toEqual(input(20).trainerState);
    expect(ck.trainingStats).toEqual({ history: [{ step: 20, reward_mean: 0.3 }] });
    expect(ck.modelConfig).toEqual(input(20).modelConfig);
    expect(ck.config).toEqual(runConfig);
    expect(ck.configDifferences).toEqual([]);
    expect(ck.tokenizerFiles).toEqual([join(ck.path, 'tokenizer.json'), join(ck.path, 'tokenizer_config.json')]);
    const model = await ck.openModel();
    const m = await readAllTensors(model);
    await model.close();
    expect(Array.from(m['model.embed_tokens.weight'].data as Float32Array)).toEqual(Array.from(tensors(20)['model.embed_tokens.weight'].data as Float32Array));
    const opt = (await ck.openOptimizer())!;
    expect(Array.from(await opt.readFloat32('exp_avg.model.norm.weight'))).toEqual([0.1, 0.2, 0.3, 20].map(Math.fround));
    expect((await opt.read('step')).data).toEqual(new BigInt64Array([20n]));
    expect(opt.metadata).toEqual({ step: '20' });
    await opt.close();
  });

  it('saves a PEFT adapter checkpoint, BF16 weights and sharded weights', async () => {
    const root = freshRoot();
    const adapter = {
      tensors: { 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight': { dtype: 'F32' as const, shape: [2], data: new Float32Array([1 + 2 ** -8, 2]) } },
      config: { peft_type: 'LORA', r: 8, lora_alpha: 16, target_modules: ['q_proj'] },
    };
    await save(root, 1, { model: undefined, adapter, optimizer: undefined }, { castFloatTo: 'BF16' });
    const dir = join(root, 'checkpoint-1');
    expect(readdirSync(dir).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors', 'config.json', 'tokenizer.json', 'tokenizer_config.json', 'trainer_state.json', 'training_stats.json']);
    const ck = await loadCheckpoint(dir);
    expect(ck.kind).toBe('adapter');
    expect(ck.adapterConfig).toEqual(adapter.config);
    expect(await ck.openOptimizer()).toBeUndefined();
    const w = await ck.openModel();
    expect(w.info('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight').dtype).toBe('BF16');
    expect(Array.from(await w.readFloat32('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight'))).toEqual([1, 2]);
    await w.close();

    await save(root, 2, {}, { maxShardBytes: 100 });
    const sharded = join(root, 'checkpoint-2');
    expect(readdirSync(sharded).filter((f) => f.startsWith('model')).sort()).toEqual([
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
      'model.safetensors.index.json',
    ]);
    const ck2 = await loadCheckpoint(sharded, { verify: true });
    const m = await ck2.openModel();
    expect(Array.from(await m.readFloat32('model.norm.weight'))).toEqual([1, 1, 1, 2]);
    await m.close();
  });

  it('rejects bad input before writing anything', async () => {
    const root = freshRoot();
    const cases: [Partial<CheckpointSaveInput>, string][] = [
      [{ step: -1 }, 'step must be a non-negative integer, got -1'],
      [{ step: 1.5 }, 'step must be a non-negative integer, got 1.5'],
      [{ adapter: { tensors: {}, config: {} } }, 'give exactly one of "model" (full weights) or "adapter"'],
      [{ model: undefined }, 'give exactly one of "model" (full weights) or "adapter"'],
      [{ modelConfig: undefined as unknown as Record<string, unknown> }, '"modelConfig" (the Hugging Face config.json object) is required'],
      [{ evalScore: NaN }, 'evalScore must be a finite number, got NaN'],
      [{ tokenizerFiles: [join(base, 'config.json')] }, 'tokenizer file "config.json" would overwrite a file the checkpoint writes itself'],
      [{ extraFiles: { 'model-00001-of-00002.safetensors': 'x' } }, 'extra file "model-00001-of-00002.safetensors" would overwrite'],
      [{ extraFiles: { '../escape.json': 'x' } }, 'extra file name "../escape.json" must be a plain file name'],
      [{ extraFiles: { 'tokenizer.json': 'x' } }, 'two files would be stored as "tokenizer.json"'],
      [{ config: { lr: NaN } }, 'hashConfig: lr is NaN, which JSON cannot hold'],
      [{ trainerState: { kl_controller: { value: NaN } } }, 'trainerState holds NaN at kl_controller.value, which JSON cannot store exactly'],
      [{ trainerState: { rng: { s: [1n] } } }, 'trainerState holds bigint 1n at rng.s[0]'],
      [{ modelConfig: { rope_theta: Infinity } }, 'modelConfig holds Infinity at rope_theta'],
      [{ trainerState: { buf: new Float32Array(2) } }, 'trainerState holds a Float32Array (store tensors in safetensors files) at buf'],
      [{ trainingStats: { f: () => 1 } }, 'trainingStats holds a function at f'],
    ];
    for (const [extra, msg] of cases) {
      await expect(save(root, 1, { ...input(1), ...extra })).rejects.toThrow(msg);
    }
    await expect(save(root, 1, {}, { saveTotalLimit: 0 })).rejects.toThrow('saveTotalLimit must be an integer >= 1, got 0');
    expect(existsSync(root) ? readdirSync(root) : []).toEqual([]);
  });

  it('writes non-finite metrics in training_stats.json as strings', async () => {
    const root = freshRoot();
    await save(root, 1, { trainingStats: { history: [{ loss: NaN, kl: Infinity, adv: -Infinity, reward: 0.5 }] } });
    expect(readFileSync(join(root, 'checkpoint-1', 'training_stats.json'), 'utf8')).toContain('"loss": "NaN",\n      "kl": "Infinity",\n      "adv": "-Infinity",\n      "reward": 0.5');
  });

  it('cleans up its temp folder when a file cannot be copied', async () => {
    const root = freshRoot();
    await save(root, 1);
    const missing = join(tokDir, 'vocab.json');
    await expect(save(root, 2, { tokenizerFiles: [missing] })).rejects.toThrow(`cannot copy tokenizer file ${missing}: ENOENT`);
    expect(readdirSync(root).sort()).toEqual(['checkpoint-1', 'latest']);
    expect(readFileSync(join(root, 'latest'), 'utf8')).toBe('checkpoint-1\n');
  });

  it('refuses to overwrite unless asked, and overwrites atomically when asked', async () => {
    const root = freshRoot();
    await save(root, 5);
    const err = await save(root, 5).catch((e) => e);
    expect(err).toBeInstanceOf(CheckpointExistsError);
    expect(err.message).toBe(`${join(root, 'checkpoint-5')} already exists; pass overwrite: true to replace it, or save under another step`);
    await save(root, 5, { trainerState: { epoch: 9 } }, { overwrite: true });
    expect((await loadCheckpoint(join(root, 'checkpoint-5'), { verify: true })).trainerState).toEqual({ epoch: 9 });
    expect(readdirSync(root).sort()).toEqual(['checkpoint-5', 'latest']);
  });

  it('removes temp folders of dead processes and keeps those of live ones', async () => {
    const root = freshRoot();
    mkdirSync(root);
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    mkdirSync(join(root, `.tmp-checkpoint-7-${dead}-abc123`));
    mkdirSync(join(root, `.trash-checkpoint-3-${dead}-zz9`));
    const live = join(root, `.tmp-checkpoint-8-${process.ppid}-def456`);
    mkdirSync(live);
    const warnings: string[] = [];
    await save(root, 9, {}, { logger: { warn: (m) => warnings.push(m) } });
    expect(readdirSync(root).sort()).toEqual([`.tmp-checkpoint-8-${process.ppid}-def456`, 'checkpoint-9', 'latest']);
    expect(warnings.sort()).toEqual([
      `removing ${join(root, `.tmp-checkpoint-7-${dead}-abc123`)}, left by an interrupted save`,
      `removing ${join(root, `.trash-checkpoint-3-${dead}-zz9`)}, left by an interrupted save`,
    ]);
  });
});

describe('rotation', () => {
  it('keeps the newest save_total_limit checkpoints', async () => {
    const root = freshRoot();
    for (const step of [10, 20, 30]) await save(root, step, {}, { saveTotalLimit: 2 });
    expect(readdirSync(root).sort()).toEqual(['checkpoint-20', 'checkpoint-30', 'latest']);
    const saved = await save(root, 40, {}, { saveTotalLimit: 1 });
    expect(saved.removed).toEqual([join(root, 'checkpoint-20'), join(root, 'checkpoint-30')]);
    expect(readdirSync(root).sort()).toEqual(['checkpoint-40', 'latest']);
  });

  it('never removes the best checkpoint with keepBest, nor the one just written', async () => {
    const root = freshRoot();
    const opts = { saveTotalLimit: 2, keepBest: true };
    await save(root, 10, { evalScore: 0.9 }, opts);
    await save(root, 20, { evalScore: 0.1 }, opts);
    const s30 = await save(root, 30, { evalScore: 0.2 }, opts);
    expect(s30.removed).toEqual([join(root, 'checkpoint-20')]);
    const s40 = await save(root, 40, {}, opts); // no eval at this step
    expect(s40.removed).toEqual([join(root, 'checkpoint-30')]);
    expect(readdirSync(root).sort()).toEqual(['checkpoint-10', 'checkpoint-40', 'latest']);
    // limit 1 with a protected best and a protected newest: both stay.
    const s50 = await save(root, 50, { evalScore: 0.5 }, { saveTotalLimit: 1, keepBest: true });
    expect(s50.removed).toEqual([join(root, 'checkpoint-40')]);
    expect(readdirSync(root).sort()).toEqual(['checkpoint-10', 'checkpoint-50', 'latest']);
  });

  it('keeps the lowest score when greaterIsBetter is false', async () => {
    const root = freshRoot();
    const opts = { saveTotalLimit: 2, keepBest: true, greaterIsBetter: false };
    await save(root, 1, { evalScore: 2.5 }, opts);
    await save(root, 2, { evalScore: 0.5 }, opts);
    await save(root, 3, { evalScore: 1.5 }, opts);
    await save(root, 4, { evalScore: 3.5 }, opts);
    expect(readdirSync(root).sort()).toEqual(['checkpoint-2', 'checkpoint-4', 'latest']);
  });
});

describe('findLatestCheckpoint', () => {
  it('returns undefined for an empty or missing root', async () => {
    expect(await findLatestCheckpoint(join(base, 'nothing-here'))).toBeUndefined();
  });

  it('falls back past a truncated, a corrupt and a half-written newest checkpoint', async () => {
    const root = freshRoot();
    for (const step of [100, 200, 300, 400]) await save(root, step);
    mkdirSync(join(root, '.tmp-checkpoint-500-1-abc')); // never a candidate
    truncateSync(join(root, 'checkpoint-400', 'optimizer.safetensors'), 10);
    writeFileSync(join(root, 'checkpoint-300', 'trainer_state.json'), '{"format": "rfai-checkp');
    // Same size, one byte flipped: only sha256 verification sees it.
    const f = join(root, 'checkpoint-200', 'model.safetensors');
    const b = readFileSync(f);
    b[b.length - 1] ^= 0xff;
    writeFileSync(f, b);

    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m) };
    const fast = await findLatestCheckpoint(root, { logger });
    expect(fast?.step).toBe(200);
    expect(warnings[0]).toContain(`skipping ${join(root, 'checkpoint-400')}: checkpoint ${join(root, 'checkpoint-400')}: optimizer.safetensors is 10 bytes but the manifest records`);
    expect(warnings[1]).toContain(`skipping ${join(root, 'checkpoint-300')}: ${join(root, 'checkpoint-300', 'trainer_state.json')} is not valid JSON`);
    expect(warnings[2]).toBe(`${join(root, 'latest')} names checkpoint-400, but the newest valid checkpoint is ${join(root, 'checkpoint-200')}; using it`);

    warnings.length = 0;
    const verified = await findLatestCheckpoint(root, { verify: true, logger });
    expect(verified).toMatchObject({ step: 100, kind: 'full', path: join(root, 'checkpoint-100'), evalScore: null, configHash: hashConfig(runConfig) });
    expect(warnings[2]).toMatch(/skipping .*checkpoint-200: .*model\.safetensors has sha256 [0-9a-f]{64} but the manifest records [0-9a-f]{64}; the file is corrupt/);
  });

  it('skips a folder with a missing file or no trainer_state.json', async () => {
    const root = freshRoot();
    await save(root, 1);
    await save(root, 2);
    await save(root, 3);
    rmSync(join(root, 'checkpoint-3', 'tokenizer.json'));
    rmSync(join(root, 'checkpoint-2', 'trainer_state.json'));
    const warnings: string[] = [];
    expect((await findLatestCheckpoint(root, { logger: { warn: (m) => warnings.push(m) } }))?.step).toBe(1);
    expect(warnings[0]).toContain('is incomplete: missing tokenizer.json (listed in trainer_state.json)');
    expect(warnings[1]).toContain(`checkpoint ${join(root, 'checkpoint-2')} has no trainer_state.json; it is not a complete rfai checkpoint`);
  });
});

describe('loadCheckpoint checks', () => {
  it('reports missing and corrupt files with typed errors', async () => {
    const root = freshRoot();
    await save(root, 1);
    const dir = join(root, 'checkpoint-1');
    const f = join(dir, 'model.safetensors');
    const b = readFileSync(f);
    b[100] ^= 1;
    writeFileSync(f, b);
    await expect(loadCheckpoint(dir)).resolves.toMatchObject({ step: 1 });
    const corrupt = await loadCheckpoint(dir, { verify: true }).catch((e) => e);
    expect(corrupt).toBeInstanceOf(CheckpointCorruptError);
    expect(corrupt.key).toBe('model.safetensors');
    expect(corrupt.found).toBe(sha256(f));
    rmSync(join(dir, 'config.json'));
    const missing = await loadCheckpoint(dir).catch((e) => e);
    expect(missing).toBeInstanceOf(CheckpointIncompleteError);
    expect(missing.missing).toEqual(['config.json']);
    await expect(loadCheckpoint(root)).rejects.toThrow(`${root} is a checkpoints root, not a checkpoint folder`);
    await expect(loadCheckpoint(join(base, 'none'))).rejects.toThrow(`checkpoint ${join(base, 'none')} does not exist (no such folder)`);
    mkdirSync(join(base, 'empty'));
    await expect(loadCheckpoint(join(base, 'empty'))).rejects.toThrow('has no trainer_state.json');
  });

  it('reports what differs when the config hash does not match', async () => {
    const root = freshRoot();
    await save(root, 1);
    const dir = join(root, 'checkpoint-1');
    const changed = { ...runConfig, training: { learning_rate: 0.002, batch_size: 4, warmup: 10 } };
    const err = await loadCheckpoint(dir, { expectedConfig: changed }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigHashMismatchError);
    expect(err.differences).toEqual([
      { key: 'training.learning_rate', stored: 0.001, expected: 0.002 },
      { key: 'training.warmup', stored: undefined, expected: 10 },
    ]);
    expect(err.message).toContain('differences: training.learning_rate: checkpoint 0.001, now 0.002; training.warmup: checkpoint (absent), now 10');
    const warnings: string[] = [];
    const ck = await loadCheckpoint(dir, { expectedConfig: changed, onConfigMismatch: 'warn', logger: { warn: (m) => warnings.push(m) } });
    expect(ck.configDifferences).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    await expect(loadCheckpoint(dir, { expectedConfigHash: 'sha256:00' })).rejects.toThrow(
      `was saved with config ${hashConfig(runConfig)} but this run has sha256:00; pass expectedConfig to list the differing keys`,
    );
    await expect(loadCheckpoint(dir, { expectedConfigHash: hashConfig(runConfig) })).resolves.toMatchObject({ step: 1 });

    const root2 = freshRoot();
    await save(root2, 1, {}, { storeConfig: false });
    await expect(loadCheckpoint(join(root2, 'checkpoint-1'), { expectedConfig: changed })).rejects.toThrow(
      'the checkpoint does not store its config, so the differing keys cannot be listed',
    );
  });

  it('rejects malformed trainer_state.json fields', async () => {
    const root = freshRoot();
    await save(root, 1);
    const file = join(root, 'checkpoint-1', 'trainer_state.json');
    const good = JSON.parse(readFileSync(file, 'utf8'));
    const cases: [Record<string, unknown>, string][] = [
      [{ format: 'other' }, '"format" must be "rfai-checkpoint"'],
      [{ format_version: 2 }, '"format_version" must be a number <= 1 (upgrade @rfai/checkpoint-io'],
      [{ step: -3 }, '"step" must be a non-negative integer, found -3'],
      [{ kind: 'lora' }, '"kind" must be "full" or "adapter"'],
      [{ manifest: { 'config.json': { size: 1, sha256: 'xyz' } } }, '"manifest.config.json" must be {size: integer, sha256: 64 hex digits}'],
      [{ manifest: { '../x': { size: 1, sha256: '0'.repeat(64) } } }, 'must be a plain file name inside the folder'],
      [{ state: [] }, '"state" must be an object'],
    ];
    for (const [patch, msg] of cases) {
      writeFileSync(file, JSON.stringify({ ...good, ...patch }));
      const err = await validateCheckpoint(join(root, 'checkpoint-1')).catch((e) => e);
      expect(err).toBeInstanceOf(CheckpointCorruptError);
      expect(err.message).toContain(msg);
    }
    const { ['model.safetensors']: _dropped, ...rest } = good.manifest;
    writeFileSync(file, JSON.stringify({ ...good, manifest: rest }));
    await expect(validateCheckpoint(join(root, 'checkpoint-1'))).rejects.toThrow('the manifest lacks model.safetensors, which a full checkpoint needs');
  });
});

describe('hashConfig / diffConfigs', () => {
  it('ignores key order and undefined members, and sees every value', () => {
    expect(hashConfig({ b: 1, a: [1, 'x'], c: undefined })).toBe(`sha256:${createHash('sha256').update('{"a":[1,"x"],"b":1}').digest('hex')}`);
    expect(hashConfig({ a: { y: 1, x: 2 } })).toBe(hashConfig({ a: { x: 2, y: 1 } }));
    expect(hashConfig({ a: 1 })).not.toBe(hashConfig({ a: '1' }));
    expect(() => hashConfig({ f: () => 1 })).toThrow(CheckpointError);
    expect(() => hashConfig({ x: { y: Infinity } })).toThrow('hashConfig: x.y is Infinity');
    expect(diffConfigs({ a: { b: [1, 2] }, c: 1 }, { a: { b: [1, 3] }, c: 1 })).toEqual([{ key: 'a.b', stored: [1, 2], expected: [1, 3] }]);
    expect(diffConfigs(1, 2)).toEqual([{ key: '(root)', stored: 1, expected: 2 }]);
  });
});
