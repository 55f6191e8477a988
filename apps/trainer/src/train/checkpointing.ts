/**
 * Saving and finding the trainer's checkpoints through @rfai/checkpoint-io:
 * model weights (or the PEFT adapter pair), tokenizer files, optimizer state,
 * trainer_state.json (step, data cursor, RNG, KL controller, ...) and
 * training_stats.json, written crash-safely.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  findLatestCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
  writeSafetensors,
  type TensorData,
} from '@rfai/checkpoint-io';
import { diffConfigs, type RfaiConfig } from '@rfai/config';
import { adapterConfig, adapterTensors, modelTensors, saveMergedModel, saveModel } from '@rfai/models';
import type { Optimizer } from './optimizer';
import { REFERENCE_FILE, type Student } from './student';

/** The bytes of a safetensors file holding `tensors` (F32, exact), written through checkpoint-io's writer. */
async function safetensorsBytes(tensors: Record<string, TensorData>): Promise<Uint8Array> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rfai-ref-'));
  try {
    const file = path.join(dir, REFERENCE_FILE);
    await writeSafetensors(file, tensors);
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Tokenizer files copied from a Hugging Face model folder into each checkpoint. */
const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.json',
  'merges.txt',
  'added_tokens.json',
  'generation_config.json',
];

/** Folder under training.output_dir that holds the frozen base of a LoRA run on a preset student. */
export const LORA_BASE_DIR = 'base_model';

/** The base folder written in this process, per student (a LoRA base never changes, so once per run). */
const loraBases = new WeakMap<Student, Promise<string>>();

/**
 * adapter_config.json's base_model_name_or_path, which PEFT's AutoPeftModelForCausalLM passes to
 * AutoModelForCausalLM.from_pretrained: the model.path folder, or for a preset student (random weights that exist in
 * no folder) `<output_dir>/base_model/`, a Hugging Face folder of the frozen base in float32 written on the first
 * save of each process (a resumed run rebuilds the same preset weights and rewrites the same folder; rewriting it
 * rather than trusting one left behind means a stale folder can never pair with this run's adapters). Written into
 * a temp sibling and renamed, so a crash leaves no half folder under that name. Both paths are absolute: PEFT
 * resolves a relative one against the process's current folder, not the adapter's, so only an absolute path loads
 * from anywhere. Moving the output folder means editing base_model_name_or_path (or loading with
 * PeftModel.from_pretrained(base, adapter) / `--base`).
 */
async function loraBasePath(student: Student, outputDir: string): Promise<string> {
  if (student.baseDir) return path.resolve(student.baseDir);
  let written = loraBases.get(student);
  if (!written) {
    const dir = path.resolve(outputDir, LORA_BASE_DIR);
    written = (async () => {
      const tmp = path.resolve(outputDir, `.tmp-${LORA_BASE_DIR}-${process.pid}`);
      const old = path.resolve(outputDir, `.trash-${LORA_BASE_DIR}-${process.pid}`);
      rmSync(tmp, { recursive: true, force: true });
      rmSync(old, { recursive: true, force: true });
      try {
        await saveModel(student.model, tmp, { dtype: 'F32', tokenizer: student.tokenizer });
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true }); // e.g. a full disk: leave no partial copy behind
        throw e;
      }
      if (existsSync(dir)) renameSync(dir, old);
      renameSync(tmp, dir);
      rmSync(old, { recursive: true, force: true });
      return dir;
    })();
    loraBases.set(student, written);
    written.catch(() => loraBases.delete(student)); // a failed write is tried again at the next save
  }
  return written;
}

export interface SaveInput {
  outputDir: string;
  step: number;
  student: Student;
  optimizer: Optimizer;
  config: RfaiConfig;
  configHash: string;
  evalScore: number | null;
  trainerState: Record<string, unknown>;
  trainingStats: Record<string, unknown>;
}

/** Saves checkpoint-{step} (overwriting one of the same step, e.g. a resumed run re-saving) and rotates old ones. */
export async function saveTrainingCheckpoint(s: SaveInput): Promise<string> {
  const { student, config } = s;
  const extraFiles: Record<string, string | Uint8Array | Record<string, unknown>> = {};
  let tokenizerFiles: string[] = [];
  if (student.baseDir) {
    tokenizerFiles = TOKENIZER_FILES.map((f) => path.join(student.baseDir!, f)).filter((f) => existsSync(f));
  } else {
    for (const [name, text] of Object.entries(student.tokenizer.files())) extraFiles[name] = text;
  }
  // After an SFT warm-up the KL reference is the warmed-up model, which no config can rebuild: it travels along.
  const reference = student.referenceTensors();
  if (reference) extraFiles[REFERENCE_FILE] = await safetensorsBytes(reference);
  const saved = await saveCheckpoint(
    s.outputDir,
    {
      step: s.step,
      modelConfig: student.model.config as unknown as Record<string, unknown>,
      ...(student.lora
        ? { adapter: { tensors: adapterTensors(student.model), config: adapterConfig(student.model, await loraBasePath(student, s.outputDir)) } }
        : { model: modelTensors(student.model) }),
      tokenizerFiles,
      optimizer: s.optimizer.stateTensors(),
      trainerState: { ...s.trainerState, config },
      trainingStats: s.trainingStats,
      ...(s.evalScore !== null && Number.isFinite(s.evalScore) ? { evalScore: s.evalScore } : {}),
      configHash: s.configHash,
      extraFiles,
    },
    {
      saveTotalLimit: config.training.save_total_limit ?? undefined,
      keepBest: config.training.keep_best,
      castFloatTo: config.model.save_dtype,
      overwrite: true,
    },
  );
  if (student.lora && config.model.lora.merge_on_save) {
    // model.lora.merge_on_save: a full Hugging Face folder with the adapters folded in, beside the checkpoint.
    await saveMergedModel(student.model, `${saved.path}-merged`, { tokenizer: student.tokenizer, dtype: config.model.save_dtype });
  }
  return saved.path;
}

/** What a resume restores. */
export interface ResumeState {
  dir: string;
  trainerState: Record<string, any>;
  trainingStats: Record<string, any>;
  optimizerState: Record<string, TensorData>;
}

/** Problems that make a checkpoint unusable for this config, as one message; null when it fits. */
export function resumeMismatch(stored: unknown, current: RfaiConfig): string | null {
  const diff = diffConfigs(stored, current);
  if (diff.length === 0) return null;
  const get = (o: unknown, p: string) => p.split('.').reduce<any>((a, k) => (a == null ? a : a[k]), o);
  return diff.map((p) => `${p}: checkpoint has ${JSON.stringify(get(stored, p))}, config has ${JSON.stringify(get(current, p))}`).join('; ');
}

/**
 * Finds the checkpoint to resume: `latest` (or empty) is the newest valid one
 * under outputDir (incomplete or corrupt folders are skipped with a warning),
 * anything else is a checkpoint folder.
 * @returns null when `latest` finds none
 */
export async function findResumeDir(spec: string, outputDir: string, warn: (m: string) => void): Promise<string | null> {
  if (spec === '' || spec === 'latest') {
    const found = await findLatestCheckpoint(outputDir, { logger: { warn } });
    return found ? found.path : null;
  }
  return path.resolve(spec);
}

/** Loads and verifies a checkpoint for resuming (every file present, sha256 manifest checked, config compatible). */
export async function loadResumeState(dir: string, config: RfaiConfig): Promise<ResumeState> {
  const ck = await loadCheckpoint(dir, { verify: true });
  const state = ck.trainerState as Record<string, any>;
  const mismatch = resumeMismatch(state.config, config);
  if (mismatch) {
    throw new ResumeError(
      `${dir} was trained with a different configuration (${mismatch}). Resume with the same config, or start a new run in another training.output_dir.`,
    );
  }
  const stats = (ck.trainingStats ?? {}) as Record<string, any>;
  const optFile = await ck.openOptimizer();
  if (!optFile) throw new ResumeError(`${dir} has no optimizer.safetensors; it cannot be resumed exactly (it may be a model-only export).`);
  const optimizerState: Record<string, TensorData> = {};
  try {
    for (const name of optFile.names()) optimizerState[name] = await optFile.read(name);
  } finally {
    await optFile.close();
  }
  return { dir, trainerState: state, trainingStats: stats, optimizerState };
}

/** A checkpoint cannot be resumed with this configuration. */
export class ResumeError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ResumeError';
  }
}
