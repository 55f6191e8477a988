// In-memory shape of one TensorBoard run as the visualizer uses it.

/** One scalar value logged at a step. `wallTime` is seconds since the Unix epoch. */
export interface ScalarPoint {
  step: number;
  wallTime: number;
  value: number;
}

/** One run: a folder of event files, read into per-tag scalar series. */
export interface RunData {
  /** Run name: the folder's path relative to the logdir ('.' when the logdir itself holds event files). */
  name: string;
  /** Absolute path of the run folder. */
  dir: string;
  /** Absolute paths of the event files read, oldest first. */
  files: string[];
  /** Scalar series by tag, sorted by step; when a step was logged twice (a resumed run) the later write wins. */
  scalars: Map<string, ScalarPoint[]>;
  /** Non-fatal findings worth telling the user, e.g. a live run's partial last record. */
  notes: string[];
  /**
   * The run's outcome from its HParams session records: `success`, `failure`, `running`, `unknown`, or
   * `no end record` (session started, never ended: still training, or the trainer was killed); null when the run
   * logged no hparams. Optional for runs built in memory.
   */
  status?: string | null;
}

/** Sorts points by step and keeps the last-written value of a repeated step (resume after a crash re-logs steps). */
export function normaliseSeries(points: readonly ScalarPoint[]): ScalarPoint[] {
  const byStep = new Map<number, ScalarPoint>();
  for (const p of points) byStep.set(p.step, p);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}
