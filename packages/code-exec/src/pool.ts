// A bounded pool: at most `concurrency` jobs at once, FIFO, each given a slot number in [0, concurrency).
// The slot lets the sandbox give each concurrent run its own uid when running as root.
import { ExecOptionsError, ExecutorClosedError } from './errors';

interface Waiter {
  resolve: (slot: number) => void;
  reject: (e: Error) => void;
}

export class Pool {
  readonly concurrency: number;
  private readonly free: number[] = [];
  private readonly waiting: Waiter[] = [];
  private running = 0;
  private peak = 0;
  private closed = false;
  private readonly idle: Array<() => void> = [];

  constructor(concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new ExecOptionsError('concurrency', `concurrency must be an integer >= 1, got ${String(concurrency)}`);
    }
    this.concurrency = concurrency;
    for (let i = concurrency - 1; i >= 0; i--) this.free.push(i);
  }

  /** Runs `fn` when a slot is free; the slot is released when its promise settles. */
  async run<T>(fn: (slot: number) => Promise<T>): Promise<T> {
    const slot = await this.acquire();
    try {
      return await fn(slot);
    } finally {
      this.release(slot);
    }
  }

  get active(): number {
    return this.running;
  }
  get peakActive(): number {
    return this.peak;
  }
  get queued(): number {
    return this.waiting.length;
  }

  /** Rejects queued jobs with ExecutorClosedError; resolves when running jobs have finished. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new ExecutorClosedError('the executor was closed before this job started'));
    if (this.running === 0) return;
    await new Promise<void>((r) => this.idle.push(r));
  }

  private acquire(): Promise<number> {
    if (this.closed) return Promise.reject(new ExecutorClosedError('the executor is closed; create a new one with createExecutor()'));
    const slot = this.free.pop();
    if (slot !== undefined) {
      this.take();
      return Promise.resolve(slot);
    }
    return new Promise<number>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private take(): void {
    this.running++;
    if (this.running > this.peak) this.peak = this.running;
  }

  private release(slot: number): void {
    this.running--;
    const next = this.waiting.shift();
    if (next) {
      this.take();
      next.resolve(slot);
      return;
    }
    this.free.push(slot);
    if (this.running === 0) for (const r of this.idle.splice(0)) r();
  }
}
