// Token buckets for requests per minute and tokens per minute.
import { sleep } from './retry';

/**
 * A bucket that refills continuously at `perMinute` units per minute up to `perMinute` units (one minute of burst).
 * `take(n)` waits until `n` units are available (a request bigger than the bucket waits for a full bucket).
 */
export class TokenBucket {
  private available: number;
  private last: number;

  /** @param perMinute refill rate and capacity; @param now clock in ms (injectable for tests). */
  constructor(
    readonly perMinute: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.available = perMinute;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.available = Math.min(this.perMinute, this.available + ((t - this.last) * this.perMinute) / 60_000);
    this.last = t;
  }

  /** Milliseconds until `n` units are available (0 when they are now). */
  waitMs(n: number): number {
    this.refill();
    const need = Math.min(n, this.perMinute) - this.available;
    return need <= 0 ? 0 : Math.ceil((need * 60_000) / this.perMinute);
  }

  /** Removes `n` units (may go negative: later takers wait longer). */
  consume(n: number): void {
    this.refill();
    this.available -= n;
  }

  /** Returns `n` units (a negative `n` takes more), e.g. when the real token count differed from the estimate. */
  adjust(n: number): void {
    this.refill();
    this.available = Math.min(this.perMinute, this.available + n);
  }
}

/** Requests-per-minute and tokens-per-minute limits together; FIFO so no caller starves. */
export class RateLimiter {
  private readonly requests?: TokenBucket;
  private readonly tokens?: TokenBucket;
  private queue: Promise<void> = Promise.resolve();

  /** Either limit may be undefined (unlimited). */
  constructor(opts: { requestsPerMinute?: number; tokensPerMinute?: number; now?: () => number }) {
    if (opts.requestsPerMinute !== undefined) this.requests = new TokenBucket(opts.requestsPerMinute, opts.now);
    if (opts.tokensPerMinute !== undefined) this.tokens = new TokenBucket(opts.tokensPerMinute, opts.now);
  }

  /** Whether any limit is configured. */
  get active(): boolean {
    return this.requests !== undefined || this.tokens !== undefined;
  }

  /** Waits for one request slot and `tokens` tokens (estimated), then takes them. */
  acquire(tokens: number): Promise<void> {
    if (!this.active) return Promise.resolve();
    const turn = this.queue.then(async () => {
      for (;;) {
        const wait = Math.max(this.requests?.waitMs(1) ?? 0, this.tokens?.waitMs(tokens) ?? 0);
        if (wait <= 0) break;
        await sleep(wait);
      }
      this.requests?.consume(1);
      this.tokens?.consume(tokens);
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Corrects the token bucket once the real usage is known: `actual - estimated` more tokens are taken. */
  settle(estimated: number, actual: number): void {
    this.tokens?.adjust(estimated - actual);
  }
}

/** Rough token count of a text: one token per 4 characters (used only to pace requests before usage is known). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
