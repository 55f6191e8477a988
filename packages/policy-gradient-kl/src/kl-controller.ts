// KL coefficient controllers: a fixed beta, or the adaptive proportional controller of Ziegler et al. 2019
// ("Fine-Tuning Language Models from Human Preferences", section 2.2), as in TRL's AdaptiveKLController.
import { PGOptionError, PGStateError } from './errors';
import { checkNumber } from './validate';

/** Serialisable state of a fixed controller. */
export interface FixedKLControllerState {
  type: 'fixed';
  /** The coefficient beta. */
  value: number;
}

/** Serialisable state of an adaptive controller. */
export interface AdaptiveKLControllerState {
  type: 'adaptive';
  /** The current coefficient beta. */
  value: number;
  /** Target KL (nats per sequence or per token: whatever the observations are in). */
  target: number;
  /** Horizon in samples (the same unit as update's nSteps). */
  horizon: number;
}

/** Either controller's state. */
export type KLControllerState = FixedKLControllerState | AdaptiveKLControllerState;

/** A KL coefficient that may change with the observed KL. */
export interface KLController {
  /** The current coefficient beta (>= 0). */
  readonly value: number;
  /**
   * Feeds one observation; returns the new coefficient.
   * @param observedKl KL measured on the last batch (finite; a k1 mean may be negative).
   * @param nSteps samples (or steps) the observation covers, in the horizon's unit; >= 0.
   */
  update(observedKl: number, nSteps: number): number;
  /** A JSON-serialisable copy of the state, for trainer_state.json. */
  getState(): KLControllerState;
  /** Restores a state of the same type; throws PGStateError naming the bad key. */
  setState(state: KLControllerState): void;
}

/** A constant coefficient; `update` validates its arguments and changes nothing. */
export class FixedKLController implements KLController {
  private _value: number;

  /** @param value the coefficient beta, finite and >= 0. */
  constructor(value: number) {
    this._value = checkNumber('klCoef', value, { min: 0 });
  }

  get value(): number {
    return this._value;
  }

  update(observedKl: number, nSteps: number): number {
    checkNumber('observedKl', observedKl);
    checkNumber('nSteps', nSteps, { min: 0 });
    return this._value;
  }

  getState(): FixedKLControllerState {
    return { type: 'fixed', value: this._value };
  }

  setState(state: KLControllerState): void {
    checkType('FixedKLController', state, 'fixed');
    this._value = stateNumber('FixedKLController', state, 'value', { min: 0 });
  }
}

/** Options of {@link AdaptiveKLController}. */
export interface AdaptiveKLControllerOptions {
  /** Initial coefficient beta_0 (> 0; a controller at 0 could never move). */
  initKlCoef: number;
  /** Target KL (> 0), e.g. 6 nats per sequence in Ziegler et al. 2019. */
  targetKl: number;
  /** Horizon (> 0) in the unit of nSteps, e.g. 10000 samples. */
  horizon: number;
}

/**
 * Proportional controller: with e = clip(observedKl / target - 1, -0.2, 0.2), the coefficient becomes
 * beta <- beta * (1 + e * nSteps / horizon). KL above target raises beta, below lowers it, by at most 20 %
 * of nSteps / horizon per update.
 */
export class AdaptiveKLController implements KLController {
  private _value: number;
  private _target: number;
  private _horizon: number;

  constructor(options: AdaptiveKLControllerOptions) {
    if (options === null || typeof options !== 'object') {
      throw new PGOptionError('options', 'an object { initKlCoef, targetKl, horizon }', options);
    }
    this._value = checkNumber('initKlCoef', options.initKlCoef, { min: 0, minOpen: true });
    this._target = checkNumber('targetKl', options.targetKl, { min: 0, minOpen: true });
    this._horizon = checkNumber('horizon', options.horizon, { min: 0, minOpen: true });
  }

  get value(): number {
    return this._value;
  }

  /** Target KL. */
  get target(): number {
    return this._target;
  }

  /** Horizon in nSteps units. */
  get horizon(): number {
    return this._horizon;
  }

  update(observedKl: number, nSteps: number): number {
    checkNumber('observedKl', observedKl);
    checkNumber('nSteps', nSteps, { min: 0 });
    const error = Math.min(Math.max(observedKl / this._target - 1, -0.2), 0.2);
    const mult = 1 + (error * nSteps) / this._horizon;
    if (!(mult > 0)) {
      throw new PGOptionError(
        'nSteps',
        `< 5 * horizon (${5 * this._horizon}) so that the multiplier 1 + e * nSteps / horizon stays positive`,
        nSteps,
        'Increase horizon',
      );
    }
    this._value *= mult;
    return this._value;
  }

  getState(): AdaptiveKLControllerState {
    return { type: 'adaptive', value: this._value, target: this._target, horizon: this._horizon };
  }

  setState(state: KLControllerState): void {
    checkType('AdaptiveKLController', state, 'adaptive');
    const s = state as AdaptiveKLControllerState;
    const value = stateNumber('AdaptiveKLController', s, 'value', { min: 0, minOpen: true });
    const target = stateNumber('AdaptiveKLController', s, 'target', { min: 0, minOpen: true });
    const horizon = stateNumber('AdaptiveKLController', s, 'horizon', { min: 0, minOpen: true });
    this._value = value;
    this._target = target;
    this._horizon = horizon;
  }
}

/** Configuration of {@link createKLController}: the shape of config.yaml's KL settings. */
export type KLControllerConfig =
  | { type: 'fixed'; klCoef: number }
  | { type: 'adaptive'; initKlCoef: number; targetKl: number; horizon: number };

/** Builds a controller from its configuration. @throws PGOptionError for an unknown type or bad numbers. */
export function createKLController(config: KLControllerConfig): KLController {
  if (config?.type === 'fixed') return new FixedKLController(config.klCoef);
  if (config?.type === 'adaptive') return new AdaptiveKLController(config);
  throw new PGOptionError('type', "'fixed' or 'adaptive'", (config as { type?: unknown } | undefined)?.type);
}

/** Rebuilds a controller from a saved state (e.g. on resume). @throws PGStateError for a malformed state. */
export function klControllerFromState(state: KLControllerState): KLController {
  const type = (state as { type?: unknown } | null)?.type;
  if (type === 'fixed') {
    const c = new FixedKLController(0);
    c.setState(state);
    return c;
  }
  if (type === 'adaptive') {
    const c = new AdaptiveKLController({ initKlCoef: 1, targetKl: 1, horizon: 1 });
    c.setState(state);
    return c;
  }
  throw new PGStateError('KLController', 'type', "'fixed' or 'adaptive'", type);
}

function checkType(name: string, state: unknown, type: string): void {
  if (state === null || typeof state !== 'object') throw new PGStateError(name, '(root)', 'an object', state);
  const found = (state as { type?: unknown }).type;
  if (found !== type) throw new PGStateError(name, 'type', `'${type}'`, found);
}

function stateNumber(name: string, state: object, key: string, range: { min: number; minOpen?: boolean }): number {
  const v = (state as Record<string, unknown>)[key];
  const ok = typeof v === 'number' && Number.isFinite(v) && (range.minOpen ? v > range.min : v >= range.min);
  if (!ok) throw new PGStateError(name, key, `a finite number ${range.minOpen ? '>' : '>='} ${range.min}`, v);
  return v as number;
}
