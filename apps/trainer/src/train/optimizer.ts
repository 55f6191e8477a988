import { AdamW, clipCoefficient, globalNorm, tf, type OptimizerStateDict } from '@rfai/core';
import type { TensorData } from '@rfai/checkpoint-io';
import type { RfaiConfig } from '@rfai/config';

/** What one optimizer step did. */
export interface AppliedStep {
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** True when the update was skipped because a gradient held NaN/Inf. */
  skipped: boolean;
  /** Names of the parameters with non-finite gradients. */
  nonFinite: string[];
}

/** AdamW with global-norm clipping, as the trainer uses it. */
export interface Optimizer {
  /** Clips (when maxGradNorm > 0) and applies one AdamW step. Does not dispose `grads`. */
  applyGradients(grads: Map<string, tf.Tensor>, lr: number, maxGradNorm: number): AppliedStep;
  /** State (step, moments) as named F32 tensors for optimizer.safetensors. */
  stateTensors(): Record<string, TensorData>;
  /** Restores state saved by stateTensors. */
  loadState(state: Record<string, TensorData>): void;
  /** Forgets the moments and step count (a new phase starts from a fresh optimizer). */
  reset(): void;
  dispose(): void;
}

/** AdamW over the trainable parameters with training.* hyper-parameters (no decay on norms and biases). */
export function createOptimizer(params: Map<string, tf.Variable>, cfg: RfaiConfig): Optimizer {
  const t = cfg.training;
  const adam = new AdamW(params, {
    betas: [t.adam_beta1, t.adam_beta2],
    eps: t.adam_epsilon,
    weightDecay: t.weight_decay,
  });
  // Before the first update (see allocateState: the wasm heap's layout).
  adam.allocateState();
  return {
    applyGradients(grads, lr, maxGradNorm) {
      // Clipping scales each gradient as the optimizer reaches it (gradScale) instead of copying them all first.
      const norm = globalNorm(grads);
      const gradScale = maxGradNorm > 0 ? clipCoefficient(norm, maxGradNorm) : 1;
      const r = adam.step(grads, lr, { gradScale });
      return { gradNorm: norm, skipped: !r.applied, nonFinite: r.nonFinite.map((n) => n.name) };
    },
    stateTensors() {
      const s: OptimizerStateDict = adam.stateDict();
      return s as unknown as Record<string, TensorData>;
    },
    loadState(state) {
      adam.loadStateDict(state as unknown as Record<string, { shape: number[]; data: ArrayLike<number> }>);
    },
    reset() {
      adam.reset();
    },
    dispose() {
      adam.dispose();
    },
  };
}
