// AdamW with PyTorch semantics (torch.optim.AdamW, single-tensor path).
import { tf } from './tf';
import { InvalidOptionError, OptimizerStateError } from './errors';
import { Optimizer, ownedVariable, type Float32TensorData, type NamedVariables, type OptimizerBaseOptions } from './optimizer';
import type { ResolvedGroup } from './param-groups';
import { adamwKernelAvailable, adamwStepWasm, adamwStepWasmInPlace } from './wasm-adamw';

/**
 * On wasm, parameters of at least this many elements are updated in place (see adamwStepWasmInPlace: the models never
 * let the backend cache copies of weights this large, so nothing keyed by their data goes stale).
 */
const IN_PLACE_MIN_ELEMENTS = 1 << 20;

/** Options of AdamW. */
export interface AdamWOptions extends OptimizerBaseOptions {
  /** Coefficients of the running means of the gradient and its square. Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to the bias-corrected sqrt(v) (outside the square root). Default 1e-8. */
  eps?: number;
  /** Decoupled weight decay (param *= 1 - lr * weightDecay). Default 0.01, as torch. */
  weightDecay?: number;
}

interface AdamState {
  step: number;
  expAvg: tf.Variable;
  expAvgSq: tf.Variable;
}

/**
 * AdamW (Loshchilov & Hutter) exactly as torch.optim.AdamW computes it, per parameter:
 *
 *   t += 1
 *   p  *= 1 - lr * weight_decay                       (decoupled decay, skipped when 0)
 *   m   = beta1 * m + (1 - beta1) * g
 *   v   = beta2 * v + (1 - beta2) * g^2
 *   p  -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *
 * lr is the step's learning rate times the parameter group's lrScale. No weight decay on
 * biases and norm weights by default (see NO_DECAY_PATTERN). State keys: 'adamw.step',
 * '<param>.step' (shape [], that parameter's t), '<param>.exp_avg', '<param>.exp_avg_sq'.
 * Moments are created on a parameter's first gradient; dispose() frees them.
 */
export class AdamW extends Optimizer {
  protected readonly kind = 'adamw';
  protected readonly stateSuffixes = ['step', 'exp_avg', 'exp_avg_sq'] as const;
  /** Beta coefficients. */
  readonly betas: [number, number];
  /** Epsilon added to the denominator. */
  readonly eps: number;
  /** Base weight decay (before groups / noDecay). */
  readonly weightDecay: number;
  private state = new Map<string, AdamState>();
  /**
   * On wasm, update each parameter with the one-pass kernel of wasm-adamw.ts (moments in place; same float32 results
   * as the tfjs formulation). Default true; false runs the tfjs formulation everywhere (for A/B tests).
   */
  static wasmKernel = true;

  /** @param params the trainable variables by name (e.g. model.params) */
  constructor(params: NamedVariables, opts: AdamWOptions = {}) {
    const betas = opts.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2 || !betas.every((b) => typeof b === 'number' && b >= 0 && b < 1)) {
      throw new InvalidOptionError('AdamW.betas', 'two numbers in [0, 1)', betas);
    }
    const eps = opts.eps ?? 1e-8;
    if (typeof eps !== 'number' || !Number.isFinite(eps) || eps < 0) throw new InvalidOptionError('AdamW.eps', 'a finite number >= 0', eps);
    const weightDecay = opts.weightDecay ?? 0.01;
    if (typeof weightDecay !== 'number' || !Number.isFinite(weightDecay) || weightDecay < 0) {
      throw new InvalidOptionError('AdamW.weightDecay', 'a finite number >= 0', weightDecay);
    }
    super('AdamW', params, weightDecay, opts);
    this.betas = [betas[0], betas[1]];
    this.eps = eps;
    this.weightDecay = weightDecay;
  }

  protected update(name: string, p: tf.Variable, g: tf.Tensor, baseLr: number, group: ResolvedGroup, scale: number): void {
    const [b1, b2] = this.betas;
    let st = this.state.get(name);
    if (st == null) {
      st = { step: 0, expAvg: ownedVariable(tf.zerosLike(p)), expAvgSq: ownedVariable(tf.zerosLike(p)) };
      this.state.set(name, st);
    }
    const lr = baseLr * group.lrScale;
    const t = st.step + 1;
    const stepSize = lr / (1 - b1 ** t);
    const bc2Sqrt = Math.sqrt(1 - b2 ** t);
    const { expAvg, expAvgSq } = st;
    if (AdamW.wasmKernel && adamwKernelAvailable() && g.dtype === 'float32') {
      // wasm: one pass, moments in place, the new parameter the only allocation; same float32 results.
      const decay = group.weightDecay !== 0 ? 1 - lr * group.weightDecay : 1;
      const scalars = { scale, beta1: b1, beta2: b2, decay, stepSize, bc2Sqrt, eps: this.eps };
      if (p.size >= IN_PLACE_MIN_ELEMENTS) {
        // A large weight in place: a new [151,936, 512] tensor each step fragmented the 4 GiB heap by ~0.9 GB a
        // step (dlmalloc never gives memory back) until a step of full fine-tuning no longer fitted.
        adamwStepWasmInPlace(p, g, expAvg, expAvgSq, scalars);
      } else {
        const next = adamwStepWasm(p, g, expAvg, expAvgSq, scalars);
        p.assign(next);
        next.dispose();
      }
      st.step = t;
      return;
    }
    // One tidy per assignment, so that at most four parameter-sized temporaries exist at once (one tidy over the
    // whole update held fourteen: 4.3 GB for a 151,936 x 512 embedding, more than the wasm heap has).
    const grad = this.scaledGrad(g, scale);
    try {
      if (group.weightDecay !== 0) tf.tidy(() => p.assign(tf.mul(p, 1 - lr * group.weightDecay)));
      tf.tidy(() => expAvg.assign(tf.add(tf.mul(expAvg, b1), tf.mul(grad, 1 - b1))));
      tf.tidy(() => expAvgSq.assign(tf.add(tf.mul(expAvgSq, b2), tf.mul(tf.square(grad), 1 - b2))));
    } finally {
      this.releaseGrad(grad, g);
    }
    const denom = tf.tidy(() => tf.add(tf.div(tf.sqrt(expAvgSq), bc2Sqrt), this.eps));
    const delta = tf.tidy(() => tf.mul(tf.div(expAvg, denom), stepSize));
    denom.dispose();
    tf.tidy(() => p.assign(tf.sub(p, delta)));
    delta.dispose();
    st.step = t;
  }

  protected paramState(name: string): Record<string, tf.Tensor | number> | undefined {
    const st = this.state.get(name);
    // Moments allocated ahead (allocateState) but never updated are not state yet.
    return st && st.step > 0 ? { step: st.step, exp_avg: st.expAvg, exp_avg_sq: st.expAvgSq } : undefined;
  }

  /**
   * Creates every parameter's moments now (zeros) rather than at its first gradient. The results are the same; on
   * wasm the heap never shrinks, so long-lived tensors made before the first update's transients sit below them
   * instead of on top: with full fine-tuning and the Qwen vocabulary, moments made during the first update left the
   * next update's transients no room below them, and the heap grew by ~0.9 GB a step until it ran out.
   */
  allocateState(): void {
    for (const [name, p] of this.params) {
      if (!this.state.has(name)) this.state.set(name, { step: 0, expAvg: ownedVariable(tf.zerosLike(p)), expAvgSq: ownedVariable(tf.zerosLike(p)) });
    }
  }

  protected override stateShape(suffix: string, paramShape: number[]): number[] {
    return suffix === 'step' ? [] : paramShape;
  }

  protected override validateParamState(name: string, rec: Record<string, Float32TensorData>): void {
    const t = rec.step.data[0];
    if (!Number.isInteger(t) || t < 1) {
      throw new OptimizerStateError(`AdamW.loadStateDict: '${name}.step' must be an integer >= 1, found ${t}`, `${name}.step`);
    }
  }

  protected setParamState(name: string, rec: Record<string, Float32TensorData>): void {
    this.state.set(name, {
      step: rec.step.data[0],
      expAvg: ownedVariable(tf.tensor(rec.exp_avg.data, rec.exp_avg.shape, 'float32')),
      expAvgSq: ownedVariable(tf.tensor(rec.exp_avg_sq.data, rec.exp_avg_sq.shape, 'float32')),
    });
  }

  protected clearState(): void {
    for (const st of this.state.values()) {
      st.expAvg.dispose();
      st.expAvgSq.dispose();
    }
    this.state.clear();
  }
}
