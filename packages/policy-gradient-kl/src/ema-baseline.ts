// Exponential-moving-average reward baseline across training steps, for one sample per prompt (G = 1), where a
// group baseline does not exist. Its state is plain JSON so a trainer can checkpoint and resume it.
import { PGStateError } from './errors';
import { checkNumber } from './validate';

/** Serialisable state of an {@link EmaBaseline}; store it in trainer_state.json and restore with `setState`. */
export interface EmaBaselineState {
  /** Smoothing factor in [0, 1): b <- decay * b + (1 - decay) * mean(r). */
  decay: number;
  /** Current baseline, or null before the first batch with at least one graded reward. */
  value: number | null;
  /** Number of batches that updated the baseline. */
  steps: number;
}

/** Options of {@link EmaBaseline}. */
export interface EmaBaselineOptions {
  /** Smoothing factor in [0, 1); larger is smoother. Default 0.9. */
  decay?: number;
}

/**
 * Moving-average baseline b for the `ema` advantage estimator.
 *
 * Order of operations (documented contract): the advantage of a batch uses the baseline from BEFORE the batch
 * (r - b_prev), and only then is the baseline updated with the batch mean: b <- decay * b_prev + (1 - decay) *
 * mean(r). So a sample's own reward never leaks into its baseline. On the very first batch there is no previous
 * baseline; the batch mean is used as the baseline (advantage r - mean(r)) and becomes b. Batches with no graded
 * reward leave the baseline untouched.
 */
export class EmaBaseline {
  private _decay: number;
  private _value: number | null = null;
  private _steps = 0;

  constructor(options: EmaBaselineOptions = {}) {
    this._decay = checkNumber('ema.decay', options.decay ?? 0.9, { min: 0, max: 1, maxOpen: true });
  }

  /** Smoothing factor in [0, 1). */
  get decay(): number {
    return this._decay;
  }

  /** Current baseline (reward units), or null before the first update. */
  get value(): number | null {
    return this._value;
  }

  /** Number of batches that updated the baseline. */
  get steps(): number {
    return this._steps;
  }

  /**
   * Returns the baseline to subtract from this batch's rewards, then folds `batchMean` into the average.
   * @param batchMean mean of the batch's graded rewards (finite).
   */
  observe(batchMean: number): number {
    checkNumber('batchMean', batchMean);
    const used = this._value ?? batchMean;
    this._value = this._value === null ? batchMean : this._decay * this._value + (1 - this._decay) * batchMean;
    this._steps += 1;
    return used;
  }

  /** A JSON-serialisable copy of the state. */
  getState(): EmaBaselineState {
    return { decay: this._decay, value: this._value, steps: this._steps };
  }

  /** Restores a state produced by {@link getState}; throws PGStateError naming the bad key. */
  setState(state: EmaBaselineState): void {
    if (state === null || typeof state !== 'object') throw new PGStateError('EmaBaseline', '(root)', 'an object', state);
    const { decay, value, steps } = state;
    if (typeof decay !== 'number' || !Number.isFinite(decay) || decay < 0 || decay >= 1) {
      throw new PGStateError('EmaBaseline', 'decay', 'a number in [0, 1)', decay);
    }
    if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new PGStateError('EmaBaseline', 'value', 'a finite number or null', value);
    }
    if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 0) {
      throw new PGStateError('EmaBaseline', 'steps', 'a non-negative integer', steps);
    }
    if ((value === null) !== (steps === 0)) {
      throw new PGStateError('EmaBaseline', 'value', steps === 0 ? 'null when steps is 0' : 'a number when steps > 0', value);
    }
    this._decay = decay;
    this._value = value;
    this._steps = steps;
  }

  /** Builds a baseline from a saved state. */
  static fromState(state: EmaBaselineState): EmaBaseline {
    const b = new EmaBaseline();
    b.setState(state);
    return b;
  }
}
