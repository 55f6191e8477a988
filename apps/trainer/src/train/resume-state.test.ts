import * as path from 'node:path';
import { Rng } from '@rfai/core';
import { createKLController } from '@rfai/policy-gradient-kl';
import { parseTrainerState, parseTrainingStats, ResumeError } from './resume-state';

const DIR = '/ck/checkpoint-3';
const FILE = path.join(DIR, 'trainer_state.json');

function valid(): Record<string, unknown> {
  return {
    step: 3,
    epoch: 0,
    sampler: { epoch: 0, position: 6, seed: 1, size: 10 },
    rng: new Rng(7).getState(),
    lora_dropout_rng: null,
    kl_controller: createKLController({ type: 'fixed', klCoef: 0.05 }).getState(),
    ema_baseline: null,
    sft_step: 2,
    sft_sampler: null,
    best_eval: { step: 2, score: 0.5 },
    run_name: 'r',
    timing: { generation: 10 },
    wall_seconds: 0,
    config: { a: 1 },
  };
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ResumeError);
    expect((e as ResumeError).exitCode).toBe(2);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('parseTrainerState', () => {
  it('reads a valid state as a typed object', () => {
    const s = parseTrainerState(DIR, valid());
    expect(s.step).toBe(3);
    expect(s.sampler).toEqual({ epoch: 0, position: 6, seed: 1, size: 10 });
    expect(s.sft_step).toBe(2);
    expect(s.best_eval).toEqual({ step: 2, score: 0.5 });
    expect(s.config).toEqual({ a: 1 });
  });

  it('gives the defaults of an older checkpoint for absent keys', () => {
    const { step, rng } = valid();
    const s = parseTrainerState(DIR, { step, rng });
    expect(s).toMatchObject({ sampler: undefined, kl_controller: null, ema_baseline: null, sft_step: null, sft_sampler: null, best_eval: null, run_name: null, timing: {}, wall_seconds: 0 });
  });

  it.each([
    ['step', 'two', 'state.step must be a non-negative integer, found "two"'],
    ['sampler', 'x', 'state.sampler must be a data cursor {epoch, position, seed}, found "x"'],
    ['sft_step', -1, 'state.sft_step must be a non-negative integer, found -1'],
    ['best_eval', { step: 1 }, 'state.best_eval must be null or {step, score}'],
    ['timing', { eval: 'slow' }, 'state.timing must be an object of milliseconds per phase'],
    ['rng', { algorithm: 'mt' }, 'state.rng must be an RNG state ('],
    ['kl_controller', { type: 'pid' }, 'state.kl_controller must be a KL controller state ('],
    ['wall_seconds', '3', 'state.wall_seconds must be a number, found "3"'],
  ])('a wrong %s names the file and the key', (key, value, text) => {
    const m = message(() => parseTrainerState(DIR, { ...valid(), [key]: value }));
    expect(m).toContain(`${FILE}: ${text}`);
  });

  it('a missing rng names the key', () => {
    const s = valid();
    delete s.rng;
    expect(message(() => parseTrainerState(DIR, s))).toContain(`${FILE}: state.rng must be an RNG state, found undefined`);
  });
});

describe('parseTrainingStats', () => {
  it('reads absent stats as an empty history', () => {
    expect(parseTrainingStats(DIR, undefined)).toEqual({ history: [], evals: [], eval_before: null, eval_after_sft: null, sft_history: [] });
  });

  it('a wrong history names training_stats.json and the key', () => {
    expect(message(() => parseTrainingStats(DIR, { history: 5 }))).toContain(`${path.join(DIR, 'training_stats.json')}: history must be an array of step records, found 5`);
  });
});
