/**
 * Export of the samples a training run collected (prompt, completion, score)
 * to JSONL for supervised fine-tuning or preference training (TRL's
 * prompt/completion and prompt/chosen/rejected formats).
 */
import { DatasetError } from './errors';
import { writeJsonl } from './jsonl-writer';

/** One graded sample collected during training. */
export interface CollectedSample {
  /** The prompt the student answered. */
  prompt: string;
  /** The prompt's language. */
  language: string;
  /** The student's completion. */
  completion: string;
  /** Teacher score in [0, 1]; `null`/`undefined`/NaN when the teacher failed to grade it (such samples are never exported). */
  score: number | null | undefined;
  /** Teacher score breakdown (correctness, quality, efficiency, documentation). */
  breakdown?: Record<string, number>;
  /** Samples of the same prompt in one step share a group; default: grouped by prompt and language. */
  group?: string | number;
  /** Training step the sample came from. */
  step?: number;
  /** Dataset id of the prompt. */
  id?: string;
}

/** Options of {@link toSftRecords}, {@link toPreferencePairs} and {@link exportCollectedSamples}. */
export interface ExportOptions {
  /** `'sft'`: one line per kept sample; `'preference'`: one chosen/rejected pair per group. */
  format: 'sft' | 'preference';
  /** SFT: keep samples scoring at least this. Default 0 (all graded samples). */
  minScore?: number;
  /** SFT: keep only the best sample of each group. Default false. */
  bestPerGroup?: boolean;
  /** Preference: keep pairs whose score difference is at least this (and always > 0). Default 0. */
  minMargin?: number;
  /** Write conversational rows (`messages`, or `prompt`/`chosen`/`rejected` as message lists) instead of plain text. Default false. */
  conversational?: boolean;
}

/** Counts of an export. */
export interface ExportStats {
  /** Rows produced. */
  written: number;
  /** Samples read. */
  samples: number;
  /** Samples without a usable score (teacher failure), dropped. */
  ungraded: number;
  /** SFT: samples under `minScore` (or not the best of their group). */
  belowThreshold: number;
  /** Groups seen. */
  groups: number;
  /** Preference: groups without a pair (fewer than two graded samples, or margin too small). */
  groupsWithoutPair: number;
}

function graded(s: CollectedSample): s is CollectedSample & { score: number } {
  return typeof s.score === 'number' && Number.isFinite(s.score);
}

function groupKey(s: CollectedSample): string {
  return s.group !== undefined ? `g:${String(s.group)}` : `p:${s.language}\u0000${s.prompt}`;
}

function checkSample(s: CollectedSample, index: number): void {
  if (!s || typeof s.prompt !== 'string' || typeof s.completion !== 'string' || typeof s.language !== 'string') {
    throw new DatasetError(
      `collected sample ${index + 1} must have string "prompt", "language" and "completion", found ${JSON.stringify(s)?.slice(0, 120)}`,
    );
  }
}

function checkOptions(opts: ExportOptions): void {
  if (opts.format !== 'sft' && opts.format !== 'preference') {
    throw new DatasetError(`export format must be 'sft' or 'preference', got ${JSON.stringify(opts.format)}`);
  }
  for (const key of ['minScore', 'minMargin'] as const) {
    const v = opts[key];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0 && v <= 1)) {
      throw new DatasetError(`${key} must be a number in [0, 1], got ${v}`);
    }
  }
}

function emptyStats(): ExportStats {
  return { written: 0, samples: 0, ungraded: 0, belowThreshold: 0, groups: 0, groupsWithoutPair: 0 };
}

function groupSamples(samples: readonly CollectedSample[], stats: ExportStats): Map<string, (CollectedSample & { score: number })[]> {
  const groups = new Map<string, (CollectedSample & { score: number })[]>();
  samples.forEach((s, i) => {
    checkSample(s, i);
    stats.samples++;
    const key = groupKey(s);
    if (!groups.has(key)) groups.set(key, []);
    if (!graded(s)) {
      stats.ungraded++;
      return;
    }
    groups.get(key)!.push(s);
  });
  stats.groups = groups.size;
  return groups;
}

/**
 * SFT rows: `{prompt, completion, language, score, breakdown?, id?, step?}`,
 * or `{messages: [user, assistant], ...}` when `conversational`. Ungraded
 * samples are dropped and counted.
 */
export function toSftRecords(samples: readonly CollectedSample[], opts: Omit<ExportOptions, 'format'> = {}): { rows: Record<string, unknown>[]; stats: ExportStats } {
  checkOptions({ ...opts, format: 'sft' });
  const stats = emptyStats();
  const minScore = opts.minScore ?? 0;
  const rows: Record<string, unknown>[] = [];
  for (const group of groupSamples(samples, stats).values()) {
    let kept = group.filter((s) => s.score >= minScore);
    if (opts.bestPerGroup && kept.length > 0) {
      const best = kept.reduce((a, b) => (b.score > a.score ? b : a));
      kept = [best];
    }
    stats.belowThreshold += group.length - kept.length;
    for (const s of kept) {
      const row: Record<string, unknown> = opts.conversational
        ? { messages: [{ role: 'user', content: s.prompt }, { role: 'assistant', content: s.completion }] }
        : { prompt: s.prompt, completion: s.completion };
      row.language = s.language;
      row.score = s.score;
      if (s.breakdown) row.breakdown = s.breakdown;
      if (s.id !== undefined) row.id = s.id;
      if (s.step !== undefined) row.step = s.step;
      rows.push(row);
    }
  }
  stats.written = rows.length;
  return { rows, stats };
}

/**
 * Preference pairs, one per group: the best-scoring sample is `chosen`, the
 * worst `rejected` (the first one on ties); a group needs two graded samples
 * whose scores differ by more than 0 and at least `minMargin`. Rows are
 * `{prompt, chosen, rejected, language, score_chosen, score_rejected}`
 * (messages lists when `conversational`).
 */
export function toPreferencePairs(samples: readonly CollectedSample[], opts: Omit<ExportOptions, 'format'> = {}): { rows: Record<string, unknown>[]; stats: ExportStats } {
  checkOptions({ ...opts, format: 'preference' });
  const stats = emptyStats();
  const minMargin = opts.minMargin ?? 0;
  const rows: Record<string, unknown>[] = [];
  for (const group of groupSamples(samples, stats).values()) {
    if (group.length < 2) {
      stats.groupsWithoutPair++;
      continue;
    }
    let best = group[0];
    let worst = group[0];
    for (const s of group) {
      if (s.score > best.score) best = s;
      if (s.score < worst.score) worst = s;
    }
    const margin = best.score - worst.score;
    if (margin <= 0 || margin < minMargin) {
      stats.groupsWithoutPair++;
      continue;
    }
    const row: Record<string, unknown> = opts.conversational
      ? {
          prompt: [{ role: 'user', content: best.prompt }],
          chosen: [{ role: 'assistant', content: best.completion }],
          rejected: [{ role: 'assistant', content: worst.completion }],
        }
      : { prompt: best.prompt, chosen: best.completion, rejected: worst.completion };
    row.language = best.language;
    row.score_chosen = best.score;
    row.score_rejected = worst.score;
    if (best.id !== undefined) row.id = best.id;
    rows.push(row);
  }
  stats.written = rows.length;
  return { rows, stats };
}

/**
 * Writes collected samples to a JSONL file for SFT or preference training and
 * returns the counts. Samples the teacher did not grade are never exported.
 * @throws DatasetError on bad options, a malformed sample, or a write failure.
 */
export async function exportCollectedSamples(
  samples: readonly CollectedSample[],
  file: string,
  opts: ExportOptions,
): Promise<ExportStats> {
  checkOptions(opts);
  const { rows, stats } = opts.format === 'sft' ? toSftRecords(samples, opts) : toPreferencePairs(samples, opts);
  await writeJsonl(file, rows);
  return stats;
}
