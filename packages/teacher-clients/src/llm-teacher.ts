// The shared machinery of LLM teachers: cache, concurrency, rate limit, retries, circuit, validation, usage.
// Providers (openai.ts, anthropic.ts, openai-compatible.ts) supply a Backend that makes one request.
import { createRequire } from 'node:module';
import Ajv, { type ValidateFunction } from 'ajv';
import pLimit from 'p-limit';
import { cacheKey, ReplyCache } from './cache';
import { Circuit } from './circuit';
import { BadResponseError, TeacherError, TeacherOptionsError } from './errors';
import type { ResolvedTeacherOptions } from './options';
import { estimateTokens, RateLimiter } from './rate-limit';
import { checkScoreRequest } from './request';
import { withRetries } from './retry';
import { compareRequest, generateRequest, RUBRIC_VERSION, scoreRequest, withRepairNote, type ChatRequest } from './rubric';
import { mapSdkError, redact, timeoutError, type ErrorContext } from './sdk-errors';
import {
  combineBreakdown,
  COMPARE_SCHEMA,
  COMPARE_VALIDATION_SCHEMA,
  GRADE_SCHEMA,
  GRADE_VALIDATION_SCHEMA,
  resultMeta,
  type CompareOptions,
  type CompareResult,
  type GenerateRequest,
  type GenerateResult,
  type ScoreBatchOptions,
  type ScoreBreakdown,
  type ScoreBulkOptions,
  type ScoreOutcome,
  type ScoreRequest,
  type Teacher,
  type TeacherProvider,
  type TeacherScore,
  type TeacherUsage,
  type UsageReport,
} from './teacher';
import { UsageTracker } from './usage';
import type { BulkEngine } from './bulk';
import { runBulk } from './bulk';

/** One reply of a provider: the text (JSON text for structured requests) and the tokens billed. */
export interface ChatReply {
  text: string;
  usage: TeacherUsage;
  /** Why the reply is unusable before parsing (cut at max_tokens, refusal, no tool call), if it is. */
  problem?: string;
}

/** Makes one request to a provider (no retries: the caller retries). Throws SDK errors or TeacherErrors. */
export interface Backend {
  readonly provider: TeacherProvider;
  /** The server's base URL, for messages. */
  readonly baseURL: string;
  /** One request; `signal` aborts it (the teacher's per-request timeout). */
  chat(request: ChatRequest, maxTokens: number, signal: AbortSignal): Promise<ChatReply>;
  /** The provider's batch engine, when it has one. */
  readonly bulk?: BulkEngine;
}

/**
 * Loads a provider SDK on first use. The SDKs (openai, @anthropic-ai/sdk) cost about a second and 20-40 MB to load,
 * so `import '@rfai/teacher-clients'` loads neither; a teacher loads its own when it sends its first request.
 * `load` must be a literal `() => import('pkg')` so bundlers keep the import.
 * @throws TeacherOptionsError (option 'provider') naming the package to install when it is not installed.
 */
export async function importSdk<T>(pkg: string, range: string, provider: TeacherProvider, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (isMissingModule(e, pkg)) throw missingSdkError(pkg, range, provider, e);
    throw e;
  }
}

/**
 * Checks without loading it that `pkg` can be found from this package, so createTeacher fails at once (not at the
 * first request) when a provider's SDK is not installed.
 * @throws TeacherOptionsError naming the package to install.
 */
export function assertSdkInstalled(pkg: string, range: string, provider: TeacherProvider): void {
  let resolve: (id: string) => string;
  try {
    // __filename exists in CJS and is shimmed in the ESM build (tsup shims: true)
    resolve = createRequire(__filename).resolve;
  } catch {
    return; // no CommonJS resolver here (an unusual bundle): the first request reports a missing SDK
  }
  try {
    resolve(pkg);
  } catch (e) {
    if (isMissingModule(e, pkg)) throw missingSdkError(pkg, range, provider, e);
  }
}

/** Whether `e` says that module `pkg` (not one of its own imports) cannot be found. */
export function isMissingModule(e: unknown, pkg: string): boolean {
  const err = e as { code?: string; message?: string };
  if (err?.code !== 'MODULE_NOT_FOUND' && err?.code !== 'ERR_MODULE_NOT_FOUND') return false;
  const msg = String(err.message ?? '');
  return msg.includes(`'${pkg}'`) || msg.includes(`"${pkg}"`) || msg.includes(`/node_modules/${pkg}/`);
}

/** The error for a provider whose SDK is not installed. */
export function missingSdkError(pkg: string, range: string, provider: TeacherProvider, cause?: unknown): TeacherOptionsError {
  const err = new TeacherOptionsError(
    'provider',
    `the ${provider} teacher needs the npm package '${pkg}', which is not installed: run \`npm install ${pkg}@${range}\` ` +
      `(the offline teacher needs no SDK)`,
  );
  if (cause !== undefined) Object.defineProperty(err, 'cause', { value: cause, enumerable: false });
  return err;
}

const ZERO: TeacherUsage = Object.freeze({ input_tokens: 0, output_tokens: 0 }) as TeacherUsage;

interface Grade {
  rationale: string;
  breakdown: ScoreBreakdown;
}
interface Preference {
  rationale: string;
  preferred: 'a' | 'b' | 'tie';
  confidence: number;
}

// Compiled on first use (about 60 ms), so importing the package for the offline teacher does not pay for it.
let validators: { grade: ValidateFunction<Grade>; preference: ValidateFunction<Preference> } | undefined;
function getValidators(): NonNullable<typeof validators> {
  if (validators === undefined) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    validators = {
      grade: ajv.compile<Grade>(GRADE_VALIDATION_SCHEMA as unknown as Record<string, unknown>),
      preference: ajv.compile<Preference>(COMPARE_VALIDATION_SCHEMA as unknown as Record<string, unknown>),
    };
  }
  return validators;
}
const validateGrade = (): ValidateFunction<Grade> => getValidators().grade;
const validatePreference = (): ValidateFunction<Preference> => getValidators().preference;

/** Parses a reply as JSON and validates it; returns the value or the list of problems. */
export function parseReply<T>(text: string, validate: ValidateFunction<T>): { ok: true; value: T } | { ok: false; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text.trim());
  } catch (e) {
    return { ok: false, problems: [`the reply is not JSON (${(e as Error).message})`] };
  }
  if (validate(value)) return { ok: true, value };
  const problems = (validate.errors ?? []).map((er) => `${er.instancePath || '(root)'} ${er.message ?? 'is invalid'}`);
  return { ok: false, problems };
}

/** Cached value of a score (no latency, no cached flag, no cost: those belong to each call). */
interface StoredScore {
  score: number;
  breakdown: ScoreBreakdown;
  rationale: string;
}

/** An LLM-backed teacher. Use createTeacher; the provider classes extend this one. */
export class LlmTeacher implements Teacher {
  readonly provider: TeacherProvider;
  readonly model: string;
  /** Batch discount on the price table (the batch engines bill half). */
  static readonly BULK_DISCOUNT = 0.5;
  protected readonly options: ResolvedTeacherOptions;
  protected readonly backend: Backend;
  protected readonly errorContext: ErrorContext;
  protected readonly tracker: UsageTracker;
  protected readonly cache?: ReplyCache;
  private readonly circuit: Circuit;
  private readonly limiter: RateLimiter;
  private readonly limit: pLimit.Limit;
  private closed = false;

  constructor(options: ResolvedTeacherOptions, backend: Backend, apiKey: string | undefined) {
    this.options = options;
    this.backend = backend;
    this.provider = options.provider;
    this.model = options.model;
    this.errorContext = {
      provider: options.provider,
      model: options.model,
      apiKeyEnv: options.apiKeyEnv,
      apiKey,
      baseURL: backend.baseURL,
      timeoutMs: options.timeoutMs,
    };
    this.tracker = new UsageTracker(options.prices);
    this.circuit = new Circuit(options.maxConsecutiveFailures, { provider: options.provider, model: options.model });
    this.limiter = new RateLimiter({ requestsPerMinute: options.requestsPerMinute, tokensPerMinute: options.tokensPerMinute });
    this.limit = pLimit(options.concurrency);
    if (options.cache !== false) this.cache = ReplyCache.open(options.cache.path, options.logger);
    if (Object.keys(options.prices).length > 0 && !this.tracker.hasPrice(options.model)) {
      options.logger.warn?.(`teacher model '${options.model}' has no entry in the price table: its cost is counted as 0`, { model: options.model });
    }
  }

  async score(request: ScoreRequest): Promise<TeacherScore> {
    this.assertOpen();
    checkScoreRequest(request);
    const t0 = performance.now();
    const key = cacheKey({
      kind: 'score',
      provider: this.provider,
      model: this.model,
      rubricVersion: RUBRIC_VERSION,
      prompt: request.prompt,
      language: request.language,
      completion: request.completion,
      reference: request.reference,
    });
    const hit = this.cache?.get<StoredScore>(key);
    if (hit !== undefined) {
      this.tracker.addCacheHit();
      return { ...hit, ...resultMeta(this.provider, this.model, { cached: true, latency_ms: performance.now() - t0 }) };
    }
    return this.guarded(async () => {
      const { value, usage, cost } = await this.structured(scoreRequest(request, GRADE_SCHEMA as unknown as Record<string, unknown>), validateGrade(), 'grade');
      const stored: StoredScore = { score: combineBreakdown(value.breakdown), breakdown: value.breakdown, rationale: value.rationale };
      this.cache?.set(key, stored);
      return { ...stored, ...resultMeta(this.provider, this.model, { usage, cost_usd: cost, latency_ms: performance.now() - t0 }) };
    });
  }

  async scoreBatch(items: ScoreRequest[], options: ScoreBatchOptions = {}): Promise<ScoreOutcome[]> {
    this.assertOpen();
    const out: ScoreOutcome[] = new Array(items.length);
    let done = 0;
    await Promise.all(
      items.map((item, i) =>
        this.score(item).then(
          (result) => {
            out[i] = { ok: true, result };
          },
          (e) => {
            out[i] = { ok: false, error: e instanceof TeacherError ? e : mapSdkError(e, this.errorContext) };
          },
        ).finally(() => options.onProgress?.(++done, items.length)),
      ),
    );
    if (this.circuit.isOpen) throw this.circuit.error;
    return out;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    this.assertOpen();
    for (const k of ['prompt', 'language'] as const) {
      if (typeof request?.[k] !== 'string') checkScoreRequest({ ...request, completion: '' } as ScoreRequest, 'generate request');
    }
    const t0 = performance.now();
    const key = cacheKey({ kind: 'generate', provider: this.provider, model: this.model, rubricVersion: RUBRIC_VERSION, prompt: request.prompt, language: request.language, completion: '' });
    const hit = this.cache?.get<{ text: string; code: string }>(key);
    if (hit !== undefined) {
      this.tracker.addCacheHit();
      return { ...hit, ...resultMeta(this.provider, this.model, { cached: true, latency_ms: performance.now() - t0 }) };
    }
    return this.guarded(async () => {
      const reply = await this.call(generateRequest(request.prompt, request.language));
      const code = firstCodeBlock(reply.text);
      if (reply.problem !== undefined || code.trim() === '') {
        throw this.badResponse(reply.text, [reply.problem ?? 'the reply contains no code']);
      }
      this.cache?.set(key, { text: reply.text, code });
      return { text: reply.text, code, ...resultMeta(this.provider, this.model, { usage: reply.usage, cost_usd: reply.cost, latency_ms: performance.now() - t0 }) };
    });
  }

  async compare(prompt: string, a: string, b: string, options: CompareOptions = {}): Promise<CompareResult> {
    this.assertOpen();
    const language = options.language ?? 'python';
    checkScoreRequest({ prompt, language, completion: a, reference: options.reference }, 'compare (answer a)');
    checkScoreRequest({ prompt, language, completion: b }, 'compare (answer b)');
    const t0 = performance.now();
    const key = cacheKey({ kind: 'compare', provider: this.provider, model: this.model, rubricVersion: RUBRIC_VERSION, prompt, language, completion: JSON.stringify([a, b]), reference: options.reference });
    const hit = this.cache?.get<Preference>(key);
    if (hit !== undefined) {
      this.tracker.addCacheHit();
      return { ...hit, ...resultMeta(this.provider, this.model, { cached: true, latency_ms: performance.now() - t0 }) };
    }
    return this.guarded(async () => {
      const req = compareRequest(prompt, language, a, b, options.reference, COMPARE_SCHEMA as unknown as Record<string, unknown>);
      const { value, usage, cost } = await this.structured(req, validatePreference(), 'preference');
      const stored: Preference = { preferred: value.preferred, confidence: value.confidence, rationale: value.rationale };
      this.cache?.set(key, stored);
      return { ...stored, ...resultMeta(this.provider, this.model, { usage, cost_usd: cost, latency_ms: performance.now() - t0 }) };
    });
  }

  /**
   * Grades through the provider's batch engine (OpenAI Batch API, Anthropic Message Batches): cached items are not
   * sent, results are cached, cost uses the 50% batch discount. Providers without one (openai-compatible) grade
   * with `scoreBatch` instead.
   */
  async scoreBulk(items: ScoreRequest[], options: ScoreBulkOptions = {}): Promise<ScoreOutcome[]> {
    this.assertOpen();
    if (this.backend.bulk === undefined) return this.scoreBatch(items);
    items.forEach((it, i) => checkScoreRequest(it, `scoreBulk item ${i}`));
    this.circuit.check();
    const keys = items.map((r) =>
      cacheKey({ kind: 'score', provider: this.provider, model: this.model, rubricVersion: RUBRIC_VERSION, prompt: r.prompt, language: r.language, completion: r.completion, reference: r.reference }),
    );
    const out: ScoreOutcome[] = new Array(items.length);
    const pending: number[] = [];
    items.forEach((_, i) => {
      const hit = this.cache?.get<StoredScore>(keys[i]);
      if (hit !== undefined) {
        this.tracker.addCacheHit();
        out[i] = { ok: true, result: { ...hit, ...resultMeta(this.provider, this.model, { cached: true, latency_ms: 0 }) } };
      } else {
        pending.push(i);
      }
    });
    if (pending.length === 0) return out;
    const t0 = performance.now();
    const requests = pending.map((i) => scoreRequest(items[i], GRADE_SCHEMA as unknown as Record<string, unknown>));
    let replies;
    try {
      replies = await runBulk(this.backend.bulk, requests, pending.map((i) => keys[i]), {
        ...options,
        maxTokens: this.options.maxTokens,
        logger: this.options.logger,
        mapError: (e) => mapSdkError(e, this.errorContext),
      });
    } catch (e) {
      const err = e instanceof TeacherError ? e : mapSdkError(e, this.errorContext);
      this.circuit.failure(err);
      throw err;
    }
    const latency = performance.now() - t0;
    pending.forEach((i, j) => {
      const r = replies[j];
      if (!r.ok) {
        this.tracker.addFailure();
        out[i] = { ok: false, error: r.error };
        return;
      }
      const cost = this.tracker.addRequest(this.model, r.usage, LlmTeacher.BULK_DISCOUNT);
      const parsed = r.problem === undefined ? parseReply(r.text, validateGrade()) : { ok: false as const, problems: [r.problem] };
      if (!parsed.ok) {
        this.tracker.addFailure();
        out[i] = { ok: false, error: this.badResponse(r.text, parsed.problems) };
        return;
      }
      const stored: StoredScore = { score: combineBreakdown(parsed.value.breakdown), breakdown: parsed.value.breakdown, rationale: parsed.value.rationale };
      this.cache?.set(keys[i], stored);
      out[i] = { ok: true, result: { ...stored, ...resultMeta(this.provider, this.model, { usage: r.usage, cost_usd: cost, latency_ms: latency }) } };
    });
    return out;
  }

  usage(): UsageReport {
    return this.tracker.report();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cache?.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new TeacherError(`${this.provider} teacher: used after close()`, { provider: this.provider, model: this.model });
  }

  /** Runs one grading in a concurrency slot, feeding the circuit breaker and failure count. */
  private guarded<T>(fn: () => Promise<T>): Promise<T> {
    this.circuit.check();
    return this.limit(async () => {
      this.circuit.check();
      try {
        const r = await fn();
        this.circuit.success();
        return r;
      } catch (e) {
        const err = e instanceof TeacherError ? e : mapSdkError(e, this.errorContext);
        this.tracker.addFailure();
        this.circuit.failure(err);
        throw err;
      }
    });
  }

  private badResponse(text: string, problems: string[]): BadResponseError {
    const excerpt = redact(text, this.errorContext.apiKey).slice(0, 500);
    return new BadResponseError(
      `${this.provider} model '${this.model}' returned an invalid reply: ${problems.join('; ')}. Reply began: ${JSON.stringify(excerpt.slice(0, 200))}`,
      { provider: this.provider, model: this.model, responseExcerpt: excerpt, problems },
    );
  }

  /** A structured request: validated; on an invalid reply, one retry with a repair note; then BadResponseError. */
  private async structured<T>(req: ChatRequest, validate: ValidateFunction<T>, what: string): Promise<{ value: T; usage: TeacherUsage; cost: number }> {
    const first = await this.call(req);
    const p1 = first.problem === undefined ? parseReply(first.text, validate) : { ok: false as const, problems: [first.problem] };
    if (p1.ok) return { value: p1.value, usage: first.usage, cost: first.cost };
    this.options.logger.warn?.(`${this.provider} returned an invalid ${what}; asking once more with a repair note`, { problems: p1.problems });
    const second = await this.call(withRepairNote(req, p1.problems));
    const usage = { input_tokens: first.usage.input_tokens + second.usage.input_tokens, output_tokens: first.usage.output_tokens + second.usage.output_tokens };
    const p2 = second.problem === undefined ? parseReply(second.text, validate) : { ok: false as const, problems: [second.problem] };
    if (p2.ok) return { value: p2.value, usage, cost: first.cost + second.cost };
    const err = this.badResponse(second.text, p2.problems);
    throw new BadResponseError(`${err.message} (also after a repair request)`, { provider: this.provider, model: this.model, responseExcerpt: err.responseExcerpt, problems: err.problems });
  }

  /** One logical request with rate limiting and retries; records usage and cost of every attempt. */
  private async call(req: ChatRequest): Promise<{ text: string; usage: TeacherUsage; problem?: string; cost: number }> {
    const promptText = req.system + req.messages.map((m) => m.content).join('\n');
    const estimate = estimateTokens(promptText) + this.options.maxTokens;
    return withRetries(
      async () => {
        this.circuit.check();
        await this.limiter.acquire(estimate);
        let reply: ChatReply;
        // Our own timer (rather than only the SDK's timeout) so a timeout is always reported as a TimeoutError,
        // whatever realm the fetch AbortError comes from.
        const controller = new AbortController();
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, this.options.timeoutMs);
        try {
          reply = await this.backend.chat(req, this.options.maxTokens, controller.signal);
        } catch (e) {
          this.tracker.addRequest(this.model, ZERO);
          this.limiter.settle(estimate, 0);
          throw timedOut ? timeoutError(this.errorContext) : mapSdkError(e, this.errorContext);
        } finally {
          clearTimeout(timer);
        }
        this.limiter.settle(estimate, reply.usage.input_tokens + reply.usage.output_tokens);
        const cost = this.tracker.addRequest(this.model, reply.usage);
        return { ...reply, cost };
      },
      { maxRetries: this.options.maxRetries, baseDelayMs: this.options.retryBaseDelayMs, maxDelayMs: this.options.retryMaxDelayMs },
      (err, n, delay) =>
        this.options.logger.warn?.(`${this.provider} ${err.name}: ${err.message}; retry ${n}/${this.options.maxRetries} in ${Math.round(delay)} ms`, {
          provider: this.provider,
          model: this.model,
          retry: n,
          delayMs: Math.round(delay),
        }),
    );
  }
}

/** The contents of the first fenced code block, or the whole text when there is none. */
export function firstCodeBlock(text: string): string {
  const m = /```[^\n]*\n([\s\S]*?)(?:```|$)/.exec(text);
  return m ? m[1] : text;
}
