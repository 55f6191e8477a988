import { AuthenticationError, BadResponseError, ProviderError, RateLimitError, TimeoutError } from './errors';
import { retryDelayMs, shouldRetry, withRetries, MAX_RETRY_AFTER_MS } from './retry';
import { RateLimiter, TokenBucket, estimateTokens } from './rate-limit';
import { Circuit } from './circuit';

describe('shouldRetry', () => {
  test.each([
    [new RateLimitError('r'), true],
    [new TimeoutError('t', { timeoutMs: 1 }), true],
    [new ProviderError('conn', {}), true],
    [new ProviderError('408', { status: 408 }), true],
    [new ProviderError('409', { status: 409 }), true],
    [new ProviderError('500', { status: 500 }), true],
    [new ProviderError('529', { status: 529 }), true],
    [new ProviderError('400', { status: 400 }), false],
    [new ProviderError('404', { status: 404 }), false],
    [new ProviderError('422', { status: 422 }), false],
    [new AuthenticationError('a', { apiKeyEnv: 'K', status: 401 }), false],
    [new BadResponseError('b', { responseExcerpt: '', problems: [] }), false],
  ])('%s -> %s', (err, expected) => expect(shouldRetry(err)).toBe(expected));
});

describe('retryDelayMs', () => {
  const policy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  test('exponential with ±25% jitter, capped', () => {
    const e = new ProviderError('x', { status: 500 });
    expect(retryDelayMs(0, e, policy, () => 0.5)).toBe(100);
    expect(retryDelayMs(2, e, policy, () => 0)).toBe(300); // 400 · 0.75
    expect(retryDelayMs(2, e, policy, () => 1)).toBe(500); // 400 · 1.25
    expect(retryDelayMs(10, e, policy, () => 0.5)).toBe(1000);
  });
  test('Retry-After wins (429 and 5xx), capped at MAX_RETRY_AFTER_MS', () => {
    expect(retryDelayMs(0, new RateLimitError('x', { retryAfterSeconds: 3 }), policy)).toBe(3000);
    expect(retryDelayMs(0, new ProviderError('x', { status: 503, retryAfterSeconds: 0.5 }), policy)).toBe(500);
    expect(retryDelayMs(0, new RateLimitError('x', { retryAfterSeconds: 1e6 }), policy)).toBe(MAX_RETRY_AFTER_MS);
  });
});

test('withRetries: stops on success, on a non-retryable error, or after maxRetries', async () => {
  let n = 0;
  const seen: number[] = [];
  const v = await withRetries(
    async () => {
      if (++n < 3) throw new ProviderError('x', { status: 502 });
      return 'ok';
    },
    { maxRetries: 5, baseDelayMs: 1, maxDelayMs: 1 },
    (_e, retry) => seen.push(retry),
  );
  expect(v).toBe('ok');
  expect(seen).toEqual([1, 2]);
  n = 0;
  await expect(withRetries(async () => { n++; throw new ProviderError('bad', { status: 400 }); }, { maxRetries: 5, baseDelayMs: 1, maxDelayMs: 1 })).rejects.toThrow('bad');
  expect(n).toBe(1);
  n = 0;
  await expect(withRetries(async () => { n++; throw new ProviderError('down', { status: 500 }); }, { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 })).rejects.toThrow('down');
  expect(n).toBe(3);
});

describe('token bucket', () => {
  test('refills at perMinute per 60 s, capacity one minute', () => {
    let now = 0;
    const b = new TokenBucket(60, () => now); // one unit per second
    expect(b.waitMs(60)).toBe(0);
    b.consume(60);
    expect(b.waitMs(1)).toBe(1000);
    now = 500;
    expect(b.waitMs(1)).toBe(500);
    now = 10_000;
    expect(b.waitMs(10)).toBe(0);
    expect(b.waitMs(11)).toBe(1000);
    expect(b.waitMs(500)).toBe(50_000); // bigger than the bucket: waits for a full bucket
    b.adjust(-10); // 10 more tokens used than estimated
    expect(b.waitMs(1)).toBe(1000);
  });

  test('RateLimiter paces requests FIFO (real clock, small numbers)', async () => {
    const lim = new RateLimiter({ requestsPerMinute: 1200 }); // 20 per second, burst 1200
    const t0 = performance.now();
    await Promise.all([1, 2, 3].map(() => lim.acquire(0)));
    expect(performance.now() - t0).toBeLessThan(200);
    const tight = new RateLimiter({ tokensPerMinute: 6000 }); // 100 tokens per second
    await tight.acquire(6000);
    const t1 = performance.now();
    await tight.acquire(20); // needs 200 ms of refill
    expect(performance.now() - t1).toBeGreaterThanOrEqual(180);
    expect(estimateTokens('x'.repeat(401))).toBe(101);
  });
});

describe('circuit', () => {
  test('opens after N consecutive failures; a success resets the count', () => {
    const c = new Circuit(3, { provider: 'openai', model: 'm' });
    const e = new ProviderError('HTTP 500', { status: 500 });
    c.failure(e);
    c.failure(e);
    c.success();
    c.failure(e);
    c.failure(e);
    expect(c.isOpen).toBe(false);
    c.failure(e);
    expect(c.isOpen).toBe(true);
    expect(() => c.check()).toThrow(
      "openai teacher stopped after 3 consecutive failures (model 'm'); last error: HTTP 500. Check the provider's status, the model name, the network and the rate limits, then resume (raise teacher.max_consecutive_failures to tolerate more).",
    );
  });
  test('an authentication failure opens it at once with that error', () => {
    const c = new Circuit(10, { provider: 'anthropic', model: 'm' });
    const auth = new AuthenticationError('set ANTHROPIC_API_KEY', { apiKeyEnv: 'ANTHROPIC_API_KEY', status: 401 });
    c.failure(auth);
    expect(() => c.check()).toThrow(auth);
  });
});
