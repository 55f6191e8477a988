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
  CheckpointCorruptError,
  CheckpointDiskFullError,
  CheckpointIncompleteError,
  findLatestCheckpoint,
  listCheckpoints,
  loadCheckpoint,
  saveCheckpoint,
  writeSafetensors,
  type CheckpointError,
  type TensorData,
} from '@rfai/checkpoint-io';
import { diffConfigs, type RfaiConfig } from '@rfai/config';
import { adapterConfig, adapterTensors, modelTensors, saveMergedModel, saveModel } from '@rfai/models';
import type { Optimizer } from './optimizer';
import { parseTrainerState, parseTrainingStats, ResumeError, type ResumedTrainerState, type ResumedTrainingStats, type TrainerState, type TrainingStats } from './resume-state';
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
  /** Typed for the trainer; any JSON object for other callers. */
  trainerState: TrainerState | Record<string, unknown>;
  trainingStats: TrainingStats | Record<string, unknown>;
}

/** An ENOSPC/EDQUOT error, raw or already explained by checkpoint-io. */
export function isDiskFull(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * Saves checkpoint-{step} (overwriting one of the same step, e.g. a resumed run re-saving) and rotates old ones.
 * @throws CheckpointSaveError (exit 2) when the disk or quota runs out: it names the file, the bytes needed, the free
 *   space and the previous checkpoint, which is left intact
 */
export async function saveTrainingCheckpoint(s: SaveInput): Promise<string> {
  try {
    return await saveOrThrow(s);
  } catch (e) {
    if (!isDiskFull(e)) throw e;
    const name = `checkpoint-${s.step}`;
    if (e instanceof CheckpointDiskFullError) {
      const from = e.saved ? name : e.previousCheckpoint ? path.basename(e.previousCheckpoint) : null;
      const next = from ? `Then continue the run with --resume latest (from ${from}).` : 'Then start the run again.';
      throw new CheckpointSaveError(`cannot save ${name}: ${e.message} ${next}`, { cause: e });
    }
    // Not from saveCheckpoint's writes (e.g. creating training.output_dir itself).
    throw new CheckpointSaveError(
      `cannot save ${name} in ${s.outputDir}: ${(e as Error).message}. Make room on that disk (or set training.output_dir to another disk), then continue the run with --resume latest.`,
      { cause: e },
    );
  }
}

async function saveOrThrow(s: SaveInput): Promise<string> {
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
  if (reference) {
    try {
      extraFiles[REFERENCE_FILE] = await safetensorsBytes(reference);
    } catch (e) {
      if (!isDiskFull(e)) throw e;
      throw new CheckpointSaveError(
        `cannot save checkpoint-${s.step}: the KL reference model is staged in the system temp folder ${os.tmpdir()} first, and ${(e as Error).message} ` +
          `Nothing was written to ${s.outputDir}, so its checkpoints are as they were. Point TMPDIR at a folder with room, then continue the run with --resume latest.`,
        { cause: e },
      );
    }
  }
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
    const merged = `${saved.path}-merged`;
    try {
      await saveMergedModel(student.model, merged, { tokenizer: student.tokenizer, dtype: config.model.save_dtype });
    } catch (e) {
      if (!isDiskFull(e)) throw e;
      rmSync(merged, { recursive: true, force: true });
      throw new CheckpointSaveError(
        `${saved.path} was saved completely, but its merged copy ${merged} could not be written: ${(e as Error).message} ` +
          `The partial ${path.basename(merged)} was removed. Make room on that disk (or set model.lora.merge_on_save: false), then continue the run with --resume latest.`,
        { cause: e },
      );
    }
  }
  return saved.path;
}

/** What a resume restores, checked (resume-state.ts). */
export interface ResumeState {
  dir: string;
  trainerState: ResumedTrainerState;
  trainingStats: ResumedTrainingStats;
  optimizerState: Record<string, TensorData>;
}

/** Problems that make a checkpoint unusable for this config, as one message; null when it fits. */
export function resumeMismatch(stored: unknown, current: RfaiConfig): string | null {
  const diff = diffConfigs(stored, current);
  if (diff.length === 0) return null;
  const get = (o: unknown, p: string) => p.split('.').reduce<any>((a, k) => (a == null ? a : a[k]), o);
  return diff.map((p) => `${p}: checkpoint has ${JSON.stringify(get(stored, p))}, config has ${JSON.stringify(get(current, p))}`).join('; ');
}

/** One line on why a checkpoint folder failed its manifest check: the file, expected vs found. */
export function checkpointProblem(e: CheckpointError): string {
  if (e instanceof CheckpointIncompleteError) return `missing ${e.missing.map((f) => path.basename(f)).join(', ')}`;
  if (e instanceof CheckpointCorruptError && e.key !== undefined && typeof e.expected === 'string' && typeof e.found === 'string' && /^[0-9a-f]{64}$/.test(e.expected)) {
    return `${e.key}: expected sha256 ${e.expected} (trainer_state.json manifest), found ${e.found}`;
  }
  if (e instanceof CheckpointCorruptError && e.key !== undefined && typeof e.expected === 'number' && typeof e.found === 'number') {
    return `${e.key}: expected ${e.expected} bytes (trainer_state.json manifest), found ${e.found}`;
  }
  return e.message;
}

/**
 * Finds the checkpoint to resume: `latest` (or empty) is the newest valid one
 * under outputDir, every file checked against its sha256 in the manifest; an
 * incomplete or corrupt folder is skipped with a warning naming it, the file
 * and expected vs found, and the previous one is tried. Anything else is a
 * checkpoint folder (verified by loadResumeState).
 * @returns null when `latest` finds no checkpoint folder at all
 * @throws ResumeError (exit 2) when there are checkpoint folders but none is valid
 */
export async function findResumeDir(spec: string, outputDir: string, warn: (m: string) => void): Promise<string | null> {
  if (spec === '' || spec === 'latest') {
    const skipped: string[] = [];
    const found = await findLatestCheckpoint(outputDir, {
      verify: true,
      logger: { warn },
      onSkip: (dir, e) => skipped.push(`${path.basename(dir)} (${checkpointProblem(e)})`),
    });
    if (found) return found.path;
    if ((await listCheckpoints(outputDir)).length > 0) {
      throw new ResumeError(
        `--resume ${spec || 'latest'}: no valid checkpoint in ${outputDir}: ${skipped.join('; ')}. ` +
          `Restore one of these folders from a copy, or start a new run in another folder (--set training.output_dir=...).`,
      );
    }
    return null;
  }
  return path.resolve(spec);
}

/**
 * Loads and verifies a checkpoint for resuming (every file present, sha256 manifest checked, config compatible).
 * `verified`: the sha256 check already passed (findResumeDir with `latest`), so files are only checked by size.
 */
export async function loadResumeState(dir: string, config: RfaiConfig, opts: { verified?: boolean } = {}): Promise<ResumeState> {
  const ck = await loadCheckpoint(dir, { verify: !opts.verified });
  const mismatch = resumeMismatch(ck.trainerState.config, config);
  if (mismatch) {
    throw new ResumeError(
      `${dir} was trained with a different configuration (${mismatch}). Resume with the same config, or start a new run in another training.output_dir.`,
    );
  }
  const state = parseTrainerState(dir, ck.trainerState);
  const stats = parseTrainingStats(dir, ck.trainingStats);
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

/** A checkpoint could not be written because the disk or quota ran out (the message says which file and what to do). */
export class CheckpointSaveError extends Error {
  readonly exitCode = 2;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CheckpointSaveError';
  }
}

export { ResumeError };

/**
 * The message for a full disk met outside a checkpoint save (the run's logs, samples.jsonl): what failed, and the
 * newest complete checkpoint in `outputDir` (sizes checked), from which `--resume latest` continues.
 */
export async function diskFullMessage(e: NodeJS.ErrnoException, outputDir: string): Promise<string> {
  const words = e.code === 'EDQUOT' ? 'the disk quota is exceeded (EDQUOT)' : 'no space left on the device (ENOSPC)';
  const where = e.path ? ` while writing ${e.path}` : ' while writing the run\'s logs';
  const latest = await findLatestCheckpoint(outputDir, { logger: { warn: () => undefined } }).catch(() => undefined);
  const resume = latest
    ? `The newest checkpoint, ${latest.path}, is intact; make room on that disk, then continue the run with --resume latest.`
    : `${outputDir} holds no checkpoint yet; make room on that disk, then start the run again.`;
  return `${words}${where} (${e.message}). ${resume}`;
}
