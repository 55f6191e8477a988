// saveCheckpoint: write checkpoint-{step}/ into a temp sibling, fsync every file and the folder,
// rename into place, then update the `latest` pointer; finally rotate old checkpoints.

import { promises as fsp } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { hashConfig } from './config-hash';
import type { TensorData } from './dtypes';
import { CheckpointDiskFullError, CheckpointError, CheckpointExistsError } from './errors';
import { diskFullWords, formatBytes, freeBytes, fsyncDir, isDiskFull, withDiskFullContext, writeFileAtomic, writeFileSynced } from './fs-io';
import { findNonJson, nonFiniteAsString } from './json-check';
import { buildManifest, type Manifest } from './manifest';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  LATEST_POINTER,
  TRAINER_STATE_FILE,
  checkpointName,
  consoleLogger,
  listCheckpoints,
  type CheckpointLogger,
  type TrainerStateFile,
} from './checkpoint-state';
import { rotateCheckpoints } from './checkpoint-rotate';
import { prepareTensor, writeSafetensors } from './safetensors-writer';
import { writeWeights } from './weights';

/** Everything a trainer puts into one checkpoint. JSON values must be JSON-serialisable. */
export interface CheckpointSaveInput {
  /** Optimizer step the checkpoint was taken after; names the folder `checkpoint-{step}`. */
  step: number;
  /** Hugging Face model config, written as config.json. */
  modelConfig: Record<string, unknown>;
  /** Full model weights (Hugging Face names) -> model.safetensors (sharded past `maxShardBytes`). Give this or `adapter`. */
  model?: Record<string, TensorData>;
  /** LoRA/PEFT adapter: tensors -> adapter_model.safetensors, config -> adapter_config.json. Give this or `model`. */
  adapter?: { tensors: Record<string, TensorData>; config: Record<string, unknown> };
  /** Tokenizer files to copy (paths; stored under their base names), e.g. tokenizer.json, tokenizer_config.json. */
  tokenizerFiles?: string[];
  /** Optimizer state (e.g. AdamW moments as named F32 tensors) -> optimizer.safetensors. */
  optimizer?: Record<string, TensorData>;
  /** The trainer's resume state: epoch, data cursor, RNG state, KL controller, ... (any JSON object; NaN, Infinity,
   * bigint or typed arrays are rejected with their key path rather than silently written as null). Default {}. */
  trainerState?: Record<string, unknown>;
  /** Metrics history -> training_stats.json (NaN/±Infinity are written as the strings "NaN", "Infinity", "-Infinity"). */
  trainingStats?: unknown;
  /** Eval score of this checkpoint, compared by `keepBest`. */
  evalScore?: number;
  /** Run configuration: hashed into `config_hash` (and stored, unless `storeConfig` is false) for resume checks. */
  config?: unknown;
  /** A precomputed config hash, used when `config` is not given. */
  configHash?: string;
  /** More files for the folder: name -> text (string), bytes, or a JSON value written as JSON. */
  extraFiles?: Record<string, string | Uint8Array | Record<string, unknown>>;
}

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /** Keep at most this many checkpoint folders; older ones are removed after a successful save. Default: keep all. */
  saveTotalLimit?: number;
  /** Never remove the checkpoint with the best eval score during rotation. Default false. */
  keepBest?: boolean;
  /** For keepBest: true when a higher eval score is better. Default true. */
  greaterIsBetter?: boolean;
  /** Store model/adapter floating tensors as this dtype (optimizer state is always kept as given). Default: keep. */
  castFloatTo?: 'F32' | 'F16' | 'BF16';
  /** Shard model weights past this many bytes. Default 5e9. */
  maxShardBytes?: number;
  /** Replace an existing checkpoint-{step}. Default false (throws CheckpointExistsError). */
  overwrite?: boolean;
  /** Store `config` in trainer_state.json so a mismatch on resume can list differing keys. Default true. */
  storeConfig?: boolean;
  /** Receives warnings (stale temp folders removed, rotation). Default: console.warn. */
  logger?: CheckpointLogger;
  /** Called as each stage finishes (progress reporting); awaited, so it can also pause the save. */
  onProgress?: (stage: SaveStage, detail: { tempPath: string; finalPath: string }) => void | Promise<void>;
}

/** Stages reported to `onProgress`, in order. */
export type SaveStage = 'temp-created' | 'weights-written' | 'files-written' | 'state-written' | 'renamed' | 'pointer-updated';

/** What {@link saveCheckpoint} did. */
export interface SavedCheckpoint {
  /** The final folder. */
  path: string;
  step: number;
  /** Every file in the folder, trainer_state.json included. */
  files: string[];
  /** Total bytes written. */
  bytes: number;
  /** config_hash stored (null when none). */
  configHash: string | null;
  /** Checkpoint folders removed by rotation. */
  removed: string[];
}

const RESERVED = new Set([
  'config.json',
  'model.safetensors',
  'model.safetensors.index.json',
  'adapter_model.safetensors',
  'adapter_config.json',
  'optimizer.safetensors',
  TRAINER_STATE_FILE,
  'training_stats.json',
]);

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

function checkFileName(root: string, name: string, what: string): void {
  if (name.length === 0 || name === '.' || name === '..' || /[/\\]/.test(name) || name.startsWith('.tmp-')) {
    throw new CheckpointError(`saveCheckpoint(${root}): ${what} name ${JSON.stringify(name)} must be a plain file name`, { path: root, key: name });
  }
  if (RESERVED.has(name) || /^model-\d{5}-of-\d{5}\.safetensors$/.test(name)) {
    throw new CheckpointError(`saveCheckpoint(${root}): ${what} "${name}" would overwrite a file the checkpoint writes itself; rename it`, {
      path: root,
      key: name,
    });
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temp/trash folders left by interrupted saves of processes that no longer run. */
async function removeStaleTemps(root: string, logger: CheckpointLogger): Promise<void> {
  for (const name of await fsp.readdir(root)) {
    const m = /^\.(tmp|trash)-checkpoint-\d+-(\d+)-[a-z0-9]+$/.exec(name);
    if (!m) continue;
    const pid = Number(m[2]);
    if (pid !== process.pid && pidAlive(pid)) continue;
    logger.warn(`removing ${join(root, name)}, left by an interrupted save`);
    await fsp.rm(join(root, name), { recursive: true, force: true });
  }
}

/** Copies a file and fsyncs the copy. Throws CheckpointDiskFullError (naming `to`) on a full disk. */
async function copySynced(from: string, to: string): Promise<void> {
  const size = (await fsp.stat(from)).size;
  await withDiskFullContext(to, size, async () => {
    await fsp.copyFile(from, to);
    const fh = await fsp.open(to, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  });
}

/** About how many bytes the checkpoint of `input` takes on disk (tensor data and files; headers and JSON left out), or null. */
async function estimateBytes(input: CheckpointSaveInput, opts: SaveCheckpointOptions): Promise<number | null> {
  try {
    let total = 0;
    const weights = input.model ?? input.adapter?.tensors ?? {};
    for (const [name, t] of Object.entries(weights)) total += prepareTensor('(estimate)', name, t, opts.castFloatTo).byteLength;
    for (const [name, t] of Object.entries(input.optimizer ?? {})) total += prepareTensor('(estimate)', name, t).byteLength;
    for (const f of input.tokenizerFiles ?? []) total += (await fsp.stat(f)).size;
    for (const v of Object.values(input.extraFiles ?? {})) {
      total += typeof v === 'string' ? Buffer.byteLength(v) : v instanceof Uint8Array ? v.length : Buffer.byteLength(json(v));
    }
    return total;
  } catch {
    return null;
  }
}

/** The newest checkpoint folder of `root` a failed save of `finalName` left alone: the `latest` pointer's, else the highest step. */
async function previousCheckpoint(root: string, finalName: string, finalExisted: boolean): Promise<string | null> {
  const all = (await listCheckpoints(root).catch(() => [])).filter((c) => finalExisted || c.name !== finalName);
  let pointer: string | undefined;
  try {
    pointer = (await fsp.readFile(join(root, LATEST_POINTER), 'utf8')).trim();
  } catch {
    pointer = undefined;
  }
  const named = all.find((c) => c.name === pointer);
  return (named ?? all[all.length - 1])?.path ?? null;
}

/**
 * The error for a full disk (ENOSPC/EDQUOT) met while saving `finalName` under `root`, after the temp folder was removed:
 * names the file (under the checkpoint's final name), the bytes it needed, the checkpoint's whole size, the free space
 * and the previous checkpoint, which the save left intact.
 */
async function saveDiskFullError(
  e: NodeJS.ErrnoException & { code: 'ENOSPC' | 'EDQUOT' },
  s: { root: string; tmp: string; finalName: string; finalExisted: boolean; renamed: boolean; input: CheckpointSaveInput; opts: SaveCheckpointOptions },
): Promise<CheckpointDiskFullError> {
  const inner = e instanceof CheckpointDiskFullError ? e : undefined;
  const rel = inner?.path !== undefined ? relative(s.tmp, inner.path) : '';
  const inTemp = inner?.path !== undefined && rel !== '' && !rel.startsWith('..') && !rel.includes(sep);
  // Files are reported under their final name: what the user knows, and where they would have ended up.
  const file = inTemp ? join(s.root, s.finalName, rel) : (inner?.path ?? join(s.root, s.finalName));
  const what = inTemp ? `${rel} of ${s.finalName}` : (inner?.path ?? `the temp folder of ${s.finalName}`);
  const bytesNeeded = inner?.bytesNeeded ?? null;
  const checkpointBytes = await estimateBytes(s.input, s.opts);
  const bytesFree = await freeBytes(s.root);
  const previous = await previousCheckpoint(s.root, s.finalName, s.finalExisted);
  const words = diskFullWords(e.code);
  const quota = e.code === 'EDQUOT' ? ' (your quota may allow less)' : '';
  const details = { path: file, key: basename(file), code: e.code, bytesNeeded, bytesFree, checkpointBytes, previousCheckpoint: previous, saved: s.renamed };
  if (s.renamed) {
    return new CheckpointDiskFullError(
      `saveCheckpoint(${s.root}): ${join(s.root, s.finalName)} was written completely, but ${words} while writing ${what}, ` +
        `which needs ${formatBytes(bytesNeeded)}; ${s.root} has ${formatBytes(bytesFree)} free${quota}. ` +
        `findLatestCheckpoint still finds ${s.finalName}. Free space on that disk before the next save.`,
      details,
      { cause: e },
    );
  }
  const sizes =
    bytesNeeded !== null && checkpointBytes !== null
      ? `: that file needs ${formatBytes(bytesNeeded)}, and the whole checkpoint about ${formatBytes(checkpointBytes)}`
      : bytesNeeded !== null
        ? `: that file needs ${formatBytes(bytesNeeded)}`
        : checkpointBytes !== null
          ? `: the whole checkpoint needs about ${formatBytes(checkpointBytes)}`
          : '';
  const need = checkpointBytes ?? bytesNeeded;
  const prev = previous !== null ? `The previous checkpoint, ${previous}, is intact.` : `${s.root} holds no earlier checkpoint; nothing was saved.`;
  return new CheckpointDiskFullError(
    `saveCheckpoint(${s.root}): ${words} while writing ${what}${sizes}; ` +
      `${s.root} has ${formatBytes(bytesFree)} free${quota} after the partial checkpoint was removed. ${prev} ` +
      `The partial temp folder ${basename(s.tmp)} was removed. ` +
      (need !== null ? `Make room for at least ${formatBytes(need)} on that disk` : 'Free space on that disk') +
      ' (or save to another disk), then save again.',
    details,
    { cause: e },
  );
}

/**
 * Saves a checkpoint as `root/checkpoint-{step}/`: config.json, model.safetensors (or shards + index; or
 * adapter_model.safetensors + adapter_config.json), tokenizer files, optimizer.safetensors, training_stats.json,
 * extra files, and trainer_state.json holding the manifest (size + sha256 of every other file) and config_hash.
 * Everything is written into `root/.tmp-checkpoint-{step}-{pid}-{rand}`, each file fsynced, the folder fsynced,
 * then renamed to its final name; the `latest` pointer is replaced atomically after that, and rotation runs last.
 * A crash at any point leaves earlier checkpoints intact and no incomplete folder under a final name.
 * Throws CheckpointError for bad input, CheckpointExistsError when the folder exists and `overwrite` is not set, and
 * CheckpointDiskFullError when the disk or quota runs out (ENOSPC/EDQUOT): the temp folder is removed and the message
 * names the file being written, the bytes it needed, the free space and the previous checkpoint, left intact.
 */
export async function saveCheckpoint(root: string, input: CheckpointSaveInput, opts: SaveCheckpointOptions = {}): Promise<SavedCheckpoint> {
  const logger = opts.logger ?? consoleLogger;
  const { step } = input;
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new CheckpointError(`saveCheckpoint(${root}): step must be a non-negative integer, got ${step}`, { path: root, key: 'step', found: step });
  }
  if (!input.model === !input.adapter) {
    throw new CheckpointError(`saveCheckpoint(${root}): give exactly one of "model" (full weights) or "adapter" (PEFT tensors + config)`, {
      path: root,
      key: input.model ? 'adapter' : 'model',
    });
  }
  if (typeof input.modelConfig !== 'object' || input.modelConfig === null) {
    throw new CheckpointError(`saveCheckpoint(${root}): "modelConfig" (the Hugging Face config.json object) is required`, { path: root, key: 'modelConfig' });
  }
  if (input.evalScore !== undefined && !Number.isFinite(input.evalScore)) {
    throw new CheckpointError(`saveCheckpoint(${root}): evalScore must be a finite number, got ${input.evalScore}; omit it when there was no eval`, {
      path: root,
      key: 'evalScore',
      found: input.evalScore,
    });
  }
  if (opts.saveTotalLimit !== undefined && !(Number.isSafeInteger(opts.saveTotalLimit) && opts.saveTotalLimit >= 1)) {
    throw new CheckpointError(`saveCheckpoint(${root}): saveTotalLimit must be an integer >= 1, got ${opts.saveTotalLimit}`, {
      key: 'saveTotalLimit',
      found: opts.saveTotalLimit,
    });
  }
  const tokenizerFiles = input.tokenizerFiles ?? [];
  const tokNames = tokenizerFiles.map((p) => basename(p));
  const extraNames = Object.keys(input.extraFiles ?? {});
  const seen = new Set<string>();
  for (const [name, what] of [...tokNames.map((n) => [n, 'tokenizer file'] as const), ...extraNames.map((n) => [n, 'extra file'] as const)]) {
    checkFileName(root, name, what);
    if (seen.has(name)) throw new CheckpointError(`saveCheckpoint(${root}): two files would be stored as "${name}"`, { path: root, key: name });
    seen.add(name);
  }
  const strictJson: [string, unknown][] = [
    ['modelConfig', input.modelConfig],
    ['adapter.config', input.adapter?.config],
    ['trainerState', input.trainerState],
    ...Object.entries(input.extraFiles ?? {})
      .filter(([, v]) => typeof v !== 'string' && !(v instanceof Uint8Array))
      .map(([k, v]): [string, unknown] => [`extraFiles["${k}"]`, v]),
  ];
  for (const [what, value] of strictJson) {
    const bad = findNonJson(value);
    if (bad) {
      throw new CheckpointError(
        `saveCheckpoint(${root}): ${what} holds ${bad.found} at ${bad.path}, which JSON cannot store exactly; convert it (e.g. to a string) before saving`,
        { path: root, key: `${what}.${bad.path}`, found: bad.found },
      );
    }
  }
  // Metrics may legitimately be NaN (a diverged loss): training_stats.json writes them as "NaN"/"Infinity" strings.
  const badStats = findNonJson(input.trainingStats, '', true);
  if (badStats) {
    throw new CheckpointError(`saveCheckpoint(${root}): trainingStats holds ${badStats.found} at ${badStats.path}, which JSON cannot store; convert it before saving`, {
      path: root,
      key: `trainingStats.${badStats.path}`,
      found: badStats.found,
    });
  }
  const configHash = input.config !== undefined ? hashConfig(input.config) : (input.configHash ?? null);

  await fsp.mkdir(root, { recursive: true });
  const finalName = checkpointName(step);
  const finalPath = join(root, finalName);
  const exists = await fsp.stat(finalPath).then(
    () => true,
    () => false,
  );
  if (exists && !opts.overwrite) {
    throw new CheckpointExistsError(`${finalPath} already exists; pass overwrite: true to replace it, or save under another step`, {
      path: finalPath,
    });
  }
  await removeStaleTemps(root, logger);

  const suffix = `${step}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmp = join(root, `.tmp-checkpoint-${suffix}`);
  const detail = { tempPath: tmp, finalPath };
  const progress = async (stage: SaveStage) => {
    if (opts.onProgress) await opts.onProgress(stage, detail);
  };
  let renamed = false;
  try {
    await fsp.mkdir(tmp);
    await progress('temp-created');
    const files: string[] = [];
    // Large files are hashed while they are written; the small ones are hashed afterwards.
    const known: Manifest = {};
    if (input.model) {
      const w = await writeWeights(tmp, input.model, { castFloatTo: opts.castFloatTo, maxShardBytes: opts.maxShardBytes, fsync: true, sha256: true });
      files.push(...w.files);
      Object.assign(known, w.hashes);
    } else {
      const a = input.adapter!;
      const w = await writeWeights(tmp, a.tensors, {
        castFloatTo: opts.castFloatTo,
        name: 'adapter_model',
        maxShardBytes: Number.MAX_SAFE_INTEGER,
        fsync: true,
        sha256: true,
      });
      Object.assign(known, w.hashes);
      await writeFileSynced(join(tmp, 'adapter_config.json'), json(a.config));
      files.push('adapter_model.safetensors', 'adapter_config.json');
    }
    if (input.optimizer) {
      const o = await writeSafetensors(join(tmp, 'optimizer.safetensors'), input.optimizer, { fsync: true, sha256: true, metadata: { step: String(step) } });
      known['optimizer.safetensors'] = { size: o.size, sha256: o.sha256! };
      files.push('optimizer.safetensors');
    }
    await progress('weights-written');
    await writeFileSynced(join(tmp, 'config.json'), json(input.modelConfig));
    files.push('config.json');
    for (let i = 0; i < tokenizerFiles.length; i++) {
      try {
        await copySynced(tokenizerFiles[i], join(tmp, tokNames[i]));
      } catch (e) {
        if (e instanceof CheckpointDiskFullError) throw e;
        throw new CheckpointError(`saveCheckpoint(${root}): cannot copy tokenizer file ${tokenizerFiles[i]}: ${(e as Error).message}`, {
          path: tokenizerFiles[i],
        }, { cause: e });
      }
      files.push(tokNames[i]);
    }
    if (input.trainingStats !== undefined) {
      await writeFileSynced(join(tmp, 'training_stats.json'), JSON.stringify(input.trainingStats, nonFiniteAsString, 2) + '\n');
      files.push('training_stats.json');
    }
    for (const [name, value] of Object.entries(input.extraFiles ?? {})) {
      const data = typeof value === 'string' || value instanceof Uint8Array ? value : json(value);
      await writeFileSynced(join(tmp, name), data);
      files.push(name);
    }
    await progress('files-written');

    const rest = await buildManifest(
      tmp,
      files.filter((f) => !(f in known)),
    );
    const manifest: Manifest = Object.fromEntries(Object.entries({ ...known, ...rest }).sort(([a], [b]) => (a < b ? -1 : 1)));
    const state: TrainerStateFile = {
      format: CHECKPOINT_FORMAT,
      format_version: CHECKPOINT_FORMAT_VERSION,
      step,
      saved_at: new Date().toISOString(),
      kind: input.model ? 'full' : 'adapter',
      config_hash: configHash,
      ...(input.config !== undefined && opts.storeConfig !== false ? { config: input.config } : {}),
      eval_score: input.evalScore ?? null,
      tokenizer_files: tokNames,
      state: input.trainerState ?? {},
      manifest,
    };
    const stateText = json(state);
    await writeFileSynced(join(tmp, TRAINER_STATE_FILE), stateText);
    await fsyncDir(tmp);
    await progress('state-written');

    if (exists) {
      // overwrite: move the old folder aside first, so the final name is never half old, half new.
      const trash = join(root, `.trash-checkpoint-${suffix}`);
      await fsp.rename(finalPath, trash);
      await fsp.rename(tmp, finalPath);
      renamed = true;
      await fsp.rm(trash, { recursive: true, force: true });
    } else {
      await fsp.rename(tmp, finalPath);
      renamed = true;
    }
    await fsyncDir(root);
    await progress('renamed');
    await writeFileAtomic(join(root, LATEST_POINTER), `${finalName}\n`);
    await progress('pointer-updated');

    const removed = opts.saveTotalLimit
      ? await rotateCheckpoints(root, {
          saveTotalLimit: opts.saveTotalLimit,
          keepBest: opts.keepBest ?? false,
          greaterIsBetter: opts.greaterIsBetter ?? true,
          protect: [finalName],
          logger,
        })
      : [];
    const allFiles = [...files, TRAINER_STATE_FILE].sort();
    const bytes = Object.values(manifest).reduce((a, e) => a + e.size, Buffer.byteLength(stateText));
    return { path: finalPath, step, files: allFiles, bytes, configHash, removed };
  } catch (e) {
    if (!renamed) await fsp.rm(tmp, { recursive: true, force: true });
    if (isDiskFull(e)) throw await saveDiskFullError(e, { root, tmp, finalName, finalExisted: exists, renamed, input, opts });
    throw e;
  }
}
