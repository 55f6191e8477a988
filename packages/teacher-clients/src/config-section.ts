// Maps the snake_case `teacher:` section of an rfai config.yaml to createTeacher's camelCase options.
import type { TeacherLogger, TeacherOptions } from './options';
import type { TeacherProvider } from './teacher';

/** The `teacher:` section of config.yaml as @rfai/config types it (structural: this package imports no other @rfai package). */
export interface TeacherConfigSection {
  provider: TeacherProvider;
  model_name?: string | null;
  api_key_env?: string | null;
  base_url?: string | null;
  temperature?: number;
  max_tokens?: number;
  concurrency?: number;
  timeout_ms?: number;
  max_retries?: number;
  requests_per_minute?: number | null;
  tokens_per_minute?: number | null;
  max_consecutive_failures?: number;
  cache?: { enabled: boolean; path: string } | null;
  prices?: Record<string, { input_per_mtok: number; output_per_mtok: number }> | null;
  execution?: 'auto' | 'required' | 'off';
  execution_timeout_ms?: number;
}

/**
 * createTeacher options from a config `teacher:` section: model_name → model, api_key_env → apiKeyEnv,
 * base_url → baseURL, cache { enabled, path } → { path } or false, prices *_per_mtok → *PerMTok; null → unset.
 * Keys the section does not have keep createTeacher's defaults. Validation happens in createTeacher.
 */
export function teacherOptionsFromConfig(section: TeacherConfigSection, extra: { logger?: TeacherLogger } = {}): TeacherOptions {
  const nn = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);
  const prices = section.prices
    ? Object.fromEntries(Object.entries(section.prices).map(([m, p]) => [m, { inputPerMTok: p.input_per_mtok, outputPerMTok: p.output_per_mtok }]))
    : undefined;
  const o: TeacherOptions = {
    provider: section.provider,
    model: nn(section.model_name),
    apiKeyEnv: nn(section.api_key_env),
    baseURL: nn(section.base_url),
    temperature: section.temperature,
    maxTokens: section.max_tokens,
    concurrency: section.concurrency,
    timeoutMs: section.timeout_ms,
    maxRetries: section.max_retries,
    requestsPerMinute: nn(section.requests_per_minute),
    tokensPerMinute: nn(section.tokens_per_minute),
    maxConsecutiveFailures: section.max_consecutive_failures,
    cache: section.cache ? (section.cache.enabled ? { path: section.cache.path } : false) : undefined,
    prices,
    execution: section.execution,
    executionTimeoutMs: section.execution_timeout_ms,
    logger: extra.logger,
  };
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as unknown as TeacherOptions;
}
