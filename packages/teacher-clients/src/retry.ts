// Retries with exponential backoff and jitter, honouring Retry-After. One readable rule decides what is retried.
import { ProviderError, RateLimitError, TeacherError, TimeoutError } from './errors';

/**
 * Whether a failed request may succeed if sent again: rate limits (429), timeouts, connection failures (no status),
 * 408 (request timeout), 409 (conflict/lock) and 5xx server errors. Never: authentication (401/403), bad requests
 * (400, 404, 422) or invalid grades (retried separately, once, with a repair note).
 */
export function shouldRetry(err: TeacherError): boolean {
  if (err instanceof RateLimitError || err instanceof TimeoutError) return true;
  if (err instanceof ProviderError) {
    const s = err.status;
    return s === undefined || s === 408 || s === 409 || s === 429 || s >= 500;
  }
  return false;
}

/** Longest Retry-After honoured, in ms; a server asking for longer gets this (and the retry count still bounds the wait). */
export const MAX_RETRY_AFTER_MS = 120_000;

/** Backoff settings (milliseconds). */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Delay before the first retry; doubles per retry. */
  baseDelayMs: number;
  /** Cap of the exponential delay (Retry-After may exceed it, up to MAX_RETRY_AFTER_MS). */
  maxDelayMs: number;
}

/**
 * Delay before retry number `retry` (0-based): the server's Retry-After when given, else
 * min(maxDelayMs, baseDelayMs · 2^retry) with ±25% jitter.
 */
export function retryDelayMs(retry: number, err: TeacherError, policy: RetryPolicy, random: () => number = Math.random): number {
  if (err instanceof RateLimitError && err.retryAfterSeconds !== undefined) {
    return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, err.retryAfterSeconds * 1000));
  }
  const retryAfter = (err as { retryAfterSeconds?: number }).retryAfterSeconds;
  if (typeof retryAfter === 'number') return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, retryAfter * 1000));
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return exp * (0.75 + 0.5 * random());
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or `maxRetries` retries are spent; the last
 * error is thrown. `onRetry` is called before each wait (for logging).
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (err: TeacherError, retry: number, delayMs: number) => void,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt(retry);
    } catch (e) {
      const err = e instanceof TeacherError ? e : new TeacherError(String((e as Error)?.message ?? e), { cause: e });
      if (retry >= policy.maxRetries || !shouldRetry(err)) throw err;
      const delay = retryDelayMs(retry, err, policy);
      onRetry?.(err, retry + 1, delay);
      await sleep(delay);
    }
  }
}
