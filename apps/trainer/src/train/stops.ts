/**
 * Why a run stops early because of its teacher: the teacher stopped grading (its failure circuit opened, or it
 * rejected the key) during a step or an eval pass, or it failed more than training.max_failure_fraction of a step's
 * samples. One place decides and words each case.
 */
import type { RfaiConfig } from '@rfai/config';
import type { EvalReport } from './evaluate';
import type { Grade } from './grading';
import type { StepRecord } from './records';

/** Where the teacher stopped: a step's grading or one of the eval passes. */
export type TeacherStopPoint = 'eval_before' | 'eval_after_sft' | 'step' | 'eval' | 'eval_after';

/** A typed stop reason: where, and the console line that explains it. */
export interface TeacherStop {
  point: TeacherStopPoint | 'failure_fraction';
  /** The reason the teacher gave (or the failure count). */
  reason: string;
  message: string;
}

const RESUMABLE = 'The run is saved and continues with --resume latest.';

/** The teacher's stop reason in a step's grades, or null when it kept grading. */
export function gradesStopped(grades: readonly Grade[]): string | null {
  const stopped = grades.find((g) => g.stopped);
  return stopped ? `${stopped.error}` : null;
}

/**
 * The stop when the teacher stopped at `point` (`reason`: the step's {@link gradesStopped}, or an eval report's
 * `teacher_stopped`); null when it did not.
 */
export function teacherStop(point: TeacherStopPoint, step: number, reason: string | null): TeacherStop | null {
  if (reason === null) return null;
  const message = {
    eval_before: `the teacher stopped during the eval pass before training: ${reason}`,
    eval_after_sft: `stopping after the SFT warm-up: the teacher stopped during the eval pass: ${reason} ${RESUMABLE}`,
    step: `stopping at step ${step}: ${reason} ${RESUMABLE}`,
    eval: `stopping after step ${step}: the teacher stopped during the eval pass: ${reason} ${RESUMABLE}`,
    eval_after: `the teacher stopped during the final eval pass: ${reason} The trained model is saved; rerun the eval with \`nx run trainer:eval -- --checkpoint DIR\`.`,
  }[point];
  return { point, reason, message };
}

/** {@link teacherStop} for an eval pass's report. */
export function evalStop(point: Exclude<TeacherStopPoint, 'step'>, rep: EvalReport, step = 0): TeacherStop | null {
  return teacherStop(point, step, rep.teacher_stopped || null);
}

/** Why a finished step stops the run: the teacher stopped, or failed too large a share of its samples; else null. */
export function stepStop(rec: StepRecord, grades: readonly Grade[], c: RfaiConfig): TeacherStop | null {
  const stopped = teacherStop('step', rec.step, gradesStopped(grades));
  if (stopped) return stopped;
  const failFrac = rec.teacher_failures / Math.max(1, rec.samples);
  if (failFrac <= c.training.max_failure_fraction) return null;
  return {
    point: 'failure_fraction',
    reason: `${rec.teacher_failures} of ${rec.samples}`,
    message:
      `stopping: the teacher failed to grade ${rec.teacher_failures} of ${rec.samples} samples at step ${rec.step} ` +
      `(more than training.max_failure_fraction = ${c.training.max_failure_fraction}). Check the teacher (${c.teacher.provider}), its key and its server; ` +
      `the run is saved and continues with --resume latest.`,
  };
}

/** The teacher stopped grading before training began (nothing to save). */
export class TeacherStoppedError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'TeacherStoppedError';
  }
}
