// Gradient accumulation over micro-batches: sum every micro-batch, then scale once.
import { tf } from './tf';
import { CoreError, InvalidOptionError, TensorMismatchError } from './errors';

/**
 * Sums gradients over micro-batches and scales the sum once at the end, so a batch split
 * into k micro-batches gives the gradient of the full batch's mean loss when each
 * micro-batch loss is a mean and the scale is 1/k (the default).
 *
 * Owns its running sums (tf.keep'd tensors): call reset() or dispose() to free them.
 */
export class GradientAccumulator {
  private sums = new Map<string, tf.Tensor>();
  private count = 0;

  /** Number of micro-batches added since the last reset. */
  get microBatches(): number {
    return this.count;
  }

  /** Parameter names seen since the last reset. */
  names(): string[] {
    return [...this.sums.keys()];
  }

  /**
   * Adds one micro-batch's gradients (summed into float32). A parameter missing from
   * some micro-batches counts as a zero gradient there. Does not dispose `grads`.
   */
  add(grads: Map<string, tf.Tensor>): void {
    for (const [name, g] of grads) {
      const prev = this.sums.get(name);
      if (prev && !tf.util.arraysEqual(prev.shape, g.shape)) {
        throw new TensorMismatchError(
          `GradientAccumulator: gradient '${name}' has shape [${g.shape}] but earlier micro-batches gave [${prev.shape}]`,
          name,
          prev.shape,
          g.shape,
        );
      }
    }
    for (const [name, g] of grads) {
      const prev = this.sums.get(name);
      const next = tf.tidy(() => (prev ? tf.add(prev, tf.cast(g, 'float32')) : tf.cast(g, 'float32').clone()));
      tf.keep(next);
      prev?.dispose();
      this.sums.set(name, next);
    }
    this.count++;
  }

  /**
   * The accumulated gradients: sum * scale, as new tensors the caller disposes.
   * Does not reset the accumulator.
   * @param scale default 1 / microBatches (the mean over micro-batches); pass e.g.
   *   1 / totalTokens for token-weighted averaging.
   */
  result(scale?: number): Map<string, tf.Tensor> {
    if (this.count === 0) throw new CoreError('GradientAccumulator.result(): no micro-batch was added since the last reset; call add(grads) first');
    const s = scale ?? 1 / this.count;
    if (!Number.isFinite(s)) throw new InvalidOptionError('GradientAccumulator.result scale', 'a finite number', scale);
    const out = new Map<string, tf.Tensor>();
    for (const [name, sum] of this.sums) out.set(name, tf.tidy(() => tf.mul(sum, s)));
    return out;
  }

  /** Disposes the running sums and sets the micro-batch count to 0. */
  reset(): void {
    for (const t of this.sums.values()) t.dispose();
    this.sums.clear();
    this.count = 0;
  }

  /** Same as reset(): frees every tensor the accumulator holds. */
  dispose(): void {
    this.reset();
  }
}
