// Options of createTeacher: types, defaults and validation (no network).
import { AuthenticationError, TeacherOptionsError } from './errors';
import type { TeacherProvider } from './teacher';
import type { ModelPrice } from './usage';

/** Where log lines go. Every method is optional; messages never contain API keys or student code. */
export interface TeacherLogger {
  debug?(message: string, data?: Record<string, unknown>): void;
  info?(message: string, data?: Record<string, unknown>): void;
  warn?(message: string, data?: Record<string, unknown>): void;
  error?(message: string, data?: Record<string, unknown>): void;
}

/** Options of `createTeacher`. Only `provider` is required. */
export interface TeacherOptions {
  /** 'offline' (default teacher, no network), 'openai', 'anthropic' or 'openai-compatible' (vLLM, Ollama, llama.cpp server). */
  provider: TeacherProvider;
  /** Model name. Defaults: openai 'gpt-4.1-mini', anthropic 'claude-haiku-4-5'; required for openai-compatible. */
  model?: string;
  /**
   * Environment variable holding the API key. Defaults: OPENAI_API_KEY (openai), ANTHROPIC_API_KEY (anthropic);
   * none for openai-compatible (local servers usually need no key; when set, the variable must exist).
   */
  apiKeyEnv?: string;
  /** Server URL, e.g. 'http://127.0.0.1:8000/v1'. Required for openai-compatible; optional override for openai/anthropic. */
  baseURL?: string;
  /** Sampling temperature of the grader; default 0. */
  temperature?: number;
  /** Most tokens the grader may write per reply; default 512. */
  maxTokens?: number;
  /** Most requests in flight at once; default 8. */
  concurrency?: number;
  /** Per-request timeout in milliseconds; default 60000. */
  timeoutMs?: number;
  /** Retries after a retryable failure (429, 5xx, timeout, connection error); default 3. */
  maxRetries?: number;
  /** Request budget per minute (token bucket); default unlimited. */
  requestsPerMinute?: number;
  /** Token budget per minute (estimated input + max output tokens, corrected by the reported usage); default unlimited. */
  tokensPerMinute?: number;
  /** Consecutive failed gradings after which every call rejects with CircuitOpenError; default 10. */
  maxConsecutiveFailures?: number;
  /** Persistent cache file (JSONL), or false for none; default false. Not used by the offline teacher (recomputing is faster). */
  cache?: { path: string } | false;
  /** Prices per model in US dollars per million tokens, e.g. { 'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 } }. */
  prices?: Record<string, ModelPrice>;
  /** Log sink; default silent. */
  logger?: TeacherLogger;
  /** First retry delay in ms (doubles per attempt, ±25% jitter, Retry-After wins when larger); default 500. */
  retryBaseDelayMs?: number;
  /** Longest retry delay in ms; default 30000. */
  retryMaxDelayMs?: number;
  /** Environment to read the API key from; default process.env (tests pass their own). */
  env?: Record<string, string | undefined>;
  /**
   * Whether hidden tests run (@rfai/code-exec sandbox): 'auto' (default) when a sample has tests and a toolchain,
   * 'required' (a sample that cannot run is not graded), 'off' (static analysis only, scores capped as unverified).
   * For hosted teachers the executed result bounds the LLM's score.
   */
  execution?: 'auto' | 'required' | 'off';
  /** Wall-clock limit of one test run in milliseconds; default 2000. */
  executionTimeoutMs?: number;
}

/** Options with every default filled in. */
export interface ResolvedTeacherOptions {
  provider: TeacherProvider;
  model: string;
  apiKeyEnv: string | undefined;
  baseURL: string | undefined;
  temperature: number;
  maxTokens: number;
  concurrency: number;
  timeoutMs: number;
  maxRetries: number;
  requestsPerMinute: number | undefined;
  tokensPerMinute: number | undefined;
  maxConsecutiveFailures: number;
  cache: { path: string } | false;
  prices: Record<string, ModelPrice>;
  logger: TeacherLogger;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  env: Record<string, string | undefined>;
  execution: 'auto' | 'required' | 'off';
  executionTimeoutMs: number;
}

/** Default model per provider. */
export const DEFAULT_MODELS: Readonly<Record<Exclude<TeacherProvider, 'openai-compatible'>, string>> = Object.freeze({
  offline: 'rfai-offline-v2',
  openai: 'gpt-4.1-mini',
  anthropic: 'claude-haiku-4-5',
});

const DEFAULT_KEY_ENV: Partial<Record<TeacherProvider, string>> = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' };
const PROVIDERS: readonly TeacherProvider[] = ['offline', 'openai', 'anthropic', 'openai-compatible'];

function checkNumber(name: string, value: unknown, min: number, max: number, integer: boolean): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new TeacherOptionsError(
      name,
      `teacher option '${name}' must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], found ${JSON.stringify(value)}`,
    );
  }
}

/** Validates options and fills defaults (null counts as unset). Throws TeacherOptionsError naming the option; makes no network call. */
export function resolveTeacherOptions(input: TeacherOptions): ResolvedTeacherOptions {
  if (input === null || typeof input !== 'object') {
    throw new TeacherOptionsError('options', `createTeacher expects an options object like { provider: 'offline' }, found ${input === null ? 'null' : typeof input}`);
  }
  // null means "not set" (config files write `model_name: null`), like undefined
  const options = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null)) as unknown as TeacherOptions;
  const provider = options.provider;
  if (!PROVIDERS.includes(provider)) {
    throw new TeacherOptionsError('provider', `teacher option 'provider' must be one of ${PROVIDERS.map((p) => `'${p}'`).join(', ')}, found ${JSON.stringify(provider)}`);
  }
  checkNumber('temperature', options.temperature, 0, 2, false);
  checkNumber('maxTokens', options.maxTokens, 1, 1_000_000, true);
  checkNumber('concurrency', options.concurrency, 1, 10_000, true);
  checkNumber('timeoutMs', options.timeoutMs, 1, 24 * 3600_000, true);
  checkNumber('maxRetries', options.maxRetries, 0, 100, true);
  checkNumber('requestsPerMinute', options.requestsPerMinute, 0.001, 1e9, false);
  checkNumber('tokensPerMinute', options.tokensPerMinute, 1, 1e12, false);
  checkNumber('maxConsecutiveFailures', options.maxConsecutiveFailures, 1, 1e9, true);
  checkNumber('retryBaseDelayMs', options.retryBaseDelayMs, 0, 3600_000, false);
  checkNumber('retryMaxDelayMs', options.retryMaxDelayMs, 0, 3600_000, false);
  checkNumber('executionTimeoutMs', options.executionTimeoutMs, 1, 600_000, true);
  if (options.execution !== undefined && !['auto', 'required', 'off'].includes(options.execution)) {
    throw new TeacherOptionsError('execution', `teacher option 'execution' must be 'auto', 'required' or 'off', found ${JSON.stringify(options.execution)}`);
  }
  if (options.model !== undefined && (typeof options.model !== 'string' || options.model.trim() === '')) {
    throw new TeacherOptionsError('model', `teacher option 'model' must be a non-empty string, found ${JSON.stringify(options.model)}`);
  }
  if (provider === 'openai-compatible' && options.model === undefined) {
    throw new TeacherOptionsError('model', "teacher option 'model' is required for provider 'openai-compatible' (the name the server serves, e.g. 'Qwen/Qwen2.5-Coder-7B-Instruct')");
  }
  if (options.baseURL !== undefined) {
    try {
      new URL(options.baseURL);
    } catch {
      throw new TeacherOptionsError('baseURL', `teacher option 'baseURL' is not a valid URL: ${JSON.stringify(options.baseURL)}; expected e.g. 'http://127.0.0.1:8000/v1'`);
    }
  } else if (provider === 'openai-compatible') {
    throw new TeacherOptionsError('baseURL', "teacher option 'baseURL' is required for provider 'openai-compatible', e.g. 'http://127.0.0.1:8000/v1' (vLLM) or 'http://127.0.0.1:11434/v1' (Ollama)");
  }
  if (options.apiKeyEnv !== undefined && (typeof options.apiKeyEnv !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.apiKeyEnv))) {
    throw new TeacherOptionsError('apiKeyEnv', `teacher option 'apiKeyEnv' must be an environment variable name like 'OPENAI_API_KEY', found ${JSON.stringify(options.apiKeyEnv)}`);
  }
  if (options.cache !== undefined && options.cache !== false && (typeof options.cache !== 'object' || typeof options.cache.path !== 'string' || options.cache.path === '')) {
    throw new TeacherOptionsError('cache', "teacher option 'cache' must be false or { path: 'file.jsonl' }");
  }
  for (const [model, p] of Object.entries(options.prices ?? {})) {
    for (const k of ['inputPerMTok', 'outputPerMTok'] as const) {
      const v = (p as unknown as Record<string, unknown>)?.[k];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new TeacherOptionsError('prices', `teacher option 'prices.${model}.${k}' must be a number >= 0 (US dollars per million tokens), found ${JSON.stringify(v)}`);
      }
    }
  }
  const model = options.model ?? DEFAULT_MODELS[provider as Exclude<TeacherProvider, 'openai-compatible'>];
  return {
    provider,
    model,
    apiKeyEnv: options.apiKeyEnv ?? DEFAULT_KEY_ENV[provider],
    baseURL: options.baseURL,
    temperature: options.temperature ?? 0,
    maxTokens: options.maxTokens ?? 512,
    concurrency: options.concurrency ?? 8,
    timeoutMs: options.timeoutMs ?? 60_000,
    maxRetries: options.maxRetries ?? 3,
    requestsPerMinute: options.requestsPerMinute,
    tokensPerMinute: options.tokensPerMinute,
    maxConsecutiveFailures: options.maxConsecutiveFailures ?? 10,
    cache: options.cache ?? false,
    prices: options.prices ?? {},
    logger: options.logger ?? {},
    retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
    retryMaxDelayMs: options.retryMaxDelayMs ?? 30_000,
    execution: options.execution ?? 'auto',
    executionTimeoutMs: options.executionTimeoutMs ?? 2000,
    env: options.env ?? process.env,
  };
}

/**
 * The API key from the configured environment variable, or undefined when the provider needs none
 * (offline; openai-compatible without apiKeyEnv). Throws AuthenticationError naming the variable when it is unset.
 */
export function readApiKey(o: ResolvedTeacherOptions): string | undefined {
  if (o.provider === 'offline' || o.apiKeyEnv === undefined) return undefined;
  const key = o.env[o.apiKeyEnv];
  if (key === undefined || key.trim() === '') {
    throw new AuthenticationError(
      `${o.apiKeyEnv} is not set: the ${o.provider} teacher reads its API key from the environment variable ${o.apiKeyEnv} ` +
        `(teacher.api_key_env in config.yaml / apiKeyEnv option). Set it (export ${o.apiKeyEnv}=...) or use teacher.provider: offline.`,
      { provider: o.provider, model: o.model, apiKeyEnv: o.apiKeyEnv },
    );
  }
  return key;
}
