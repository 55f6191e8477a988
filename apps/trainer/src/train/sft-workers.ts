/**
 * Data-parallel warm-up over worker processes (config `sft.workers`). At the tiny preset's shape the wasm backend
 * runs a step's many small kernels on one thread (XNNPACK threads only the matmuls), so a second core is used best
 * by a second process computing half of the batch. Each step sends the current weights and a shard to every worker
 * (sft-worker.ts) and gets the shard's gradients back; the parent sums them and takes the one optimizer step, so
 * every process computes with the same weights and the result is the one-process step up to float rounding.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { CausalLM } from '@rfai/models';
import type { SftRow, SftShardRunner, SftStepOptions } from './sft';
import type { FromWorker, ToWorker } from './sft-worker';

/** A worker that died or answered with an error. */
export class SftWorkerError extends Error {}

interface Worker {
  child: ChildProcess;
  waiting: Map<number, { resolve: (m: { grads: Float32Array[]; nll: number }) => void; reject: (e: Error) => void }>;
  failed: Error | null;
}

export class SftWorkers implements SftShardRunner {
  private nextId = 0;
  private constructor(private readonly pool: Worker[]) {}

  get workers(): number {
    return this.pool.length;
  }

  /**
   * Starts `n` worker processes holding the structure of `policy` (its weights arrive with each step), each on one
   * backend thread. Rejects with SftWorkerError when one cannot start.
   */
  static async start(policy: CausalLM, n: number, opts: { backend: 'wasm' | 'cpu' }): Promise<SftWorkers> {
    const params = [...policy.params.entries()];
    const trainable = [...policy.trainableParams().keys()];
    if (trainable.length !== params.length || trainable.some((k, i) => k !== params[i][0])) {
      throw new SftWorkerError('sft.workers: a data-parallel warm-up trains every base parameter (no LoRA, none frozen)');
    }
    const file = path.join(__dirname, 'sft-worker.ts');
    const pool: Worker[] = [];
    const started: Array<Promise<void>> = [];
    for (let k = 0; k < n; k++) {
      const child = fork(file, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const w: Worker = { child, waiting: new Map(), failed: null };
      pool.push(w);
      const fail = (e: Error) => {
        if (w.failed) return;
        w.failed = e;
        for (const p of w.waiting.values()) p.reject(e);
        w.waiting.clear();
      };
      started.push(
        new Promise<void>((resolve, reject) => {
          child.on('message', (m: FromWorker) => {
            if (m.type === 'ready') resolve();
            else if (m.type === 'grads') {
              const p = w.waiting.get(m.id);
              w.waiting.delete(m.id);
              p?.resolve({ grads: m.grads, nll: m.nll });
            } else {
              const e = new SftWorkerError(`sft worker ${k + 1}: ${m.message}`);
              if (m.id === null) reject(e);
              else {
                w.waiting.get(m.id)?.reject(e);
                w.waiting.delete(m.id);
              }
            }
          });
          child.on('exit', (code, signal) => {
            const e = new SftWorkerError(`sft worker ${k + 1} exited (${signal ?? `code ${code}`})`);
            fail(e);
            reject(e);
          });
          child.on('error', (e) => {
            fail(e);
            reject(e);
          });
        }),
      );
      const init: ToWorker = {
        type: 'init',
        config: policy.config,
        names: params.map(([name]) => name),
        shapes: params.map(([, v]) => v.shape),
        backend: opts.backend,
        threads: 1,
      };
      child.send(init);
    }
    const workers = new SftWorkers(pool);
    try {
      await Promise.all(started);
    } catch (e) {
      workers.close();
      throw e;
    }
    return workers;
  }

  async dispatch(policy: CausalLM, shards: SftRow[][], total: number, o: SftStepOptions) {
    if (shards.length > this.pool.length) throw new SftWorkerError(`sft workers: ${shards.length} shards for ${this.pool.length} workers`);
    const dead = this.pool.slice(0, shards.length).find((w) => w.failed);
    if (dead) throw dead.failed;
    const weights = [...policy.params.values()].map((v) => v.dataSync() as Float32Array);
    const results: Array<Promise<{ grads: Float32Array[]; nll: number }>> = [];
    const sent: Array<Promise<void>> = [];
    shards.forEach((rows, k) => {
      const w = this.pool[k];
      const id = this.nextId++;
      results.push(
        new Promise((resolve, reject) => {
          if (w.failed) return reject(w.failed);
          w.waiting.set(id, { resolve, reject });
        }),
      );
      const msg: ToWorker = { type: 'step', id, weights, rows, total, o };
      sent.push(new Promise<void>((resolve, reject) => w.child.send(msg, (e) => (e ? reject(e) : resolve()))));
    });
    const all = Promise.all(results).then((rs) => ({ grads: rs.map((r) => r.grads), nll: rs.map((r) => r.nll) }));
    all.catch(() => undefined); // the caller awaits it; a send that fails rejects below first
    await Promise.all(sent);
    return { results: all };
  }

  /** Stops the workers. */
  close(): void {
    for (const w of this.pool) {
      w.failed ??= new SftWorkerError('sft workers closed');
      if (w.child.connected) w.child.disconnect();
      if (w.child.exitCode === null) w.child.kill();
    }
  }
}
