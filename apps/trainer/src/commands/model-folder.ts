/**
 * The `--model DIR` of `generate` and `inspect`: a Hugging Face model folder, a full rfai checkpoint, or a PEFT
 * adapter folder (adapter_config.json + adapter_model.safetensors) that loads on top of its base model, the way
 * `eval` loads a LoRA checkpoint.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CHECKPOINT_FORMAT, CheckpointError, listCheckpoints, validateCheckpoint } from '@rfai/checkpoint-io';
import { loadAdapter, loadModel, loadTokenizer, type AdapterConfig, type CausalLM, type Tokenizer } from '@rfai/models';
import { checkpointProblem } from '../train/checkpointing';
import { UsageError } from '../train/setup';
import { resolveUserPath } from '@rfai/config';

/** What a folder holds: a whole model (config.json + weights) or a PEFT adapter for a base model. */
export type ModelFolderKind = 'model' | 'adapter';

const ADAPTER_CONFIG = 'adapter_config.json';
const TRAINER_STATE = 'trainer_state.json';

/**
 * Checks that `dir` is a folder `generate`/`inspect` can open and says which kind.
 * @param option the command-line option that named it, for messages
 * @throws UsageError (exit 2) for a missing path, a file, or a folder with neither config.json nor adapter_config.json
 */
export function modelFolderKind(dir: string, option = '--model'): ModelFolderKind {
  const kinds =
    'a Hugging Face model folder (config.json + model.safetensors), an rfai checkpoint (checkpoints/checkpoint-{step}) ' +
    'or a PEFT adapter folder (adapter_config.json + adapter_model.safetensors)';
  if (!existsSync(dir)) throw new UsageError(`${option}: ${dir} does not exist. Pass ${kinds}.`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${option}: ${dir} is a file, not a folder. Pass ${kinds}.`);
  if (existsSync(path.join(dir, ADAPTER_CONFIG))) return 'adapter';
  if (existsSync(path.join(dir, 'config.json'))) return 'model';
  throw new UsageError(`${option}: ${dir} has neither config.json nor ${ADAPTER_CONFIG}, so it holds no model. Pass ${kinds}.`);
}

/** Help text of the `--no-verify` option of eval, generate and inspect. */
export const NO_VERIFY_HELP =
  "skip checking an rfai checkpoint's files against the sha256 manifest in its trainer_state.json (checked by default; Hugging Face folders have no manifest)";

/** True when `dir` holds the trainer_state.json of an rfai checkpoint (not, e.g., a transformers Trainer's). */
function hasRfaiManifest(dir: string): boolean {
  let text: string;
  try {
    text = readFileSync(path.join(dir, TRAINER_STATE), 'utf8');
  } catch {
    return false;
  }
  try {
    const state = JSON.parse(text) as { format?: unknown } | null;
    return state?.format === CHECKPOINT_FORMAT;
  } catch {
    // Unreadable JSON: an rfai checkpoint whose state file is damaged still names its format somewhere.
    return text.includes(CHECKPOINT_FORMAT);
  }
}

/** The newest checkpoint-{step} beside `dir` with a lower step, or null. */
async function earlierCheckpoint(dir: string): Promise<string | null> {
  const m = /^checkpoint-(\d+)$/.exec(path.basename(dir));
  if (!m) return null;
  const earlier = (await listCheckpoints(path.dirname(dir))).filter((c) => c.step < Number(m[1]));
  return earlier.length ? earlier[earlier.length - 1].path : null;
}

/**
 * Checks an rfai checkpoint folder against the manifest in its trainer_state.json (every file present, with its size
 * and sha256) before it is loaded. A folder without an rfai trainer_state.json (a Hugging Face model folder, a PEFT
 * adapter folder) has no manifest and is left as it is.
 * @param option the command-line option that named the folder, for messages
 * @throws UsageError (exit 2) naming the file, expected vs found, and the fixes: an earlier checkpoint, or --no-verify
 */
export async function verifyModelFolder(dir: string, option = '--model'): Promise<void> {
  if (!hasRfaiManifest(dir)) return;
  try {
    await validateCheckpoint(dir, { verify: true });
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    const earlier = await earlierCheckpoint(dir);
    throw new UsageError(
      `${option}: checkpoint ${dir} failed verification against its manifest: ${checkpointProblem(e)}. The checkpoint is corrupt or incomplete. ` +
        `Use an earlier checkpoint${earlier ? ` (${earlier})` : ''}, or pass --no-verify to load it as it is.`,
    );
  }
}

/** A PEFT adapter folder's adapter_config.json. @throws UsageError when it is not readable JSON */
export function readAdapterConfig(dir: string): AdapterConfig {
  const file = path.join(dir, ADAPTER_CONFIG);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as AdapterConfig;
  } catch (e) {
    throw new UsageError(`${file}: not a readable adapter config (${(e as Error).message}).`);
  }
}

/**
 * The base model folder of a PEFT adapter folder that is not an rfai checkpoint: `base` (the --base option) when
 * given, else adapter_config.json's base_model_name_or_path when it names a folder here (absolute, relative to the
 * current folder, or relative to the adapter folder).
 * @throws UsageError naming base_model_name_or_path and the --base option when no base folder is found
 */
export function adapterBaseDir(dir: string, base?: string): string {
  if (base !== undefined) {
    const b = resolveUserPath(base);
    if (!existsSync(path.join(b, 'config.json'))) {
      throw new UsageError(`--base: ${b} is not a model folder (no config.json). Pass the Hugging Face folder the adapter was trained on.`);
    }
    return b;
  }
  const named = readAdapterConfig(dir).base_model_name_or_path;
  if (typeof named === 'string' && named !== '') {
    for (const candidate of [resolveUserPath(named), path.resolve(dir, named)]) {
      if (existsSync(path.join(candidate, 'config.json'))) return candidate;
    }
  }
  throw new UsageError(
    `${path.join(dir, ADAPTER_CONFIG)}: base_model_name_or_path ${JSON.stringify(named ?? null)} is not a model folder on this machine, ` +
      'and a PEFT adapter only runs on top of its base model. Pass --base DIR with the Hugging Face folder it was trained on ' +
      '(download it first if base_model_name_or_path is a Hub id).',
  );
}

/** A loaded model with its tokenizer; `dispose` frees the weights. */
export interface LoadedModelFolder {
  model: CausalLM;
  tokenizer: Tokenizer;
  kind: ModelFolderKind;
  /** Where the base weights came from, for an adapter folder (a folder, or a preset description); else null. */
  base: string | null;
  dispose(): void;
}

/**
 * Loads the model in `dir` for inference. An adapter folder that is an rfai checkpoint (trainer_state.json) is
 * rebuilt as `eval` rebuilds it: the run's stored config gives the base (model.path or the preset), and the
 * adapters are attached (buildStudent). Any other adapter folder loads on top of {@link adapterBaseDir}.
 * @throws UsageError for a folder that is not a model (exit 2); ModelError / CheckpointError for unreadable files
 */
export async function loadModelFolder(dir: string, opts: { base?: string } = {}): Promise<LoadedModelFolder> {
  const kind = modelFolderKind(dir);
  if (kind === 'model') {
    const model = await loadModel(dir);
    try {
      return { model, tokenizer: loadTokenizer(dir), kind, base: null, dispose: () => model.dispose() };
    } catch (e) {
      model.dispose();
      throw e;
    }
  }
  if (opts.base === undefined && existsSync(path.join(dir, TRAINER_STATE))) {
    // Loaded lazily: eval's module brings the teacher and the eval loop, which a plain model folder does not need.
    const [{ checkpointConfig }, { buildStudent }] = await Promise.all([import('./eval'), import('../train/student')]);
    const student = await buildStudent(checkpointConfig(dir, []), dir);
    return { model: student.model, tokenizer: student.tokenizer, kind, base: student.source, dispose: () => student.dispose() };
  }
  const baseDir = adapterBaseDir(dir, opts.base);
  const model = await loadModel(baseDir);
  try {
    await loadAdapter(model, dir);
    // The adapter folder's own tokenizer files when it has them (rfai checkpoints copy them), else the base's.
    const tokenizer = existsSync(path.join(dir, 'tokenizer_config.json')) || existsSync(path.join(dir, 'tokenizer.json')) ? loadTokenizer(dir) : loadTokenizer(baseDir);
    return { model, tokenizer, kind, base: baseDir, dispose: () => model.dispose() };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
