// Benchmark for @rfai/policy-gradient-kl: computeAdvantages throughput, and policyLoss forward (loss + metrics)
// and forward + backward (gradient w.r.t. the log-probs) per batch shape, on the backend named by argv[2]
// ('cpu' default, or 'wasm'). Run: `npx tsx tools/bench/policy-gradient-kl.ts [cpu|wasm]` or
// `NX_DAEMON=false npx nx run policy-gradient-kl:bench`. Prints one JSON object; times in milliseconds.
import { initBackend, tf } from '../../packages/core/src/index';
import { computeAdvantages, policyLoss } from '../../packages/policy-gradient-kl/src/index';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

function timeIt(reps: number, fn: () => void): number {
  fn(); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / reps;
}

async function main(): Promise<void> {
  const backend = (process.argv[2] ?? 'cpu') as 'cpu' | 'wasm';
  const info = await initBackend({ backend, log: () => undefined });
  const u = lcg(1);

  const nAdv = 4096;
  const rewards = Array.from({ length: nAdv }, () => (u() < 0.02 ? NaN : u()));
  const groups = Array.from({ length: nAdv }, (_, i) => Math.floor(i / 8));
  const advMs = timeIt(50, () => computeAdvantages(rewards, groups, { estimator: 'grpo' }));

  const shapes: [number, number][] = [
    [16, 128],
    [16, 512],
    [64, 512],
  ];
  const loss: Record<string, { forward_ms: number; forward_backward_ms: number; tokens: number }> = {};
  for (const [n, t] of shapes) {
    const lengths = Array.from({ length: n }, () => 1 + Math.floor(u() * t));
    const mask = tf.tensor2d(Array.from({ length: n * t }, (_, k) => ((k % t) < lengths[Math.floor(k / t)] ? 1 : 0)), [n, t]);
    const lpArr = Array.from({ length: n * t }, () => -3 * u());
    const lp = tf.tensor2d(lpArr, [n, t]);
    const old = tf.tensor2d(lpArr.map((x) => x + 0.2 * (u() - 0.5)), [n, t]);
    const ref = tf.tensor2d(lpArr.map((x) => x + 0.4 * (u() - 0.5)), [n, t]);
    const ent = tf.tensor2d(Array.from({ length: n * t }, () => 2 * u()), [n, t]);
    const adv = Array.from({ length: n }, () => 2 * u() - 1);
    const opts = { oldLogprobs: old, refLogprobs: ref, entropy: ent, mask, advantages: adv, klCoef: 0.04, entropyCoef: 0.001 };
    const reps = n * t > 10000 ? 10 : 30;
    const forward = timeIt(reps, () => policyLoss({ ...opts, logprobs: lp }).loss.dispose());
    const grad = tf.grad((x: tf.Tensor) => policyLoss({ ...opts, logprobs: x as tf.Tensor2D }).loss);
    const fb = timeIt(reps, () => grad(lp).dispose());
    loss[`${n}x${t}`] = {
      forward_ms: +forward.toFixed(3),
      forward_backward_ms: +fb.toFixed(3),
      tokens: lengths.reduce((a, b) => a + b, 0),
    };
    tf.dispose([mask, lp, old, ref, ent]);
  }
  console.log(
    JSON.stringify({
      bench: 'policy-gradient-kl',
      backend: info.name,
      node: process.version,
      compute_advantages_grpo: { samples: nAdv, group_size: 8, ms: +advMs.toFixed(3) },
      policy_loss: loss,
      tensors_alive: tf.memory().numTensors,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
