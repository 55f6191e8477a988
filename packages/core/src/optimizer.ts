// Shared machinery of AdamW and SGD: parameters by name, gradient checks, groups,
// non-finite skipping, and state <-> named Float32 tensors.
import { tf } from './tf';
import { InvalidOptionError, OptimizerStateError, TensorMismatchError, describeValue } from './errors';
import { findNonFinite, type NonFiniteReport } from './non-finite';
import { groupResolver, type ParamGroupOptions, type ResolvedGroup } from './param-groups';

/**
 * A named float32 tensor as plain data, the shape @rfai/checkpoint-io's TensorData has
 * (dtype 'F32'), so optimizer state can be written with writeSafetensors directly.
 */
export interface Float32TensorData {
  dtype: 'F32';
  shape: number[];
  data: Float32Array;
}

/** Optimizer state by tensor name. */
export type OptimizerStateDict = Record<string, Float32TensorData>;

/** Options every optimizer accepts. */
export interface OptimizerBaseOptions extends ParamGroupOptions {
  /** Weight decay before groups / noDecay apply. */
  weightDecay?: number;
  /**
   * Skip the whole update when any gradient holds NaN or ±Inf, and report which
   * parameters (StepResult.nonFinite). Default true. With false, non-finite values
   * propagate into the parameters.
   */
  skipNonFinite?: boolean;
}

/** Options of Optimizer.step(). */
export interface StepOptions {
  /**
   * Every gradient is multiplied by this before it is used (global-norm clipping's coefficient: see clipCoefficient),
   * one parameter at a time, so that no scaled copy of all the gradients is ever held. Default 1.
   */
  gradScale?: number;
}

/** What step() did. */
export interface StepResult {
  /** False when the update was skipped because of non-finite gradients. */
  applied: boolean;
  /** Optimizer steps applied so far (after this one). */
  step: number;
  /** Parameters with NaN/Inf gradients (empty when all finite or not checked). */
  nonFinite: NonFiniteReport[];
}

/** Parameters as a Map or a plain object of name -> tf.Variable. */
export type NamedVariables = Map<string, tf.Variable> | Record<string, tf.Variable>;

/** A non-trainable variable holding `init`'s values; `init` is disposed. */
export function ownedVariable(init: tf.Tensor): tf.Variable {
  const v = tf.variable(init, false);
  init.dispose();
  return v;
}

/** Base class of AdamW and SGD; not constructed directly. */
export abstract class Optimizer {
  /** Parameters updated by step(), by name. */
  readonly params: ReadonlyMap<string, tf.Variable>;
  /** Optimizer steps applied (skipped steps do not count). */
  stepCount = 0;
  /** Steps skipped because of non-finite gradients. */
  skippedSteps = 0;
  protected readonly groupOf: (name: string) => ResolvedGroup;
  protected readonly skipNonFinite: boolean;
  /** Prefix of the global state keys, e.g. 'adamw'. */
  protected abstract readonly kind: string;

  protected constructor(owner: string, params: NamedVariables, baseWeightDecay: number, opts: OptimizerBaseOptions) {
    const map = params instanceof Map ? new Map(params) : new Map(Object.entries(params ?? {}));
    if (map.size === 0) throw new InvalidOptionError(`${owner} params`, 'at least one named tf.Variable', params);
    for (const [name, v] of map) {
      if (!(v instanceof tf.Variable)) throw new InvalidOptionError(`${owner} params['${name}']`, 'a tf.Variable', v);
      if (v.dtype !== 'float32') throw new InvalidOptionError(`${owner} params['${name}'].dtype`, "'float32'", v.dtype);
    }
    this.params = map;
    this.groupOf = groupResolver(owner, baseWeightDecay, opts);
    this.skipNonFinite = opts.skipNonFinite ?? true;
  }

  /** Weight decay and lr scale of a parameter, and which rule gave them. */
  paramGroup(name: string): ResolvedGroup {
    if (!this.params.has(name)) throw new TensorMismatchError(`${this.constructor.name}: no parameter named '${name}'`, name);
    return this.groupOf(name);
  }

  /**
   * Applies one update with learning rate `lr` (already scheduled) from `grads`
   * (name -> gradient with the parameter's shape). Parameters without a gradient are
   * left untouched and their state does not advance (as in PyTorch). Does not dispose
   * `grads`. Throws TensorMismatchError for an unknown name or a wrong shape.
   */
  step(grads: Map<string, tf.Tensor>, lr: number, opts: StepOptions = {}): StepResult {
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new InvalidOptionError(`${this.constructor.name}.step lr`, 'a finite number >= 0', lr);
    }
    const scale = opts.gradScale ?? 1;
    if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0) {
      throw new InvalidOptionError(`${this.constructor.name}.step gradScale`, 'a finite number >= 0', scale);
    }
    for (const [name, g] of grads) {
      const p = this.params.get(name);
      if (p == null) {
        const known = [...this.params.keys()];
        throw new TensorMismatchError(
          `${this.constructor.name}.step: gradient '${name}' matches no parameter (known: ${known.slice(0, 5).join(', ')}${known.length > 5 ? `, ... ${known.length} in all` : ''})`,
          name,
        );
      }
      if (!tf.util.arraysEqual(p.shape, g.shape)) {
        throw new TensorMismatchError(
          `${this.constructor.name}.step: gradient '${name}' has shape [${g.shape}], parameter has [${p.shape}]`,
          name,
          p.shape,
          g.shape,
        );
      }
    }
    if (this.skipNonFinite) {
      const nonFinite = findNonFinite(grads);
      if (nonFinite.length > 0) {
        this.skippedSteps++;
        return { applied: false, step: this.stepCount, nonFinite };
      }
    }
    for (const [name, g] of grads) this.update(name, this.params.get(name)!, g, lr, this.groupOf(name), scale);
    this.stepCount++;
    return { applied: true, step: this.stepCount, nonFinite: [] };
  }

  /** Updates one parameter in place with the gradient g times `scale` (computed as tf.mul(g, scale) when scale != 1). */
  protected abstract update(name: string, p: tf.Variable, g: tf.Tensor, lr: number, group: ResolvedGroup, scale: number): void;

  /**
   * The float32 gradient times `scale` as update() uses it: g itself when it already is (no copy: on wasm a cast or
   * clone copies the data), else a new tensor; free it with {@link releaseGrad}.
   */
  protected scaledGrad(g: tf.Tensor, scale: number): tf.Tensor {
    return tf.tidy(() => {
      const f = g.dtype === 'float32' ? g : tf.cast(g, 'float32');
      return scale === 1 ? f : tf.mul(f, scale);
    });
  }

  /** Disposes a tensor from {@link scaledGrad} unless it is the caller's gradient itself. */
  protected releaseGrad(grad: tf.Tensor, g: tf.Tensor): void {
    if (grad !== g) grad.dispose();
  }

  /** Per-parameter state tensors to save, keyed by suffix (e.g. 'exp_avg'). */
  protected abstract paramState(name: string): Record<string, tf.Tensor | number> | undefined;

  /** Suffixes of the per-parameter state keys this optimizer saves, in order. */
  protected abstract readonly stateSuffixes: readonly string[];

  /** Installs restored per-parameter state (already validated). */
  protected abstract setParamState(name: string, values: Record<string, Float32TensorData>): void;

  /** Frees per-parameter state tensors. */
  protected abstract clearState(): void;

  /**
   * The optimizer state as named float32 tensors (copies): `<kind>.step` (shape [], steps
   * applied; exact up to 2^24) and, for each parameter that has state, `<param>.<suffix>`.
   */
  stateDict(): OptimizerStateDict {
    const out: OptimizerStateDict = { [`${this.kind}.step`]: { dtype: 'F32', shape: [], data: Float32Array.of(this.stepCount) } };
    for (const name of this.params.keys()) {
      const st = this.paramState(name);
      if (st == null) continue;
      for (const suffix of this.stateSuffixes) {
        const v = st[suffix];
        out[`${name}.${suffix}`] =
          typeof v === 'number'
            ? { dtype: 'F32', shape: [], data: Float32Array.of(v) }
            : { dtype: 'F32', shape: v.shape.slice(), data: Float32Array.from(v.dataSync() as Float32Array) };
      }
    }
    return out;
  }

  /**
   * Replaces the state with `state` (as produced by stateDict(), e.g. read back from
   * optimizer.safetensors). Every key must be known and complete, shapes must match
   * the parameters; otherwise OptimizerStateError names the key and nothing changes.
   */
  loadStateDict(state: Record<string, { shape: number[]; data: ArrayLike<number>; dtype?: string }>): void {
    const stepKey = `${this.kind}.step`;
    const check = (key: string, cond: boolean, what: string) => {
      if (!cond) throw new OptimizerStateError(`${this.constructor.name}.loadStateDict: '${key}' ${what}`, key);
    };
    if (state == null || typeof state !== 'object') throw new OptimizerStateError(`${this.constructor.name}.loadStateDict: expected an object of named tensors, found ${describeValue(state)}`, '');
    const entry = state[stepKey];
    check(stepKey, entry != null, `is missing (keys found: ${Object.keys(state).slice(0, 5).join(', ') || 'none'})`);
    const steps = entry.data[0];
    check(stepKey, entry.data.length === 1 && Number.isInteger(steps) && steps >= 0, `must hold one non-negative integer, found ${describeValue(Array.from(entry.data))}`);
    const perParam = new Map<string, Record<string, Float32TensorData>>();
    for (const [key, t] of Object.entries(state)) {
      if (key === stepKey) continue;
      if (t?.dtype !== undefined) check(key, t.dtype === 'F32', `must be F32, found ${t.dtype}`);
      const suffix = this.stateSuffixes.find((s) => key.endsWith(`.${s}`));
      const name = suffix ? key.slice(0, -(suffix.length + 1)) : undefined;
      check(key, suffix != null && name != null && this.params.has(name), `is not a state key of this ${this.constructor.name} (expected '${stepKey}' or '<parameter>.{${this.stateSuffixes.join(',')}}' for one of its ${this.params.size} parameters)`);
      const expectedShape = this.stateShape(suffix!, this.params.get(name!)!.shape);
      check(key, Array.isArray(t.shape) && tf.util.arraysEqual(t.shape, expectedShape), `has shape [${t.shape}], expected [${expectedShape}]`);
      check(key, t.data != null && t.data.length === tf.util.sizeFromShape(expectedShape), `has ${t.data?.length} values, expected ${tf.util.sizeFromShape(expectedShape)}`);
      const rec = perParam.get(name!) ?? {};
      rec[suffix!] = { dtype: 'F32', shape: t.shape.slice(), data: Float32Array.from(t.data) };
      perParam.set(name!, rec);
    }
    for (const [name, rec] of perParam) {
      const missing = this.stateSuffixes.filter((s) => rec[s] == null);
      check(`${name}.${missing[0]}`, missing.length === 0, `is missing while '${name}.${Object.keys(rec)[0]}' is present`);
      this.validateParamState(name, rec);
    }
    this.clearState();
    for (const [name, rec] of perParam) this.setParamState(name, rec);
    this.stepCount = steps;
  }

  /** Shape of a state tensor for a parameter of shape `paramShape`. */
  protected stateShape(_suffix: string, paramShape: number[]): number[] {
    return paramShape;
  }

  /** Extra per-parameter checks on restored state; throws OptimizerStateError. */
  protected validateParamState(_name: string, _rec: Record<string, Float32TensorData>): void {}

  /**
   * Forgets every step taken: moments freed, the step count back to 0 (the next step is a first step, with its bias
   * correction). The parameters are not touched. For a new phase with a different objective (the RFAI steps after a
   * supervised warm-up), whose gradients the old moments would mis-scale.
   */
  reset(): void {
    this.clearState();
    this.stepCount = 0;
  }

  /** Frees every state tensor; the parameters are not touched. */
  dispose(): void {
    this.clearState();
  }
}
