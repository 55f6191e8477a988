// SGD with momentum, PyTorch semantics (torch.optim.SGD).
import { tf } from './tf';
import { InvalidOptionError } from './errors';
import { Optimizer, ownedVariable, type Float32TensorData, type NamedVariables, type OptimizerBaseOptions } from './optimizer';
import type { ResolvedGroup } from './param-groups';

/** Options of SGD. */
export interface SGDOptions extends OptimizerBaseOptions {
  /** Momentum factor. Default 0 (plain SGD). */
  momentum?: number;
  /** Dampening of the momentum's gradient term. Default 0. */
  dampening?: number;
  /** Nesterov momentum; needs momentum > 0 and dampening 0. Default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient (g += weight_decay * p), as torch. Default 0. */
  weightDecay?: number;
}

/**
 * SGD exactly as torch.optim.SGD, per parameter:
 *
 *   g = g + weight_decay * p                       (when weight_decay != 0)
 *   b = g on the first step, else momentum * b + (1 - dampening) * g   (when momentum != 0)
 *   g = g + momentum * b if nesterov, else b
 *   p -= lr * g
 *
 * State keys: 'sgd.step' and '<param>.momentum_buffer' (only with momentum != 0).
 */
export class SGD extends Optimizer {
  protected readonly kind = 'sgd';
  protected readonly stateSuffixes = ['momentum_buffer'] as const;
  /** Momentum factor. */
  readonly momentum: number;
  /** Dampening. */
  readonly dampening: number;
  /** Whether Nesterov momentum is used. */
  readonly nesterov: boolean;
  /** Base weight decay (before groups / noDecay). */
  readonly weightDecay: number;
  private buffers = new Map<string, tf.Variable>();

  /** @param params the trainable variables by name */
  constructor(params: NamedVariables, opts: SGDOptions = {}) {
    const num = (option: string, v: unknown) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InvalidOptionError(option, 'a finite number >= 0', v);
      return v;
    };
    const momentum = num('SGD.momentum', opts.momentum ?? 0);
    const dampening = num('SGD.dampening', opts.dampening ?? 0);
    const weightDecay = num('SGD.weightDecay', opts.weightDecay ?? 0);
    const nesterov = opts.nesterov ?? false;
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new InvalidOptionError('SGD.nesterov', `momentum > 0 and dampening 0 (found momentum ${momentum}, dampening ${dampening})`, nesterov);
    }
    super('SGD', params, weightDecay, opts);
    this.momentum = momentum;
    this.dampening = dampening;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
  }

  protected update(name: string, p: tf.Variable, g: tf.Tensor, baseLr: number, group: ResolvedGroup, scale: number): void {
    const lr = baseLr * group.lrScale;
    const grad = this.scaledGrad(g, scale);
    tf.tidy(() => {
      let d = grad;
      if (group.weightDecay !== 0) d = tf.add(d, tf.mul(p, group.weightDecay));
      if (this.momentum !== 0) {
        const prev = this.buffers.get(name);
        let buf: tf.Tensor;
        if (prev == null) {
          buf = tf.clone(d);
          this.buffers.set(name, tf.variable(buf, false));
        } else {
          buf = tf.add(tf.mul(prev, this.momentum), tf.mul(d, 1 - this.dampening));
          prev.assign(buf);
        }
        d = this.nesterov ? tf.add(d, tf.mul(buf, this.momentum)) : buf;
      }
      p.assign(tf.sub(p, tf.mul(d, lr)));
    });
    this.releaseGrad(grad, g);
  }

  protected paramState(name: string): Record<string, tf.Tensor | number> | undefined {
    const b = this.buffers.get(name);
    return b && { momentum_buffer: b };
  }

  protected setParamState(name: string, rec: Record<string, Float32TensorData>): void {
    const t = rec.momentum_buffer;
    this.buffers.set(name, ownedVariable(tf.tensor(t.data, t.shape, 'float32')));
  }

  protected clearState(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}
