/**
 * A warm-up worker process (see sft-workers.ts): holds a copy of the student and, for each step, takes the current
 * weights and a shard of the batch and answers with the shard's gradients. Started by SftWorkers with `fork`; talks
 * over the IPC channel only.
 */
import { initBackend, tf } from '@rfai/core';
import { CausalLM, type ModelConfig } from '@rfai/models';
import { sftShardGradients, type SftRow, type SftStepOptions } from './sft';

/** Messages from the parent. */
export type ToWorker =
  | { type: 'init'; config: ModelConfig; names: string[]; shapes: number[][]; backend: 'wasm' | 'cpu'; threads: number }
  | { type: 'step'; id: number; weights: Float32Array[]; rows: SftRow[]; total: number; o: SftStepOptions };

/** Messages to the parent. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'grads'; id: number; grads: Float32Array[]; nll: number }
  | { type: 'error'; id: number | null; message: string };

let model: CausalLM | null = null;

function reply(m: FromWorker): void {
  process.send!(m);
}

async function handle(m: ToWorker): Promise<void> {
  if (m.type === 'init') {
    await initBackend({ backend: m.backend, threads: m.backend === 'wasm' ? m.threads : undefined, log: () => undefined });
    const params = new Map<string, tf.Variable>();
    m.names.forEach((name, i) => params.set(name, tf.variable(tf.zeros(m.shapes[i], 'float32'), true, `w${i}`)));
    model = new CausalLM(m.config, params);
    reply({ type: 'ready' });
    return;
  }
  const policy = model!;
  const vars = [...policy.params.values()];
  m.weights.forEach((w, i) => {
    const t = tf.tensor(w, vars[i].shape, 'float32');
    vars[i].assign(t);
    t.dispose();
  });
  const { grads, nll } = sftShardGradients(policy, m.rows, m.total, m.o);
  const data = grads.map((g) => g.dataSync() as Float32Array);
  grads.forEach((g) => g.dispose());
  reply({ type: 'grads', id: m.id, grads: data, nll });
}

process.on('message', (m: ToWorker) => {
  handle(m).catch((e: unknown) => reply({ type: 'error', id: m.type === 'step' ? m.id : null, message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
});
process.on('disconnect', () => process.exit(0));
// Ctrl-C reaches the whole process group: the parent decides (it finishes the step, saves and closes the workers).
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
