import { AdamW, clipByGlobalNorm, globalNorm, tf, type OptimizerStateDict } from '@rfai/core';
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
  return {
    applyGradients(grads, lr, maxGradNorm) {
      let norm: number;
      let use = grads;
      let clipped: Map<string, tf.Tensor> | null = null;
      if (maxGradNorm > 0) {
        const c = clipByGlobalNorm(grads, maxGradNorm);
        clipped = c.grads;
        use = c.grads;
        norm = c.norm;
      } else {
        norm = globalNorm(grads);
      }
      try {
        const r = adam.step(use, lr);
        return { gradNorm: norm, skipped: !r.applied, nonFinite: r.nonFinite.map((n) => n.name) };
      } finally {
        if (clipped) for (const g of clipped.values()) g.dispose();
      }
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
