/**
 * The trainer's resume state: `state` of trainer_state.json (step, data cursors, RNG states, KL controller, EMA
 * baseline, warm-up progress, ...) and training_stats.json (history and eval passes), as typed objects. The parser
 * checks each key a resume reads and names the file and the key of a bad value (ResumeError, exit 2).
 */
import * as path from 'node:path';
import { Rng, type RngState } from '@rfai/core';
import type { SamplerCursor } from '@rfai/datasets';
import { EmaBaseline, klControllerFromState, type EmaBaselineState, type KLControllerState } from '@rfai/policy-gradient-kl';
import type { EvalReport } from './evaluate';
import type { BestEval, SftRecord, StepRecord } from './records';
import { PHASES, type Phase } from './timing';

/** `state` of trainer_state.json as the trainer writes it (checkpoint-io adds `config`). A type, not an interface: it is a plain JSON record. */
export type TrainerState = {
  step: number;
  epoch: number;
  sampler: SamplerCursor;
  rng: RngState;
  lora_dropout_rng: RngState | null;
  kl_controller: KLControllerState;
  ema_baseline: EmaBaselineState | null;
  sft_step: number;
  sft_sampler: SamplerCursor | null;
  config_hash: string;
  best_eval: BestEval | null;
  run_name: string;
  base_dir: string;
  run_dir: string;
  timing: Record<Phase, number>;
  wall_seconds: number;
  backend: string;
};

/** training_stats.json as the trainer writes it. */
export type TrainingStats = {
  run_name: string;
  step: number;
  history: StepRecord[];
  evals: EvalReport[];
  eval_before: EvalReport | null;
  eval_after_sft: EvalReport | null;
  eval_after: EvalReport | null;
  sft_history: SftRecord[];
  best_eval: BestEval | null;
  timing_ms: Record<Phase, number>;
  backend: unknown;
};

/** What a resume reads back of `state`; keys an older checkpoint may lack are null (or absent). */
export interface ResumedTrainerState {
  step: number;
  rng: RngState;
  /** Absent: the data order starts afresh. */
  sampler?: SamplerCursor;
  lora_dropout_rng: RngState | null;
  kl_controller: KLControllerState | null;
  ema_baseline: EmaBaselineState | null;
  /** Null: the checkpoint predates the warm-up (it counts as done). */
  sft_step: number | null;
  sft_sampler: SamplerCursor | null;
  best_eval: BestEval | null;
  run_name: string | null;
  timing: Partial<Record<Phase, number>>;
  wall_seconds: number;
  /** The stored config, compared with the current one. */
  config: unknown;
}

/** What a resume reads back of training_stats.json. */
export interface ResumedTrainingStats {
  history: StepRecord[];
  evals: EvalReport[];
  eval_before: EvalReport | null;
  eval_after_sft: EvalReport | null;
  sft_history: SftRecord[];
}

/** A checkpoint cannot be resumed (with this configuration, or at all). */
export class ResumeError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ResumeError';
  }
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** Reads the keys of one JSON object of a checkpoint file; a bad value throws a ResumeError naming file and key. */
class Keys {
  constructor(
    private readonly file: string,
    private readonly prefix: string,
    private readonly o: Json,
  ) {}

  fail(key: string, expected: string, found: unknown): never {
    throw new ResumeError(
      `${this.file}: ${this.prefix}${key} must be ${expected}, found ${JSON.stringify(found) ?? String(found)}; ` +
        'the checkpoint cannot be resumed. Resume from an earlier checkpoint (--resume DIR), or start a new run in another training.output_dir.',
    );
  }

  /** A key whose value `check` accepts (returning it typed, or a reason it is wrong); `fallback` when absent or null. */
  get<T, F>(key: string, expected: string, accept: (v: unknown) => v is T, fallback: F): T | F;
  get<T>(key: string, expected: string, accept: (v: unknown) => v is T): T;
  get<T, F>(key: string, expected: string, accept: (v: unknown) => v is T, ...fallback: [F] | []): T | F {
    const v = this.o[key];
    if ((v === undefined || v === null) && fallback.length) return fallback[0] as F;
    if (!accept(v)) this.fail(key, expected, v);
    return v;
  }

  /** A key restored by a library's own checker (`restore` throws on a bad value): its message is kept. */
  restored<T>(key: string, expected: string, restore: (v: T) => unknown): T | null {
    const v = this.o[key];
    if (v === undefined || v === null) return null;
    try {
      restore(v as T);
    } catch (e) {
      this.fail(key, `${expected} (${(e as Error).message})`, v);
    }
    return v as T;
  }
}

function isCursor(v: unknown): v is SamplerCursor {
  return isObject(v) && isCount(v.epoch) && isCount(v.position) && typeof v.seed === 'number' && (v.size === undefined || isCount(v.size));
}

function isBestEval(v: unknown): v is BestEval {
  return isObject(v) && typeof v.step === 'number' && typeof v.score === 'number';
}

function isTiming(v: unknown): v is Partial<Record<Phase, number>> {
  return isObject(v) && PHASES.every((p) => v[p] === undefined || typeof v[p] === 'number');
}

const isArray = (v: unknown): v is unknown[] => Array.isArray(v);
const CURSOR = 'a data cursor {epoch, position, seed}';
const RNG = 'an RNG state';

/**
 * Checks `state` of `<dir>/trainer_state.json`.
 * @throws ResumeError naming the file and the key of a missing or wrong-typed value
 */
export function parseTrainerState(dir: string, state: unknown): ResumedTrainerState {
  const file = path.join(dir, 'trainer_state.json');
  if (!isObject(state)) throw new ResumeError(`${file}: state must be an object, found ${JSON.stringify(state)}; the checkpoint cannot be resumed.`);
  const k = new Keys(file, 'state.', state);
  const rng = k.restored<RngState>('rng', RNG, (v) => Rng.fromState(v)) ?? k.fail('rng', RNG, state.rng);
  return {
    step: k.get('step', 'a non-negative integer', isCount),
    rng,
    sampler: k.get('sampler', CURSOR, isCursor, undefined),
    lora_dropout_rng: k.restored<RngState>('lora_dropout_rng', RNG, (v) => Rng.fromState(v)),
    kl_controller: k.restored<KLControllerState>('kl_controller', 'a KL controller state', (v) => klControllerFromState(v)),
    ema_baseline: k.restored<EmaBaselineState>('ema_baseline', 'an EMA baseline state', (v) => new EmaBaseline({ decay: 0 }).setState(v)),
    sft_step: k.get('sft_step', 'a non-negative integer', isCount, null),
    sft_sampler: k.get('sft_sampler', CURSOR, isCursor, null),
    best_eval: k.get('best_eval', 'null or {step, score}', isBestEval, null),
    run_name: k.get('run_name', 'a string', (v): v is string => typeof v === 'string', null),
    timing: k.get('timing', 'an object of milliseconds per phase', isTiming, {}),
    wall_seconds: k.get('wall_seconds', 'a number', (v): v is number => typeof v === 'number', 0),
    config: state.config,
  };
}

/**
 * Checks `<dir>/training_stats.json` (absent: an empty history).
 * @throws ResumeError naming the file and the key of a wrong-typed value
 */
export function parseTrainingStats(dir: string, stats: unknown): ResumedTrainingStats {
  const file = path.join(dir, 'training_stats.json');
  if (stats === undefined || stats === null) stats = {};
  if (!isObject(stats)) throw new ResumeError(`${file}: expected an object, found ${JSON.stringify(stats)}; the checkpoint cannot be resumed.`);
  const k = new Keys(file, '', stats);
  return {
    history: k.get('history', 'an array of step records', isArray, []) as StepRecord[],
    evals: k.get('evals', 'an array of eval reports', isArray, []) as EvalReport[],
    eval_before: k.get('eval_before', 'null or an eval report', isObject, null) as EvalReport | null,
    eval_after_sft: k.get('eval_after_sft', 'null or an eval report', isObject, null) as EvalReport | null,
    sft_history: k.get('sft_history', 'an array of warm-up step records', isArray, []) as SftRecord[],
  };
}
