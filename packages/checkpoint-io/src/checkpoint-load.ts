// Resume: find the newest valid checkpoint (skipping incomplete or corrupt ones with a warning)
// and load one with file, manifest and config-hash checks.

import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { diffConfigs, hashConfig } from './config-hash';
import { CheckpointCorruptError, CheckpointError, CheckpointIncompleteError, ConfigHashMismatchError, type ConfigDifference } from './errors';
import { checkManifest } from './manifest';
import {
  LATEST_POINTER,
  TRAINER_STATE_FILE,
  consoleLogger,
  listCheckpoints,
  readTrainerState,
  type CheckpointLogger,
  type TrainerStateFile,
} from './checkpoint-state';
import { SafetensorsFile, type WeightSource } from './safetensors-reader';
import { openWeights } from './weights';

/** Summary of a valid checkpoint folder. */
export interface CheckpointInfo {
  path: string;
  step: number;
  kind: 'full' | 'adapter';
  /** ISO 8601 time of the save. */
  savedAt: string;
  configHash: string | null;
  evalScore: number | null;
}

/** Options of {@link validateCheckpoint} and {@link findLatestCheckpoint}. */
export interface ValidateOptions {
  /** Also check every file's sha256 against the manifest (reads every byte). Default false: sizes only. */
  verify?: boolean;
}

function infoOf(path: string, s: TrainerStateFile): CheckpointInfo {
  return { path, step: s.step, kind: s.kind, savedAt: s.saved_at, configHash: s.config_hash, evalScore: s.eval_score };
}

/** The files a checkpoint of this kind must have besides trainer_state.json. */
function requiredFiles(s: TrainerStateFile): string[] {
  const names = Object.keys(s.manifest);
  const weights = s.kind === 'adapter' ? ['adapter_model.safetensors', 'adapter_config.json'] : names.includes('model.safetensors.index.json') ? ['model.safetensors.index.json'] : ['model.safetensors'];
  return ['config.json', ...weights, ...s.tokenizer_files];
}

/**
 * Checks a checkpoint folder: trainer_state.json readable, the files its kind needs listed in the manifest, every
 * manifest file present with its size (and sha256 when `verify`). Throws CheckpointIncompleteError or
 * CheckpointCorruptError; returns the checkpoint's summary.
 */
export async function validateCheckpoint(path: string, opts: ValidateOptions = {}): Promise<CheckpointInfo> {
  const s = await readTrainerState(path);
  const unlisted = requiredFiles(s).filter((f) => !(f in s.manifest));
  if (unlisted.length) {
    throw new CheckpointIncompleteError(`checkpoint ${path}: the manifest lacks ${unlisted.join(', ')}, which a ${s.kind} checkpoint needs`, {
      path,
      key: unlisted[0],
      missing: unlisted,
    });
  }
  await checkManifest(path, s.manifest, opts.verify ?? false);
  return infoOf(path, s);
}

/** Options of {@link findLatestCheckpoint}. */
export interface FindLatestOptions extends ValidateOptions {
  /** Receives a warning per skipped folder. Default: console.warn. */
  logger?: CheckpointLogger;
  /** Called for each skipped folder (newest first) with the error that disqualified it, besides the warning. */
  onSkip?: (path: string, error: CheckpointError) => void;
}

/**
 * Returns the valid checkpoint with the highest step under `root`, or undefined when there is none.
 * Incomplete or corrupt folders are skipped with a warning naming the folder and the reason (the file, expected vs
 * found size, or sha256 with `verify`), and the previous one is tried. The `latest`
 * pointer is cross-checked: when it names another folder than the one chosen, a warning says why.
 */
export async function findLatestCheckpoint(root: string, opts: FindLatestOptions = {}): Promise<CheckpointInfo | undefined> {
  const logger = opts.logger ?? consoleLogger;
  const all = await listCheckpoints(root);
  let found: CheckpointInfo | undefined;
  for (let i = all.length - 1; i >= 0; i--) {
    try {
      found = await validateCheckpoint(all[i].path, opts);
      break;
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e;
      opts.onSkip?.(all[i].path, e);
      logger.warn(`skipping ${all[i].path}: ${e.message}${i > 0 ? '; trying the previous checkpoint' : ''}`);
    }
  }
  let pointer: string | undefined;
  try {
    pointer = (await fsp.readFile(join(root, LATEST_POINTER), 'utf8')).trim();
  } catch {
    pointer = undefined;
  }
  if (found && pointer !== undefined && pointer !== `checkpoint-${found.step}`) {
    logger.warn(`${join(root, LATEST_POINTER)} names ${pointer}, but the newest valid checkpoint is ${found.path}; using it`);
  }
  return found;
}

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions extends ValidateOptions {
  /** The config hash the resumed run expects (see hashConfig). */
  expectedConfigHash?: string;
  /** The resumed run's configuration: hashed and, on mismatch, compared key by key with the stored one. */
  expectedConfig?: unknown;
  /** On a config mismatch: 'error' throws ConfigHashMismatchError, 'warn' logs the differences and goes on. Default 'error'. */
  onConfigMismatch?: 'error' | 'warn';
  logger?: CheckpointLogger;
}

/** A loaded checkpoint: JSON state in memory, tensors opened on demand. */
export interface LoadedCheckpoint extends CheckpointInfo {
  /** The trainer's state as saved (epoch, data cursor, RNG, KL controller...). */
  trainerState: Record<string, unknown>;
  /** training_stats.json, or undefined when absent. */
  trainingStats: unknown;
  /** config.json. */
  modelConfig: Record<string, unknown>;
  /** adapter_config.json for adapter checkpoints. */
  adapterConfig?: Record<string, unknown>;
  /** The stored run configuration, when saved with one. */
  config?: unknown;
  /** Files in the folder, trainer_state.json included. */
  files: string[];
  /** Paths of the tokenizer files in the folder (a tokenizer loader can take the folder itself). */
  tokenizerFiles: string[];
  /** Config differences found (empty when hashes match or no expected config was given). */
  configDifferences: ConfigDifference[];
  /** Opens the model weights (or the adapter's, for adapter checkpoints). The caller closes the source. */
  openModel(): Promise<WeightSource>;
  /** Opens optimizer.safetensors, or resolves undefined when the checkpoint has none. The caller closes it. */
  openOptimizer(): Promise<SafetensorsFile | undefined>;
}

async function readJson(path: string, file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await fsp.readFile(join(path, file), 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new CheckpointCorruptError(`checkpoint ${path}: cannot read ${file}: ${(e as Error).message}`, { path: join(path, file), key: file });
  }
}

function show(v: unknown): string {
  return v === undefined ? '(absent)' : JSON.stringify(v);
}

/**
 * Loads the checkpoint folder `path`: validates it (files present, sizes, sha256 when `verify`), checks the config
 * hash against `expectedConfigHash` / `expectedConfig` and reads the JSON files. Tensors stay on disk until
 * openModel()/openOptimizer(). Throws CheckpointIncompleteError, CheckpointCorruptError, ConfigHashMismatchError.
 */
export async function loadCheckpoint(path: string, opts: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  const logger = opts.logger ?? consoleLogger;
  const hasState = await fsp.stat(join(path, TRAINER_STATE_FILE)).then(
    () => true,
    () => false,
  );
  if (!hasState && (await listCheckpoints(path)).length > 0) {
    throw new CheckpointError(`${path} is a checkpoints root, not a checkpoint folder; pass findLatestCheckpoint(${JSON.stringify(path)}).path or a checkpoint-{step} folder`, {
      path,
    });
  }
  const info = await validateCheckpoint(path, opts);
  const s = await readTrainerState(path);

  const expectedHash = opts.expectedConfig !== undefined ? hashConfig(opts.expectedConfig) : opts.expectedConfigHash;
  let differences: ConfigDifference[] = [];
  if (expectedHash !== undefined && expectedHash !== s.config_hash) {
    differences = s.config !== undefined && opts.expectedConfig !== undefined ? diffConfigs(s.config, opts.expectedConfig) : [];
    const listed = differences.length
      ? `; differences: ${differences.slice(0, 20).map((d) => `${d.key}: checkpoint ${show(d.stored)}, now ${show(d.expected)}`).join('; ')}${differences.length > 20 ? `; and ${differences.length - 20} more` : ''}`
      : s.config === undefined
        ? '; the checkpoint does not store its config, so the differing keys cannot be listed'
        : '; pass expectedConfig to list the differing keys';
    const message = `checkpoint ${path} was saved with config ${s.config_hash ?? '(none)'} but this run has ${expectedHash}${listed}. Resume with the same configuration, or allow the change (onConfigMismatch: 'warn')`;
    if ((opts.onConfigMismatch ?? 'error') === 'error') {
      throw new ConfigHashMismatchError(message, { path, key: 'config_hash', expected: expectedHash, found: s.config_hash, differences });
    }
    logger.warn(message);
  }

  const modelConfig = await readJson(path, 'config.json');
  const adapterConfig = s.kind === 'adapter' ? await readJson(path, 'adapter_config.json') : undefined;
  const trainingStats = 'training_stats.json' in s.manifest ? await readJson(path, 'training_stats.json') : undefined;
  const files = [...Object.keys(s.manifest), TRAINER_STATE_FILE].sort();
  return {
    ...info,
    trainerState: s.state,
    trainingStats,
    modelConfig,
    adapterConfig,
    ...(s.config !== undefined ? { config: s.config } : {}),
    files,
    tokenizerFiles: s.tokenizer_files.map((f) => join(path, f)),
    configDifferences: differences,
    openModel: () => openWeights(path, { name: s.kind === 'adapter' ? 'adapter_model' : 'model' }),
    openOptimizer: async () => ('optimizer.safetensors' in s.manifest ? SafetensorsFile.open(join(path, 'optimizer.safetensors')) : undefined),
  };
}
