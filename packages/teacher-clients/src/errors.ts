// Errors of @rfai/teacher-clients. One base class; subclasses carry what a caller needs to act.
// Messages never contain an API key: they name the environment variable instead.

/** Base class of every error this package throws or returns in a failed batch item. */
export class TeacherError extends Error {
  /** Provider that failed ('offline', 'openai', 'anthropic', 'openai-compatible'), when known. */
  readonly provider?: string;
  /** Model name used for the request, when known. */
  readonly model?: string;
  /** Whether retrying the same request later may succeed. */
  readonly retryable: boolean;

  constructor(message: string, opts: { provider?: string; model?: string; retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = new.target.name;
    this.provider = opts.provider;
    this.model = opts.model;
    this.retryable = opts.retryable ?? false;
  }
}

/** The provider answered 429 (or the local token bucket could not admit a request in time). */
export class RateLimitError extends TeacherError {
  /** Seconds the server asked to wait (Retry-After), when it said. */
  readonly retryAfterSeconds?: number;
  constructor(message: string, opts: { provider?: string; model?: string; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, { ...opts, retryable: true });
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

/** A request took longer than `timeoutMs`. */
export class TimeoutError extends TeacherError {
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;
  constructor(message: string, opts: { provider?: string; model?: string; timeoutMs: number; cause?: unknown }) {
    super(message, { ...opts, retryable: true });
    this.timeoutMs = opts.timeoutMs;
  }
}

/**
 * The teacher answered, but not with a valid grade: prose instead of JSON, a missing field or a number
 * outside [0, 1]. Never replaced by a default score.
 */
export class BadResponseError extends TeacherError {
  /** The start of the offending reply (at most 500 characters), for logs. */
  readonly responseExcerpt: string;
  /** What was wrong, e.g. ajv's messages. */
  readonly problems: string[];
  constructor(message: string, opts: { provider?: string; model?: string; responseExcerpt: string; problems: string[]; cause?: unknown }) {
    super(message, { ...opts, retryable: false });
    this.responseExcerpt = opts.responseExcerpt;
    this.problems = opts.problems;
  }
}

/** Missing or rejected credentials (HTTP 401/403). Names the environment variable to set, never its value. */
export class AuthenticationError extends TeacherError {
  /** The environment variable that holds (or should hold) the API key. */
  readonly apiKeyEnv: string;
  /** HTTP status when the server rejected the key; undefined when the variable is unset. */
  readonly status?: number;
  constructor(message: string, opts: { provider?: string; model?: string; apiKeyEnv: string; status?: number; cause?: unknown }) {
    super(message, { ...opts, retryable: false });
    this.apiKeyEnv = opts.apiKeyEnv;
    this.status = opts.status;
  }
}

/** Any other HTTP error from the provider (4xx/5xx) or a connection failure after all retries. */
export class ProviderError extends TeacherError {
  /** HTTP status, when there was a response. */
  readonly status?: number;
  /** Seconds the server asked to wait (Retry-After on a 503, say), when it said. */
  readonly retryAfterSeconds?: number;
  constructor(
    message: string,
    opts: { provider?: string; model?: string; status?: number; retryable?: boolean; retryAfterSeconds?: number; cause?: unknown },
  ) {
    super(message, opts);
    this.status = opts.status;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

/** The circuit breaker is open: too many consecutive failures; the run should stop. */
export class CircuitOpenError extends TeacherError {
  /** Consecutive failures that opened the circuit. */
  readonly consecutiveFailures: number;
  /** The failure that opened it. */
  readonly lastError?: Error;
  constructor(message: string, opts: { provider?: string; model?: string; consecutiveFailures: number; lastError?: Error }) {
    super(message, { ...opts, retryable: false, cause: opts.lastError });
    this.consecutiveFailures = opts.consecutiveFailures;
    this.lastError = opts.lastError;
  }
}

/** The operation is not available with this teacher or these options (e.g. `generate` on the offline teacher). */
export class UnsupportedError extends TeacherError {}

/** Invalid options passed to `createTeacher` or a method (names the option, the value found and what is allowed). */
export class TeacherOptionsError extends TeacherError {
  /** The option at fault, e.g. 'concurrency'. */
  readonly option: string;
  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }
}

/** A batch job (OpenAI Batch API, Anthropic Message Batches) failed, expired or was cancelled as a whole. */
export class BatchError extends TeacherError {
  /** The provider's batch id, to inspect or resume. */
  readonly batchId?: string;
  constructor(message: string, opts: { provider?: string; model?: string; batchId?: string; cause?: unknown } = {}) {
    super(message, { ...opts, retryable: false });
    this.batchId = opts.batchId;
  }
}
