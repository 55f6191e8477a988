import { createLrSchedule, type LrSchedule } from '@rfai/core';
import type { RfaiConfig } from '@rfai/config';

/** The learning-rate schedule of training.* over `totalSteps` optimizer steps (HF get_scheduler semantics). */
export function createLrScheduleFor(cfg: RfaiConfig, totalSteps: number): LrSchedule {
  const t = cfg.training;
  return createLrSchedule({
    type: t.lr_scheduler_type,
    baseLr: t.learning_rate,
    warmupSteps: Math.min(t.warmup_steps, Math.max(totalSteps, 1)), // a run shorter than its warm-up ramps over all of it
    totalSteps: Math.max(totalSteps, 1),
  });
}
