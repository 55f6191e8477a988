// Statistics of one checkpoint folder: model config, parameters and norms, optimizer state,
// training_stats.json highlights and manifest verification.
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CheckpointError,
  SafetensorsFile,
  TRAINER_STATE_FILE,
  findLatestCheckpoint,
  hashFile,
  listCheckpoints,
  readTrainerState,
  validateCheckpoint,
  type TrainerStateFile,
} from '@rfai/checkpoint-io';
import { folderBytes } from './checkpoint-list';
import { MissingPathError } from './errors';
import { weightStats, type WeightStats } from './weight-stats';

/** Verification of one manifest file. */
export interface FileCheck {
  file: string;
  /** `ok`; `missing`; `size` (size differs); `sha256` (content differs); `extra` (in the folder, not in the manifest). */
  status: 'ok' | 'missing' | 'size' | 'sha256' | 'extra';
  expectedSize: number | null;
  foundSize: number | null;
  /** Whether the sha256 was compared (false with --no-verify or when the size already differs). */
  hashed: boolean;
}

/** Result of checking the folder against the manifest of trainer_state.json. */
export interface Verification {
  /** True when every manifest file is `ok` and @rfai/checkpoint-io's structural check passed. */
  ok: boolean;
  /** Whether sha256 hashes were compared (sizes always are). */
  sha256: boolean;
  files: FileCheck[];
  /** @rfai/checkpoint-io's verdict (validateCheckpoint), null when it passed. */
  problem: string | null;
}

/** Summary of a numeric metric over the training_stats history. */
export interface HistoryMetric {
  count: number;
  first: number;
  last: number;
  min: number;
  max: number;
  mean: number;
}

/** Highlights of training_stats.json. */
export interface TrainingStatsHighlights {
  /** Top-level scalar values (run_name, step, ...). */
  scalars: Record<string, string | number | boolean | null>;
  /** The per-step history (an array of records with `step`), summarised per numeric key. */
  history: { entries: number; firstStep: number | null; lastStep: number | null; metrics: Record<string, HistoryMetric> } | null;
  /** Number of eval records and the last one's numeric fields (per-language ones flattened as `per_language.<lang>.<key>`). */
  evals: { entries: number; last: Record<string, number> } | null;
  /** Best, first and final eval as recorded, each `{ step?, score }` flattened to numbers. */
  bestEval: Record<string, number> | null;
  evalBefore: Record<string, number> | null;
  evalAfter: Record<string, number> | null;
}

/** Everything the checkpoint command reports. */
export interface CheckpointStats {
  dir: string;
  /** Files in the folder with their sizes, sorted by name. */
  files: { name: string; bytes: number }[];
  totalBytes: number;
  /** trainer_state.json fields (without the manifest and the stored config), or null when unreadable. */
  trainerState: {
    step: number;
    kind: 'full' | 'adapter';
    savedAt: string;
    configHash: string | null;
    evalScore: number | null;
    epoch: number | null;
    tokenizerFiles: string[];
  } | null;
  /** Why trainer_state.json could not be used. */
  trainerStateProblem: string | null;
  /** Selected fields of config.json (Hugging Face spelling), or null when absent. */
  modelConfig: Record<string, unknown> | null;
  /** adapter_config.json fields (PEFT), or null for full checkpoints. */
  adapterConfig: Record<string, unknown> | null;
  weights: WeightStats | null;
  optimizer: { file: string; tensors: number; parameters: number; bytes: number; step: number | null; metadata: Record<string, string> } | null;
  trainingStats: TrainingStatsHighlights | null;
  verification: Verification | null;
  /** Problems met while reading (unreadable JSON, malformed safetensors), each naming the file. */
  problems: string[];
}

const CONFIG_KEYS = [
  'model_type',
  'architectures',
  'hidden_size',
  'num_hidden_layers',
  'num_attention_heads',
  'num_key_value_heads',
  'head_dim',
  'intermediate_size',
  'vocab_size',
  'max_position_embeddings',
  'rope_theta',
  'rms_norm_eps',
  'tie_word_embeddings',
  'torch_dtype',
];
const ADAPTER_KEYS = ['peft_type', 'r', 'lora_alpha', 'lora_dropout', 'target_modules', 'bias', 'base_model_name_or_path', 'task_type'];

async function readJsonFile(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}

function pick(obj: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in obj) out[k] = obj[k];
  return out;
}

/**
 * Reads everything the checkpoint command shows. Problems with single files are collected in `problems` (and
 * the corresponding part is null) so that the rest is still shown.
 * @throws MissingPathError when `dir` is not a folder.
 */
export async function checkpointStats(dir: string, opts: { verify: boolean }): Promise<CheckpointStats> {
  const st = await stat(dir).catch(() => null);
  if (!st || !st.isDirectory()) {
    throw new MissingPathError(dir, `${dir} is not a checkpoint folder (${st ? 'it is a file' : 'no such folder'}). Pass a checkpoint-<step> folder, e.g. checkpoints/checkpoint-60; \`npx nx run visualizer:summary\` lists them.`);
  }
  if (!existsSync(join(dir, TRAINER_STATE_FILE))) {
    const inside = await listCheckpoints(dir);
    if (inside.length > 0) {
      const latest = await findLatestCheckpoint(dir, { logger: { warn: () => {} } });
      throw new MissingPathError(
        dir,
        `${dir} holds checkpoints, not one: pass one of its folders (${inside.map((c) => c.name).join(', ')})${latest ? `, e.g. the latest complete one, ${latest.path}` : ''}.`,
      );
    }
  }
  const problems: string[] = [];
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
  const files = await Promise.all(names.map(async (name) => ({ name, bytes: (await stat(join(dir, name))).size })));

  let state: TrainerStateFile | null = null;
  let trainerStateProblem: string | null = null;
  try {
    state = await readTrainerState(dir);
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    trainerStateProblem = e.message;
    problems.push(e.message);
  }

  let modelConfig: Record<string, unknown> | null = null;
  if (existsSync(join(dir, 'config.json'))) {
    try {
      modelConfig = pick((await readJsonFile(join(dir, 'config.json'))) as Record<string, unknown>, CONFIG_KEYS);
    } catch (e) {
      problems.push(`${join(dir, 'config.json')}: not valid JSON (${(e as Error).message})`);
    }
  }
  let adapterConfig: Record<string, unknown> | null = null;
  if (existsSync(join(dir, 'adapter_config.json'))) {
    try {
      adapterConfig = pick((await readJsonFile(join(dir, 'adapter_config.json'))) as Record<string, unknown>, ADAPTER_KEYS);
    } catch (e) {
      problems.push(`${join(dir, 'adapter_config.json')}: not valid JSON (${(e as Error).message})`);
    }
  }

  let weights: WeightStats | null = null;
  try {
    const alpha = adapterConfig && typeof adapterConfig.lora_alpha === 'number' ? adapterConfig.lora_alpha : null;
    weights = await weightStats(dir, alpha);
  } catch (e) {
    if (!(e instanceof CheckpointError) && !(e instanceof RangeError)) throw e;
    problems.push(e.message);
  }

  let optimizer: CheckpointStats['optimizer'] = null;
  if (existsSync(join(dir, 'optimizer.safetensors'))) {
    try {
      const f = await SafetensorsFile.open(join(dir, 'optimizer.safetensors'));
      try {
        let parameters = 0;
        let bytes = 0;
        let step: number | null = null;
        for (const n of f.names()) {
          const info = f.info(n);
          parameters += info.shape.reduce((a, b) => a * b, 1);
          bytes += info.byteLength;
          // @rfai/core's optimizers store their step count as a scalar `<kind>.step` tensor
          if (step === null && /(^|\.)step$/.test(n) && info.shape.length === 0) step = (await f.readFloat32(n))[0];
        }
        if (step === null && f.metadata.step !== undefined && Number.isFinite(Number(f.metadata.step))) step = Number(f.metadata.step);
        optimizer = { file: 'optimizer.safetensors', tensors: f.names().length, parameters, bytes, step, metadata: { ...f.metadata } };
      } finally {
        await f.close();
      }
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e;
      problems.push(e.message);
    }
  }

  let trainingStats: TrainingStatsHighlights | null = null;
  if (existsSync(join(dir, 'training_stats.json'))) {
    try {
      trainingStats = trainingStatsHighlights(await readJsonFile(join(dir, 'training_stats.json')));
    } catch (e) {
      problems.push(`${join(dir, 'training_stats.json')}: not valid JSON (${(e as Error).message})`);
    }
  }

  let verification: Verification | null = null;
  if (state) verification = await verifyManifest(dir, state, names, opts.verify);

  const epoch = state && typeof state.state.epoch === 'number' ? state.state.epoch : null;
  return {
    dir,
    files,
    totalBytes: await folderBytes(dir),
    trainerState: state
      ? { step: state.step, kind: state.kind, savedAt: state.saved_at, configHash: state.config_hash, evalScore: state.eval_score, epoch, tokenizerFiles: state.tokenizer_files }
      : null,
    trainerStateProblem,
    modelConfig,
    adapterConfig,
    weights,
    optimizer,
    trainingStats,
    verification,
    problems,
  };
}

/** Checks each manifest file (size, and sha256 when `sha256`), lists extra files, and runs checkpoint-io's structural check. */
export async function verifyManifest(dir: string, state: TrainerStateFile, present: readonly string[], sha256: boolean): Promise<Verification> {
  const files: FileCheck[] = [];
  for (const [file, entry] of Object.entries(state.manifest).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const st = await stat(join(dir, file)).catch(() => null);
    if (!st) {
      files.push({ file, status: 'missing', expectedSize: entry.size, foundSize: null, hashed: false });
      continue;
    }
    if (st.size !== entry.size) {
      files.push({ file, status: 'size', expectedSize: entry.size, foundSize: st.size, hashed: false });
      continue;
    }
    if (sha256) {
      const h = await hashFile(join(dir, file));
      files.push({ file, status: h.sha256 === entry.sha256 ? 'ok' : 'sha256', expectedSize: entry.size, foundSize: st.size, hashed: true });
    } else {
      files.push({ file, status: 'ok', expectedSize: entry.size, foundSize: st.size, hashed: false });
    }
  }
  for (const name of present) {
    if (name !== TRAINER_STATE_FILE && !(name in state.manifest)) files.push({ file: name, status: 'extra', expectedSize: null, foundSize: null, hashed: false });
  }
  let problem: string | null = null;
  try {
    await validateCheckpoint(dir, { verify: false });
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    problem = e.message;
  }
  const ok = problem === null && files.every((f) => f.status === 'ok' || f.status === 'extra');
  return { ok, sha256, files, problem };
}

function numbersOf(obj: unknown, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof obj === 'number' && Number.isFinite(obj)) {
    out[prefix || 'value'] = obj;
    return out;
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return out;
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
    else if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, numbersOf(v, key));
  }
  return out;
}

/**
 * Highlights of training_stats.json as the trainer writes it ({ run_name, step, history: [{ step, reward_mean, kl,
 * loss, ... }], evals: [...], eval_before, eval_after, best_eval, ... }). Unknown shapes give nulls, never errors.
 */
export function trainingStatsHighlights(stats: unknown): TrainingStatsHighlights {
  const s = (stats && typeof stats === 'object' && !Array.isArray(stats) ? stats : {}) as Record<string, unknown>;
  const scalars: TrainingStatsHighlights['scalars'] = {};
  for (const [k, v] of Object.entries(s)) {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') scalars[k] = v;
  }
  let history: TrainingStatsHighlights['history'] = null;
  if (Array.isArray(s.history)) {
    const recs = s.history.filter((r): r is Record<string, unknown> => !!r && typeof r === 'object' && !Array.isArray(r));
    const metrics: Record<string, HistoryMetric> = {};
    const steps: number[] = [];
    for (const r of recs) {
      if (typeof r.step === 'number') steps.push(r.step);
      for (const [k, v] of Object.entries(r)) {
        if (k === 'step' || typeof v !== 'number' || !Number.isFinite(v)) continue;
        const m = metrics[k];
        if (!m) metrics[k] = { count: 1, first: v, last: v, min: v, max: v, mean: v };
        else {
          m.count++;
          m.last = v;
          m.min = Math.min(m.min, v);
          m.max = Math.max(m.max, v);
          m.mean += (v - m.mean) / m.count;
        }
      }
    }
    history = { entries: recs.length, firstStep: steps.length ? Math.min(...steps) : null, lastStep: steps.length ? Math.max(...steps) : null, metrics };
  }
  let evals: TrainingStatsHighlights['evals'] = null;
  if (Array.isArray(s.evals)) evals = { entries: s.evals.length, last: s.evals.length ? numbersOf(s.evals[s.evals.length - 1]) : {} };
  const evalObj = (v: unknown) => (v && typeof v === 'object' ? numbersOf(v) : null);
  return { scalars, history, evals, bestEval: evalObj(s.best_eval), evalBefore: evalObj(s.eval_before), evalAfter: evalObj(s.eval_after) };
}
