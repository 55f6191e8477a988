// Learning-rate schedules with linear warm-up, as Hugging Face transformers' get_scheduler.
import { InvalidOptionError } from './errors';

/** Options of createLrSchedule(). */
export interface LrScheduleOptions {
  /**
   * 'constant': baseLr after warm-up (get_constant_schedule_with_warmup).
   * 'linear': decays linearly to 0 at totalSteps (get_linear_schedule_with_warmup).
   * 'cosine': half a cosine from baseLr to 0 at totalSteps (get_cosine_schedule_with_warmup, num_cycles 0.5).
   */
  type: 'constant' | 'linear' | 'cosine';
  /** Peak learning rate, reached when warm-up ends. */
  baseLr: number;
  /** Steps of linear warm-up from 0 to baseLr. Default 0. */
  warmupSteps?: number;
  /** Total optimizer steps of the run; required for 'linear' and 'cosine'. */
  totalSteps?: number;
  /** Cosine waves over the decay (transformers' num_cycles). Default 0.5 (one half-wave down to 0). */
  numCycles?: number;
}

/** Maps the number of optimizer steps already taken (0, 1, 2, ...) to the learning rate. */
export type LrSchedule = (step: number) => number;

function checkInt(option: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new InvalidOptionError(option, `an integer >= ${min}`, v);
  return v;
}

/**
 * Builds a learning-rate schedule with Hugging Face semantics: `schedule(step)` is the
 * rate for the optimizer step that follows `step` completed steps, so the very first
 * update uses schedule(0), which is 0 when warmupSteps > 0.
 *
 * warm-up: lr = baseLr * step / max(1, warmupSteps) for step < warmupSteps; then
 * constant: baseLr;
 * linear: baseLr * max(0, (totalSteps - step) / max(1, totalSteps - warmupSteps));
 * cosine: baseLr * max(0, 0.5 * (1 + cos(pi * numCycles * 2 * progress))),
 *   progress = (step - warmupSteps) / max(1, totalSteps - warmupSteps). As in transformers,
 *   steps past totalSteps keep following the cosine (it rises again).
 * Throws InvalidOptionError for bad options or a negative / fractional step.
 */
export function createLrSchedule(opts: LrScheduleOptions): LrSchedule {
  const { type, baseLr } = opts;
  if (!['constant', 'linear', 'cosine'].includes(type)) {
    throw new InvalidOptionError('createLrSchedule.type', "one of 'constant', 'linear', 'cosine'", type);
  }
  if (typeof baseLr !== 'number' || !Number.isFinite(baseLr) || baseLr < 0) {
    throw new InvalidOptionError('createLrSchedule.baseLr', 'a finite number >= 0', baseLr);
  }
  const warmup = checkInt('createLrSchedule.warmupSteps', opts.warmupSteps ?? 0, 0);
  let total = 0;
  if (type !== 'constant') {
    if (opts.totalSteps === undefined) throw new InvalidOptionError('createLrSchedule.totalSteps', `an integer >= 1 (required by type '${type}')`, undefined);
    total = checkInt('createLrSchedule.totalSteps', opts.totalSteps, 1);
    if (total < warmup) {
      throw new InvalidOptionError('createLrSchedule.totalSteps', `an integer >= warmupSteps (${warmup})`, total);
    }
  }
  const numCycles = opts.numCycles ?? 0.5;
  if (typeof numCycles !== 'number' || !Number.isFinite(numCycles) || numCycles <= 0) {
    throw new InvalidOptionError('createLrSchedule.numCycles', 'a positive finite number', numCycles);
  }

  return (step: number): number => {
    if (!Number.isInteger(step) || step < 0) throw new InvalidOptionError('lr schedule step', 'an integer >= 0', step);
    if (step < warmup) return (baseLr * step) / Math.max(1, warmup);
    if (type === 'constant') return baseLr;
    if (type === 'linear') return baseLr * Math.max(0, (total - step) / Math.max(1, total - warmup));
    const progress = (step - warmup) / Math.max(1, total - warmup);
    return baseLr * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * numCycles * 2 * progress)));
  };
}
