// The trainer_state.json of a checkpoint folder: format marker, step, config hash, eval score,
// the trainer's own state, and the manifest of every other file. Also folder naming and listing.

import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { CheckpointCorruptError, CheckpointIncompleteError } from './errors';
import type { Manifest } from './manifest';

/** Value of `format` in trainer_state.json. */
export const CHECKPOINT_FORMAT = 'rfai-checkpoint';
/** Current `format_version`. */
export const CHECKPOINT_FORMAT_VERSION = 1;
/** Name of the pointer file in the checkpoints root, holding the newest folder's name. */
export const LATEST_POINTER = 'latest';
/** The state file's name. */
export const TRAINER_STATE_FILE = 'trainer_state.json';

/** Where a message goes when something is skipped or chosen. Default: console.warn. */
export interface CheckpointLogger {
  warn(message: string): void;
  info?(message: string): void;
}

/** The default logger: warnings to stderr. */
export const consoleLogger: CheckpointLogger = { warn: (m) => console.warn(`[checkpoint-io] ${m}`) };

/** Contents of trainer_state.json. */
export interface TrainerStateFile {
  format: typeof CHECKPOINT_FORMAT;
  format_version: number;
  step: number;
  /** ISO 8601 time of the save. */
  saved_at: string;
  /** 'full' (model.safetensors) or 'adapter' (PEFT adapter_model.safetensors + adapter_config.json). */
  kind: 'full' | 'adapter';
  /** hashConfig() of the run configuration, or null when none was given. */
  config_hash: string | null;
  /** The run configuration itself when stored (lets a resume list what changed). */
  config?: unknown;
  /** Eval score given at save (used by keep_best), or null. */
  eval_score: number | null;
  /** Names of tokenizer files copied into the folder. */
  tokenizer_files: string[];
  /** The trainer's own state: epoch, data cursor, RNG state, KL controller, ... */
  state: Record<string, unknown>;
  /** Size and sha256 of every other file in the folder. */
  manifest: Manifest;
}

const NAME_RE = /^checkpoint-(\d+)$/;

/** Folder name of the checkpoint of `step`. */
export function checkpointName(step: number): string {
  return `checkpoint-${step}`;
}

/** A `checkpoint-{step}` folder found under a root. */
export interface CheckpointEntry {
  name: string;
  path: string;
  step: number;
}

/** Lists `checkpoint-{step}` folders of `root` (no validation), oldest step first; [] when root is absent. */
export async function listCheckpoints(root: string): Promise<CheckpointEntry[]> {
  let names: string[];
  try {
    names = await fsp.readdir(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: CheckpointEntry[] = [];
  for (const name of names) {
    const m = NAME_RE.exec(name);
    if (!m) continue;
    const path = join(root, name);
    try {
      if (!(await fsp.stat(path)).isDirectory()) continue;
    } catch {
      continue;
    }
    out.push({ name, path, step: Number(m[1]) });
  }
  return out.sort((a, b) => a.step - b.step);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await fsp.stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Reads and checks the structure of a folder's trainer_state.json. Throws CheckpointIncompleteError / CheckpointCorruptError. */
export async function readTrainerState(dir: string): Promise<TrainerStateFile> {
  const file = join(dir, TRAINER_STATE_FILE);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      if (!(await isDirectory(dir))) {
        throw new CheckpointIncompleteError(`checkpoint ${dir} does not exist (no such folder). Pass a checkpoint-{step} folder, or --resume latest for the newest in training.output_dir.`, {
          path: dir,
          key: TRAINER_STATE_FILE,
          missing: [dir],
        });
      }
      throw new CheckpointIncompleteError(`checkpoint ${dir} has no ${TRAINER_STATE_FILE}; it is not a complete rfai checkpoint`, {
        path: dir,
        key: TRAINER_STATE_FILE,
        missing: [TRAINER_STATE_FILE],
      });
    }
    throw e;
  }
  let s: TrainerStateFile;
  try {
    s = JSON.parse(text) as TrainerStateFile;
  } catch (e) {
    throw new CheckpointCorruptError(`${file} is not valid JSON (${(e as Error).message}); the checkpoint is corrupt`, { path: file });
  }
  const bad = (key: string, expected: string, found: unknown): never => {
    throw new CheckpointCorruptError(`${file}: "${key}" must be ${expected}, found ${JSON.stringify(found)}`, { path: file, key, expected, found });
  };
  if (typeof s !== 'object' || s === null || Array.isArray(s)) bad('(root)', 'an object', s);
  if (s.format !== CHECKPOINT_FORMAT) bad('format', `"${CHECKPOINT_FORMAT}"`, s.format);
  if (typeof s.format_version !== 'number' || s.format_version > CHECKPOINT_FORMAT_VERSION) {
    bad('format_version', `a number <= ${CHECKPOINT_FORMAT_VERSION} (upgrade @rfai/checkpoint-io to read newer checkpoints)`, s.format_version);
  }
  if (!Number.isSafeInteger(s.step) || s.step < 0) bad('step', 'a non-negative integer', s.step);
  if (s.kind !== 'full' && s.kind !== 'adapter') bad('kind', '"full" or "adapter"', s.kind);
  if (s.config_hash !== null && typeof s.config_hash !== 'string') bad('config_hash', 'a string or null', s.config_hash);
  if (s.eval_score !== null && typeof s.eval_score !== 'number') bad('eval_score', 'a number or null', s.eval_score);
  if (!Array.isArray(s.tokenizer_files)) bad('tokenizer_files', 'an array of file names', s.tokenizer_files);
  if (typeof s.state !== 'object' || s.state === null || Array.isArray(s.state)) bad('state', 'an object', s.state);
  if (typeof s.manifest !== 'object' || s.manifest === null || Array.isArray(s.manifest)) bad('manifest', 'an object', s.manifest);
  for (const [name, e] of Object.entries(s.manifest)) {
    if (name === '.' || name === '..' || /[/\\]/.test(name)) bad(`manifest.${name}`, 'a plain file name inside the folder', name);
    if (!e || !Number.isSafeInteger(e.size) || typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) {
      bad(`manifest.${name}`, '{size: integer, sha256: 64 hex digits}', e);
    }
  }
  return s;
}
