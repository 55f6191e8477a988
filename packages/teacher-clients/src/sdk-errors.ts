// Maps errors thrown by the openai and @anthropic-ai/sdk clients to this package's errors, with secrets removed.
import { AuthenticationError, ProviderError, RateLimitError, TeacherError, TimeoutError } from './errors';

/** What a mapped error message may mention. */
export interface ErrorContext {
  provider: string;
  model: string;
  /** Variable that holds the key (named in authentication errors). */
  apiKeyEnv?: string;
  /** The API key, only to redact it from server messages; never printed. */
  apiKey?: string;
  baseURL: string;
  timeoutMs: number;
}

/** Replaces every occurrence of `secret` in `text` with [redacted]. */
export function redact(text: string, secret: string | undefined): string {
  if (secret === undefined || secret.length < 4) return text;
  return text.split(secret).join('[redacted]');
}

/** Parses Retry-After / retry-after-ms headers into seconds (fractional allowed; HTTP dates relative to now). */
export function retryAfterSeconds(headers: unknown): number | undefined {
  const get = (name: string): string | null | undefined => {
    if (headers === null || headers === undefined) return undefined;
    if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
    const v = (headers as Record<string, unknown>)[name];
    return typeof v === 'string' ? v : undefined;
  };
  const ms = get('retry-after-ms');
  if (ms) {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n / 1000;
  }
  const ra = get('retry-after');
  if (ra) {
    const n = Number(ra);
    if (Number.isFinite(n) && n >= 0) return n;
    const date = Date.parse(ra);
    if (!Number.isNaN(date)) return Math.max(0, (date - Date.now()) / 1000);
  }
  return undefined;
}

/** The error of a request that ran past `timeoutMs`. */
export function timeoutError(ctx: ErrorContext): TimeoutError {
  return new TimeoutError(
    `${ctx.provider} request to ${ctx.baseURL} timed out after ${ctx.timeoutMs} ms (model '${ctx.model}'); raise teacher.timeout_ms or check the server load`,
    { provider: ctx.provider, model: ctx.model, timeoutMs: ctx.timeoutMs },
  );
}

/** Converts anything an SDK call threw into a TeacherError whose message holds no secret. */
export function mapSdkError(e: unknown, ctx: ErrorContext): TeacherError {
  if (e instanceof TeacherError) return e;
  const err = e as { name?: string; status?: number; headers?: unknown; message?: string; constructor?: { name?: string } };
  const name = err?.constructor?.name ?? err?.name ?? '';
  const raw = redact(String(err?.message ?? e), ctx.apiKey).slice(0, 500);
  const base = { provider: ctx.provider, model: ctx.model };
  if (name === 'APIConnectionTimeoutError') return timeoutError(ctx);
  const status = typeof err?.status === 'number' ? err.status : undefined;
  if (status === 401 || status === 403) {
    const fix =
      ctx.apiKeyEnv !== undefined
        ? `set ${ctx.apiKeyEnv} to a valid key${status === 403 ? ' with access to this model' : ''}`
        : 'the server requires an API key: set teacher.api_key_env to the name of the environment variable that holds it';
    return new AuthenticationError(
      `${ctx.provider} rejected the API key${ctx.apiKeyEnv ? ` from ${ctx.apiKeyEnv}` : ''} (HTTP ${status}) at ${ctx.baseURL}: ${fix}. Server said: ${raw}`,
      { ...base, apiKeyEnv: ctx.apiKeyEnv ?? '(none)', status },
    );
  }
  if (status === 429) {
    const after = retryAfterSeconds(err.headers);
    return new RateLimitError(
      `${ctx.provider} rate limit (HTTP 429) for model '${ctx.model}'${after !== undefined ? `, retry after ${after} s` : ''}; lower teacher.concurrency or set requests_per_minute / tokens_per_minute. Server said: ${raw}`,
      { ...base, retryAfterSeconds: after },
    );
  }
  if (status !== undefined) {
    const retryable = status === 408 || status === 409 || status >= 500;
    return new ProviderError(`${ctx.provider} HTTP ${status} for model '${ctx.model}' at ${ctx.baseURL}: ${raw}`, {
      ...base,
      status,
      retryable,
      retryAfterSeconds: retryAfterSeconds(err.headers),
    });
  }
  if (isMalformedBody(e, name)) {
    // The server answered (2xx: an error status would have an HTTP status above), but its body does not parse:
    // a wrong base_url serving something else, a proxy that cut the reply short, a server bug. Retried like a
    // connection failure, since a cut-off reply can be transient.
    return new ProviderError(
      `${ctx.provider} at ${ctx.baseURL} returned a reply that is not JSON (model '${ctx.model}'): ${raw}. ` +
        `Check that teacher.base_url is the API root the provider serves (for a local server, its /v1 URL) and look at the server's log.`,
      { ...base, retryable: true },
    );
  }
  return new ProviderError(`cannot reach ${ctx.provider} at ${ctx.baseURL} (model '${ctx.model}'): ${raw}`, { ...base, retryable: true });
}

/**
 * Whether an SDK error says the reply body could not be parsed. Both SDKs call `response.json()` on a JSON
 * content type and let its SyntaxError through, without a status (checked by name: jest and bundlers may give
 * the error another realm's SyntaxError class).
 */
function isMalformedBody(e: unknown, name: string): boolean {
  return e instanceof SyntaxError || name === 'SyntaxError' || (e as { name?: unknown })?.name === 'SyntaxError';
}
