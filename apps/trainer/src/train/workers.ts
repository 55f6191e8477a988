/**
 * Data-parallel training over worker processes (config `sft.workers` for the warm-up, `rfai.workers` for the RFAI
 * policy update). At the tiny preset's shape the wasm backend runs a step's many small kernels on one thread
 * (XNNPACK threads only the matmuls), so a second core is used best by a second process computing part of the batch.
 * Each step sends the current trainable weights and a shard to every worker (worker.ts) and gets the shard's
 * gradients back; the parent sums them and takes the one optimizer step, so every process computes with the same
 * weights and the result is the one-process step up to float rounding. What does not train (the frozen KL
 * reference, the base under LoRA) is sent once, when the workers start.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { CausalLM } from '@rfai/models';
import type { SftRow, SftShardRunner, SftStepOptions } from './sft';
import type { ShardOptions, ShardResult, UpdateBatch, UpdateShardRunner } from './update';
import type { FromWorker, ToWorker } from './worker';

/** A worker that died or answered with an error. */
export class WorkerError extends Error {}

type Reply = Exclude<FromWorker, { type: 'ready' } | { type: 'error' }>;

interface Worker {
  child: ChildProcess;
  waiting: Map<number, { resolve: (m: Reply) => void; reject: (e: Error) => void }>;
  failed: Error | null;
}

export interface StartOptions {
  backend: 'wasm' | 'cpu';
  /** What the workers compute, for messages: `sft` or `rfai` ("rfai worker 2 exited (SIGKILL)"). */
  label: string;
  /**
   * The frozen KL reference the RFAI update needs: a model (full fine-tuning; its weights are sent once), the
   * policy itself (LoRA: the base with adapters off, which the workers already hold), or null (the warm-up).
   */
  reference?: CausalLM | null;
}

export class TrainWorkers implements SftShardRunner, UpdateShardRunner {
  private nextId = 0;
  private constructor(
    private readonly pool: Worker[],
    private readonly label: string,
  ) {}

  get workers(): number {
    return this.pool.length;
  }

  /**
   * Starts `n` worker processes holding the structure of `policy` (its trainable weights arrive with each step), each
   * on one backend thread. Rejects with WorkerError when one cannot start.
   */
  static async start(policy: CausalLM, n: number, opts: StartOptions): Promise<TrainWorkers> {
    const params = [...policy.params.entries()];
    const trainableNames = [...policy.trainableParams().keys()];
    const ref = opts.reference ?? null;
    if (ref && ref !== policy && ref.lora.size > 0) throw new WorkerError(`${opts.label} workers: the reference model carries LoRA adapters`);
    const lora = policy.loraConfig;
    if (ref === policy && !lora) throw new WorkerError(`${opts.label} workers: the reference is the policy itself but it has no LoRA adapters`);
    const referenceWeights =
      ref && ref !== policy
        ? params.map(([name, v]) => {
            const w = ref.params.get(name);
            if (!w || w.shape.join(',') !== v.shape.join(',')) throw new WorkerError(`${opts.label} workers: the reference model lacks ${name} or its shape differs`);
            return w.dataSync() as Float32Array;
          })
        : null;
    const init: ToWorker = {
      type: 'init',
      config: policy.config,
      names: params.map(([name]) => name),
      shapes: params.map(([, v]) => v.shape),
      trainable: params.map(([, v]) => v.trainable),
      frozen: params.filter(([, v]) => !v.trainable).map(([, v]) => v.dataSync() as Float32Array),
      lora: lora ? { r: lora.r, alpha: lora.alpha, dropout: lora.dropout, targetModules: lora.targetModules } : null,
      trainableNames,
      reference: referenceWeights,
      gradientCheckpointing: policy.gradientCheckpointing,
      backend: opts.backend,
      threads: 1,
    };
    const file = path.join(__dirname, 'worker.ts');
    const pool: Worker[] = [];
    const started: Array<Promise<void>> = [];
    for (let k = 0; k < n; k++) {
      const child = fork(file, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const w: Worker = { child, waiting: new Map(), failed: null };
      pool.push(w);
      const name = `${opts.label} worker ${k + 1}`;
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
            else if (m.type === 'error') {
              const e = new WorkerError(`${name}: ${m.message}`);
              if (m.id === null) reject(e);
              else {
                w.waiting.get(m.id)?.reject(e);
                w.waiting.delete(m.id);
              }
            } else {
              const p = w.waiting.get(m.id);
              w.waiting.delete(m.id);
              p?.resolve(m);
            }
          });
          child.on('exit', (code, signal) => {
            const e = new WorkerError(`${name} exited (${signal ?? `code ${code}`})`);
            fail(e);
            reject(e);
          });
          child.on('error', (e) => {
            fail(e);
            reject(e);
          });
        }),
      );
      child.send(init);
    }
    const workers = new TrainWorkers(pool, opts.label);
    try {
      await Promise.all(started);
    } catch (e) {
      workers.close();
      throw e;
    }
    return workers;
  }

  /**
   * Sends one message to each of the first `msgs.length` workers; resolves once they are written, with the promise of
   * the replies in order.
   */
  private async post(msgs: Array<(id: number) => ToWorker>): Promise<{ results: Promise<Reply[]> }> {
    if (msgs.length > this.pool.length) throw new WorkerError(`${this.label} workers: ${msgs.length} shards for ${this.pool.length} workers`);
    const dead = this.pool.slice(0, msgs.length).find((w) => w.failed);
    if (dead) throw dead.failed;
    const results: Array<Promise<Reply>> = [];
    const sent: Array<Promise<void>> = [];
    msgs.forEach((make, k) => {
      const w = this.pool[k];
      const id = this.nextId++;
      results.push(
        new Promise((resolve, reject) => {
          if (w.failed) return reject(w.failed);
          w.waiting.set(id, { resolve, reject });
        }),
      );
      sent.push(new Promise<void>((resolve, reject) => w.child.send(make(id), (e) => (e ? reject(e) : resolve()))));
    });
    const all = Promise.all(results);
    all.catch(() => undefined); // the caller awaits it; a send that fails rejects below first
    await Promise.all(sent);
    return { results: all };
  }

  /** The trainable weights of the policy, in `trainableParams()` order. */
  private static weights(policy: CausalLM): Float32Array[] {
    return [...policy.trainableParams().values()].map((v) => v.dataSync() as Float32Array);
  }

  async dispatch(policy: CausalLM, shards: SftRow[][], total: number, o: SftStepOptions) {
    const weights = TrainWorkers.weights(policy);
    const { results } = await this.post(shards.map((rows) => (id: number): ToWorker => ({ type: 'sft', id, weights, rows, total, o })));
    const all = results.then((rs) => {
      const r = rs as Array<Extract<Reply, { type: 'sft' }>>;
      return { grads: r.map((x) => x.grads), nll: r.map((x) => x.nll) };
    });
    all.catch(() => undefined);
    return { results: all };
  }

  async dispatchUpdate(policy: CausalLM, shards: Array<UpdateBatch | null>, epoch: number, o: ShardOptions) {
    const weights = TrainWorkers.weights(policy);
    const { results } = await this.post(shards.map((shard) => (id: number): ToWorker => ({ type: 'rfai', id, weights, epoch, shard, o })));
    const all = results.then((rs) => (rs as Array<Extract<Reply, { type: 'rfai' }>>).map((x): ShardResult => ({ grads: x.grads, sums: x.sums })));
    all.catch(() => undefined);
    return { results: all };
  }

  /** Stops the workers. */
  close(): void {
    for (const w of this.pool) {
      w.failed ??= new WorkerError(`${this.label} workers closed`);
      if (w.child.connected) w.child.disconnect();
      if (w.child.exitCode === null) w.child.kill();
    }
  }
}
