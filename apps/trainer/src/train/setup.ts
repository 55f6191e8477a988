import { existsSync } from 'node:fs';
import { resolveConfigPath, type LoadedConfig } from '@rfai/config';
import { loadDataset, type DatasetRecord } from '@rfai/datasets';
import { canonicalExecLanguage, detectToolchains } from '@rfai/code-exec';
import type { TeacherOptions } from '@rfai/teacher-clients';

/** Bad usage found at startup (exit 2). */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Loads and validates the training and eval prompts named by `data.*`.
 * @throws UsageError for a missing file (naming the config key), DatasetError for bad lines (file:line)
 */
export async function loadSplits(loaded: LoadedConfig): Promise<{ train: DatasetRecord[]; eval: DatasetRecord[]; sft: DatasetRecord[] | null }> {
  const d = loaded.config.data;
  const trainFile = resolveConfigPath(loaded, d.train_file);
  if (!existsSync(trainFile)) {
    throw new UsageError(
      `data.train_file: ${trainFile} does not exist. Generate prompts with \`npx nx run data-generator:generate -- --out data\` or point data.train_file at a JSONL file.`,
    );
  }
  // validateRest: a bad line past max_*_samples is still found at startup, not on the next run with a larger cap.
  const common = { languages: d.languages.length ? d.languages : undefined, onBadLine: d.on_bad_line, validateRest: true } as const;
  const train = await loadDataset(trainFile, { ...common, maxSamples: d.max_train_samples ?? undefined });
  if (train.records.length === 0) {
    throw new UsageError(`data.train_file: ${trainFile} has no prompts${d.languages.length ? ` in ${d.languages.join(', ')} (data.languages)` : ''}.`);
  }
  let evalRecords: DatasetRecord[] = [];
  if (d.eval_file) {
    const evalFile = resolveConfigPath(loaded, d.eval_file);
    if (!existsSync(evalFile)) {
      throw new UsageError(`data.eval_file: ${evalFile} does not exist. Set data.eval_file to a JSONL file, or to null for no eval pass.`);
    }
    evalRecords = (await loadDataset(evalFile, { ...common, maxSamples: d.max_eval_samples ?? undefined })).records;
  }
  // The warm-up's own prompts (sft.train_file), or null: the warm-up then uses data.train_file's rows with references.
  let sft: DatasetRecord[] | null = null;
  const sftFile = loaded.config.sft.train_file;
  if (sftFile) {
    const file = resolveConfigPath(loaded, sftFile);
    if (!existsSync(file)) {
      throw new UsageError(`sft.train_file: ${file} does not exist. Generate it with \`npx nx run data-generator:generate -- --out data\`, or set sft.train_file to null to warm up on data.train_file's references.`);
    }
    sft = (await loadDataset(file, { ...common })).records;
    if (!sft.some((r) => typeof r.reference === 'string' && r.reference.trim() !== '')) {
      throw new UsageError(`sft.train_file: ${file} has no rows with a 'reference'; the warm-up imitates references, so every row needs one.`);
    }
  }
  return { train: train.records, eval: evalRecords, sft };
}

/** The teacher options of a config (camelCase API of @rfai/teacher-clients). */
export function teacherOptions(loaded: LoadedConfig, log?: (m: string) => void): TeacherOptions {
  const t = loaded.config.teacher;
  return {
    provider: t.provider,
    ...(t.model_name ? { model: t.model_name } : {}),
    ...(t.api_key_env ? { apiKeyEnv: t.api_key_env } : {}),
    ...(t.base_url ? { baseURL: t.base_url } : {}),
    temperature: t.temperature,
    maxTokens: t.max_tokens,
    concurrency: t.concurrency,
    timeoutMs: t.timeout_ms,
    maxRetries: t.max_retries,
    ...(t.requests_per_minute ? { requestsPerMinute: t.requests_per_minute } : {}),
    ...(t.tokens_per_minute ? { tokensPerMinute: t.tokens_per_minute } : {}),
    maxConsecutiveFailures: t.max_consecutive_failures,
    execution: t.execution,
    executionTimeoutMs: t.execution_timeout_ms,
    cache: t.cache.enabled ? { path: resolveConfigPath(loaded, t.cache.path) } : false,
    prices: Object.fromEntries(Object.entries(t.prices).map(([m, p]) => [m, { inputPerMTok: p.input_per_mtok, outputPerMTok: p.output_per_mtok }])),
    ...(log ? { logger: { warn: (m: string) => log(`teacher: ${m}`), info: () => undefined, debug: () => undefined } as any } : {}),
  };
}

/**
 * Reports, once at startup, the languages whose tasks carry hidden tests but whose toolchain is missing here (with
 * what to install). With teacher.execution 'required' that is a startup error (exit 2); with 'auto' those samples
 * are graded unverified (capped), which the log says.
 */
export async function reportToolchains(records: readonly DatasetRecord[], mode: 'auto' | 'required' | 'off', log: (line: string) => void): Promise<void> {
  if (mode === 'off') {
    log("teacher.execution: off: hidden tests are not run; scores are static analysis only, capped at 0.6, and no eval sample counts as a pass");
    return;
  }
  const languages = [...new Set(records.filter((r) => r.tests !== undefined).map((r) => r.language))];
  if (languages.length === 0) return;
  const report = await detectToolchains();
  const missing: string[] = [];
  for (const language of languages) {
    const exec = canonicalExecLanguage(language);
    const info = exec ? report[exec] : undefined;
    if (!info) missing.push(`${language}: no runner for this language (its tests cannot run)`);
    else if (!info.available) missing.push(`${language}: ${info.message} (install the Debian package ${info.install})`);
  }
  if (missing.length === 0) {
    log(`execution: hidden tests run in the sandbox for ${languages.join(', ')}`);
    return;
  }
  const text = `cannot run the hidden tests of: ${missing.join('; ')}`;
  if (mode === 'required') throw new UsageError(`teacher.execution is 'required' but ${text}. Install the toolchains or set teacher.execution to 'auto'.`);
  log(`warning: ${text}; those samples are graded unverified (static analysis, capped at 0.6)`);
}
