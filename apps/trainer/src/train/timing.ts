/** The phases a step's wall time is split into (issue 10's benchmark). */
export type Phase = 'generation' | 'grading' | 'update' | 'logging' | 'eval' | 'checkpoint' | 'sft';

export const PHASES: readonly Phase[] = ['generation', 'grading', 'update', 'logging', 'eval', 'checkpoint', 'sft'];

/** Accumulates wall time (ms) per phase. */
export class PhaseTimer {
  private readonly totals = new Map<Phase, number>(PHASES.map((p) => [p, 0]));

  /** Runs `fn`, adding its wall time to `phase`. */
  async time<T>(phase: Phase, fn: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.add(phase, performance.now() - t0);
    }
  }

  add(phase: Phase, ms: number): void {
    this.totals.set(phase, (this.totals.get(phase) ?? 0) + ms);
  }

  /** Milliseconds per phase. */
  snapshot(): Record<Phase, number> {
    return Object.fromEntries(PHASES.map((p) => [p, this.totals.get(p) ?? 0])) as Record<Phase, number>;
  }

  /** Restores totals saved in a checkpoint (resumed runs keep counting). */
  restore(totals: Partial<Record<Phase, number>>): void {
    for (const p of PHASES) if (typeof totals[p] === 'number') this.totals.set(p, totals[p]!);
  }
}

/** Formats a duration in seconds as 1h02m03s / 4m05s / 6.1s. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s` : `${m}m${String(s).padStart(2, '0')}s`;
}
