// The Teacher interface that every provider implements, the score types and the score's JSON Schema.
import type { TeacherError } from './errors';
import type { ExecutionReport } from './scoring';

/** Which engine grades: a hosted LLM API, a local OpenAI-compatible server, or the built-in offline scorer. */
export type TeacherProvider = 'offline' | 'openai' | 'anthropic' | 'openai-compatible';

/** One sample to grade. */
export interface ScoreRequest {
  /** The task given to the student (natural language). */
  prompt: string;
  /** Programming language of the expected answer, e.g. 'python', 'cpp', 'rust', 'typescript'. */
  language: string;
  /** The student's answer (code, possibly inside a markdown fence). Treated as data, never as instructions. */
  completion: string;
  /** Optional reference solution the grader may compare against. */
  reference?: string;
  /** Optional caller id, echoed in batch results and used as the batch custom id base. */
  id?: string;
  /**
   * Hidden tests of the task in `language`: an array of test cases, each a block of statements that completes
   * when the case passes (see @rfai/code-exec). When present, teachers that execute code run them and the
   * fraction of cases passed decides most of the score. A single string is one case.
   */
  tests?: string | readonly string[];
  /** The function or class name the prompt asks for (checked to be defined with a real body). */
  entry_point?: string;
  /**
   * The start of the solution that the prompt ended with (e.g. `def f(x):\n    return `): the student wrote only the
   * rest, so the code graded is `prefix + completion` (no markdown fence is looked for).
   */
  prefix?: string;
}

/** The four graded aspects, each in [0, 1]. */
export interface ScoreBreakdown {
  /** Does the code do what the prompt asks (for the offline teacher: syntax, definition asked for, relevance). */
  correctness: number;
  /** Readability, idiomatic style, no degenerate repetition. */
  quality: number;
  /** Algorithmic and practical efficiency (offline: concise, not bloated or deeply nested). */
  efficiency: number;
  /** Comments, docstrings, descriptive names. */
  documentation: number;
}

/** Tokens billed for one call. Zero for the offline teacher and for cache hits. */
export interface TeacherUsage {
  input_tokens: number;
  output_tokens: number;
}

/** What every teacher result carries besides its content: who answered, what it cost, whether it was cached. */
export interface TeacherResultMeta {
  /** Provider that graded. */
  teacher: TeacherProvider;
  /** Model that graded ('rfai-offline-v2' for the offline teacher). */
  model: string;
  /** Tokens of this call; zero when `cached`. */
  usage: TeacherUsage;
  /** True when the result came from the persistent cache (no request was made). */
  cached: boolean;
  /** Wall time of this call in milliseconds (cache hits: the lookup time). */
  latency_ms: number;
  /** Price of this call in US dollars from the `prices` table (0 when cached, offline, or the model has no price). */
  cost_usd: number;
}

/**
 * The metadata of a result; `usage` and `cost_usd` default to zero and `cached` to false (the offline teacher, a
 * closed gate, a cache hit with `cached: true`).
 */
export function resultMeta(
  teacher: TeacherProvider,
  model: string,
  call: { latency_ms: number; usage?: TeacherUsage; cost_usd?: number; cached?: boolean },
): TeacherResultMeta {
  const usage = call.usage ?? { input_tokens: 0, output_tokens: 0 };
  return { teacher, model, usage, cached: call.cached ?? false, latency_ms: call.latency_ms, cost_usd: call.cost_usd ?? 0 };
}

/** The teacher score object (docs/ARCHITECTURE.md, "Data formats"). */
export interface TeacherScore extends TeacherResultMeta {
  /** Overall score in [0, 1]: the weighted combination of the breakdown (see SCORE_WEIGHTS). */
  score: number;
  breakdown: ScoreBreakdown;
  /** A short explanation (at most a few sentences). */
  rationale: string;
  /**
   * How the score was verified (gates, hidden tests run, what decided it): always set by the offline teacher and by
   * hosted teachers with execution on; absent when nothing was executed or checked.
   */
  execution?: ExecutionReport;
}

/** Per-item outcome of `scoreBatch`/`scoreBulk`: a result or the error that prevented grading (never a default score). */
export type ScoreOutcome = { ok: true; result: TeacherScore } | { ok: false; error: TeacherError };

/** Request for a reference solution. */
export interface GenerateRequest {
  prompt: string;
  language: string;
}

/** A reference solution written by the teacher model. */
export interface GenerateResult extends TeacherResultMeta {
  /** The code (the first fenced block of the reply, or the whole reply when it has no fence). */
  code: string;
  /** The full reply text. */
  text: string;
}

/** Result of a pairwise comparison. */
export interface CompareResult extends TeacherResultMeta {
  /** Which completion is better: 'a', 'b', or 'tie'. */
  preferred: 'a' | 'b' | 'tie';
  /** Confidence in the preference, in [0.5, 1] for 'a'/'b' (0.5 = coin flip); for 'tie' the confidence that they are equal. */
  confidence: number;
  rationale: string;
}

/** Options of `compare`. */
export interface CompareOptions {
  /** Language of both completions; default 'python'. */
  language?: string;
  /** Optional reference solution. */
  reference?: string;
  /** Hidden tests of the task (executed by teachers with execution on). */
  tests?: string | readonly string[];
  /** The function or class name the prompt asks for. */
  entry_point?: string;
}

/** Options of `scoreBatch`. */
export interface ScoreBatchOptions {
  /** Called after each item settles with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** Options of `scoreBulk` (provider batch engines; see bulk.ts). */
export interface ScoreBulkOptions {
  /**
   * File where the submitted batch id is saved; when it exists and names an unfinished batch with the same items,
   * `scoreBulk` resumes polling it instead of submitting again. Default: no state file (no resume).
   */
  stateFile?: string;
  /** First wait between status polls, in ms; default 5000. Grows by `pollBackoff` up to `maxPollIntervalMs`. */
  pollIntervalMs?: number;
  /** Multiplier of the poll interval after each poll; default 1.5. */
  pollBackoff?: number;
  /** Longest wait between polls in ms; default 60000. */
  maxPollIntervalMs?: number;
  /** Give up (BatchError, batch left running and resumable) after this many ms; default 24 h. */
  maxWaitMs?: number;
  /** Called after each poll with the provider's status and counts. */
  onStatus?: (status: BulkStatus) => void;
}

/** A batch job's status as reported while polling. */
export interface BulkStatus {
  batchId: string;
  /** Provider status string, e.g. 'in_progress', 'validating', 'ended', 'completed'. */
  status: string;
  /** Requests finished (succeeded or failed) so far, when the provider says. */
  completed?: number;
  /** Requests failed so far, when the provider says. */
  failed?: number;
  total: number;
}

/** Cumulative usage and cost of a teacher since it was created. */
export interface UsageReport {
  /** Requests sent to the provider (retries included). */
  requests: number;
  /** Results served from the cache. */
  cacheHits: number;
  /** Gradings that failed (after retries). */
  failures: number;
  input_tokens: number;
  output_tokens: number;
  /** Total cost in US dollars (0 when the model has no price). */
  cost_usd: number;
  /** Per-model split of tokens and cost. */
  byModel: Record<string, { requests: number; input_tokens: number; output_tokens: number; cost_usd: number }>;
}

/** A grader of code. Create one with `createTeacher(options)`; call `close()` when done. */
export interface Teacher {
  /** The provider behind this teacher. */
  readonly provider: TeacherProvider;
  /** The model name used in requests (and in the cache key). */
  readonly model: string;
  /** Grades one sample. Rejects with a TeacherError when it cannot be graded; never resolves with an invented score. */
  score(request: ScoreRequest): Promise<TeacherScore>;
  /** Grades many samples with bounded concurrency; one outcome per item, in input order. Rejects only when the circuit opens. */
  scoreBatch(items: ScoreRequest[], options?: ScoreBatchOptions): Promise<ScoreOutcome[]>;
  /** Asks the teacher for a reference solution. The offline teacher cannot write code and throws UnsupportedError. */
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /** Pairwise preference between two completions of the same prompt. */
  compare(prompt: string, a: string, b: string, options?: CompareOptions): Promise<CompareResult>;
  /** Grades many samples through the provider's batch engine (half price, minutes to hours of latency). */
  scoreBulk(items: ScoreRequest[], options?: ScoreBulkOptions): Promise<ScoreOutcome[]>;
  /** Cumulative usage and cost. */
  usage(): UsageReport;
  /** Flushes the cache and releases resources. The teacher must not be used afterwards. */
  close(): Promise<void>;
}

/**
 * Weights of the overall score: score = Σ weight · breakdown field. Used by every provider, so the overall score
 * is computed the same way whoever fills the breakdown (LLM teachers are not asked for an overall number).
 */
export const SCORE_WEIGHTS: Readonly<ScoreBreakdown> = Object.freeze({
  correctness: 0.5,
  quality: 0.2,
  efficiency: 0.1,
  documentation: 0.2,
});

/** Overall score from a breakdown with SCORE_WEIGHTS; every field must already be in [0, 1]. */
export function combineBreakdown(b: ScoreBreakdown): number {
  const s =
    SCORE_WEIGHTS.correctness * b.correctness +
    SCORE_WEIGHTS.quality * b.quality +
    SCORE_WEIGHTS.efficiency * b.efficiency +
    SCORE_WEIGHTS.documentation * b.documentation;
  return Math.min(1, Math.max(0, s)); // guards only against float rounding past the ends
}

const unit = (description: string) => ({ type: 'number', description });

/**
 * JSON Schema of the grade an LLM teacher must return (sent as the structured-output schema; strict-mode friendly:
 * every property required, no additional properties). The [0, 1] range is stated in the descriptions and enforced
 * by ajv on our side (`GRADE_VALIDATION_SCHEMA`), because not every server supports `minimum`/`maximum` in strict mode.
 */
export const GRADE_SCHEMA = {
  type: 'object',
  properties: {
    rationale: { type: 'string', description: 'Two to four sentences justifying the grades.' },
    breakdown: {
      type: 'object',
      properties: {
        correctness: unit('0 to 1: does the code do what the task asks, for all inputs?'),
        quality: unit('0 to 1: readability, idiomatic style, structure.'),
        efficiency: unit('0 to 1: time and memory efficiency of the approach.'),
        documentation: unit('0 to 1: comments, docstrings, descriptive names.'),
      },
      required: ['correctness', 'quality', 'efficiency', 'documentation'],
      additionalProperties: false,
    },
  },
  required: ['rationale', 'breakdown'],
  additionalProperties: false,
} as const;

/** GRADE_SCHEMA with the [0, 1] bounds, used by ajv to validate every reply. */
export const GRADE_VALIDATION_SCHEMA = {
  ...GRADE_SCHEMA,
  properties: {
    rationale: { type: 'string' },
    breakdown: {
      ...GRADE_SCHEMA.properties.breakdown,
      properties: {
        correctness: { type: 'number', minimum: 0, maximum: 1 },
        quality: { type: 'number', minimum: 0, maximum: 1 },
        efficiency: { type: 'number', minimum: 0, maximum: 1 },
        documentation: { type: 'number', minimum: 0, maximum: 1 },
      },
    },
  },
} as const;

/** JSON Schema of a pairwise preference reply. */
export const COMPARE_SCHEMA = {
  type: 'object',
  properties: {
    rationale: { type: 'string', description: 'Two to four sentences comparing the two solutions.' },
    preferred: { type: 'string', enum: ['a', 'b', 'tie'], description: 'Which solution is better.' },
    confidence: { type: 'number', description: '0.5 to 1: how sure you are of the preference.' },
  },
  required: ['rationale', 'preferred', 'confidence'],
  additionalProperties: false,
} as const;

/** COMPARE_SCHEMA with bounds, for ajv. */
export const COMPARE_VALIDATION_SCHEMA = {
  ...COMPARE_SCHEMA,
  properties: {
    rationale: { type: 'string' },
    preferred: { type: 'string', enum: ['a', 'b', 'tie'] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
  },
} as const;
