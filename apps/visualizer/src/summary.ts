// Per-run summary: steps, wall time and first/last/best of the headline metrics.
import type { RunData, ScalarPoint } from './run-data';

/** A headline metric of the summary: which tag, and whether higher or lower is better. */
export interface MetricSpec {
  /** Key in the JSON output, e.g. `reward`. */
  key: string;
  /** Human label, e.g. `reward`. */
  label: string;
  /** TensorBoard tag read, e.g. `train/reward_mean`. */
  tag: string;
  /** Which extreme counts as best. */
  better: 'max' | 'min';
}

/** The metrics issue 11 asks for, in display order. */
export const SUMMARY_METRICS: readonly MetricSpec[] = [
  { key: 'reward', label: 'reward', tag: 'train/reward_mean', better: 'max' },
  { key: 'kl', label: 'KL', tag: 'train/kl', better: 'min' },
  { key: 'loss', label: 'loss', tag: 'train/loss', better: 'min' },
  { key: 'eval_score', label: 'eval score', tag: 'eval/score_mean', better: 'max' },
  { key: 'pass_rate', label: 'pass rate', tag: 'eval/pass_rate', better: 'max' },
];

/** A value at a step. `value` is null when the logged value was NaN or infinite. */
export interface StepValue {
  step: number;
  value: number | null;
}

/** First, last and best of one metric. */
export interface MetricSummary {
  tag: string;
  better: 'max' | 'min';
  /** Number of logged points (after de-duplicating repeated steps). */
  points: number;
  /** Points whose value was NaN or infinite; they never count as best. */
  nonFinite: number;
  first: StepValue;
  last: StepValue;
  /** Best finite value and its step (the earliest step on ties); null when no value was finite. */
  best: StepValue | null;
}

/** Summary of one run. Times are seconds since the Unix epoch; `wallTimeS` is seconds. */
export interface RunSummary {
  name: string;
  dir: string;
  eventFiles: number;
  /** Distinct steps logged under train/ (all tags when there is no train/ tag). */
  steps: number;
  firstStep: number | null;
  lastStep: number | null;
  startTime: number | null;
  endTime: number | null;
  /** endTime - startTime over every scalar record, in seconds. */
  wallTimeS: number | null;
  metrics: Record<string, MetricSummary | null>;
  /** Outcome from the run's HParams records (see RunData.status); null when it logged none. */
  status: string | null;
  /** Every scalar tag in the run, sorted. */
  tags: string[];
  notes: string[];
}

/** First/last/best of a series; null for an empty series. */
export function summariseSeries(tag: string, points: readonly ScalarPoint[], better: 'max' | 'min'): MetricSummary | null {
  if (points.length === 0) return null;
  const sv = (p: ScalarPoint): StepValue => ({ step: p.step, value: Number.isFinite(p.value) ? p.value : null });
  let best: ScalarPoint | null = null;
  let nonFinite = 0;
  for (const p of points) {
    if (!Number.isFinite(p.value)) {
      nonFinite++;
      continue;
    }
    if (best === null || (better === 'max' ? p.value > best.value : p.value < best.value)) best = p;
  }
  return {
    tag,
    better,
    points: points.length,
    nonFinite,
    first: sv(points[0]),
    last: sv(points[points.length - 1]),
    best: best ? sv(best) : null,
  };
}

/** Builds the summary of one run from its scalar series. */
export function summariseRun(run: RunData): RunSummary {
  const tags = [...run.scalars.keys()].sort();
  const trainTags = tags.filter((t) => t.startsWith('train/'));
  const stepTags = trainTags.length > 0 ? trainTags : tags;
  const steps = new Set<number>();
  for (const t of stepTags) for (const p of run.scalars.get(t)!) steps.add(p.step);
  let start = Infinity;
  let end = -Infinity;
  for (const t of tags) {
    for (const p of run.scalars.get(t)!) {
      if (p.wallTime < start) start = p.wallTime;
      if (p.wallTime > end) end = p.wallTime;
    }
  }
  const sortedSteps = [...steps].sort((a, b) => a - b);
  const metrics: Record<string, MetricSummary | null> = {};
  for (const m of SUMMARY_METRICS) metrics[m.key] = summariseSeries(m.tag, run.scalars.get(m.tag) ?? [], m.better);
  const hasTime = Number.isFinite(start);
  return {
    name: run.name,
    dir: run.dir,
    eventFiles: run.files.length,
    steps: sortedSteps.length,
    firstStep: sortedSteps.length ? sortedSteps[0] : null,
    lastStep: sortedSteps.length ? sortedSteps[sortedSteps.length - 1] : null,
    startTime: hasTime ? start : null,
    endTime: hasTime ? end : null,
    wallTimeS: hasTime ? end - start : null,
    metrics,
    status: run.status ?? null,
    tags,
    notes: [...run.notes],
  };
}

/** Formats seconds as `1h 02m 03s`, `2m 05s` or `4.2s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h ${pad(m)}m ${pad(r)}s` : `${m}m ${pad(r)}s`;
}

/** Formats a byte count with binary units: `512 B`, `1.5 KiB`, `3.20 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[i]}`;
}

/** Formats a metric value compactly: 4 significant digits, `NaN` for null. */
export function formatValue(v: number | null): string {
  if (v === null) return 'NaN';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}
