import { createLrSchedule, type LrSchedule } from '@rfai/core';
import type { RfaiConfig } from '@rfai/config';

/** The learning-rate schedule of training.* over `totalSteps` optimizer steps (HF get_scheduler semantics). */
export function createLrScheduleFor(cfg: RfaiConfig, totalSteps: number): LrSchedule {
  const t = cfg.training;
  return scheduleOver(t.lr_scheduler_type, t.learning_rate, t.warmup_steps, totalSteps);
}

/**
 * A schedule of `type` peaking at `baseLr` over `totalSteps` (at least 1), with training.warmup_steps of linear
 * warm-up: a phase shorter than its warm-up ramps over all of it.
 */
export function scheduleOver(type: RfaiConfig['training']['lr_scheduler_type'], baseLr: number, warmupSteps: number, totalSteps: number): LrSchedule {
  const total = Math.max(totalSteps, 1);
  return createLrSchedule({ type, baseLr, warmupSteps: Math.min(warmupSteps, total), totalSteps: total });
}
