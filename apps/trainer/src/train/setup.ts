import { existsSync } from 'node:fs';
import { resolveConfigPath, type LoadedConfig } from '@rfai/config';
import { loadDataset, type DatasetRecord } from '@rfai/datasets';
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
export async function loadSplits(loaded: LoadedConfig): Promise<{ train: DatasetRecord[]; eval: DatasetRecord[] }> {
  const d = loaded.config.data;
  const trainFile = resolveConfigPath(loaded, d.train_file);
  if (!existsSync(trainFile)) {
    throw new UsageError(
      `data.train_file: ${trainFile} does not exist. Generate prompts with \`npx nx run data-generator:generate -- --out data\` or point data.train_file at a JSONL file.`,
    );
  }
  const common = { languages: d.languages.length ? d.languages : undefined, onBadLine: d.on_bad_line } as const;
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
  return { train: train.records, eval: evalRecords };
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
    cache: t.cache.enabled ? { path: resolveConfigPath(loaded, t.cache.path) } : false,
    prices: Object.fromEntries(Object.entries(t.prices).map(([m, p]) => [m, { inputPerMTok: p.input_per_mtok, outputPerMTok: p.output_per_mtok }])),
    ...(log ? { logger: { warn: (m: string) => log(`teacher: ${m}`), info: () => undefined, debug: () => undefined } as any } : {}),
  };
}
