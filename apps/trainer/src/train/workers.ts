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
import type { RngState, tf } from '@rfai/core';
import type { CausalLM, TokenizerSpec } from '@rfai/models';
import type { SftRow, SftShardRunner, SftStepOptions } from './sft';
import type { ShardOptions, ShardResult, UpdateBatch, UpdateShardRunner } from './update';
import type { FromWorker, ToWorker, WorkerGenerateOptions } from './worker';

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
  /** Most float32 elements in one message of the weights sent at start (default {@link WEIGHT_PIECE_ELEMENTS}). */
  pieceElements?: number;
  /** The student's tokenizer, for sampling on the workers ({@link TrainWorkers.dispatchGenerate}); absent: they cannot sample. */
  tokenizer?: TokenizerSpec | null;
}

/**
 * Elements per message of the frozen weights sent at start: 16 Mi (64 MB). Structured clone fails on one message of
 * gigabytes ("Unable to deserialize cloned data" with a Qwen3-0.6B base, 2.4 GB), and pieces keep the copies small.
 */
export const WEIGHT_PIECE_ELEMENTS = 16 * 2 ** 20;

/** Sends one message; resolves once it is written (the IPC channel's backpressure), rejects when it cannot be. */
function send(child: ChildProcess, m: ToWorker): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!child.connected) return reject(new WorkerError('the worker is gone'));
    child.send(m, (e) => (e ? reject(e) : resolve()));
  });
}

export class TrainWorkers implements SftShardRunner, UpdateShardRunner {
  private nextId = 0;
  private constructor(
    private readonly pool: Worker[],
    private readonly label: string,
    /** Whether the workers were given the tokenizer (they can sample). */
    readonly canGenerate: boolean,
  ) {}

  get workers(): number {
    return this.pool.length;
  }

  /** The worker processes' ids (benchmarks read their memory). */
  get pids(): number[] {
    return this.pool.map((w) => w.child.pid).filter((p): p is number => p !== undefined);
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
    const refParams =
      ref && ref !== policy
        ? params.map(([name, v]) => {
            const w = ref.params.get(name);
            if (!w || w.shape.join(',') !== v.shape.join(',')) throw new WorkerError(`${opts.label} workers: the reference model lacks ${name} or its shape differs`);
            return w;
          })
        : null;
    const init: ToWorker = {
      type: 'init',
      config: policy.config,
      names: params.map(([name]) => name),
      shapes: params.map(([, v]) => v.shape),
      trainable: params.map(([, v]) => v.trainable),
      lora: lora ? { r: lora.r, alpha: lora.alpha, dropout: lora.dropout, targetModules: lora.targetModules } : null,
      trainableNames,
      reference: refParams !== null,
      gradientCheckpointing: policy.gradientCheckpointing,
      backend: opts.backend,
      threads: 1,
      tokenizer: opts.tokenizer ?? null,
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
    const workers = new TrainWorkers(pool, opts.label, (opts.tokenizer ?? null) !== null);
    try {
      // The weights that do not train, once, in pieces; each read out of the backend once for all workers.
      const piece = Math.max(1, Math.floor(opts.pieceElements ?? WEIGHT_PIECE_ELEMENTS));
      const uploads: Array<['frozen' | 'reference', number, tf.Variable]> = [
        ...params.flatMap(([, v], i): Array<['frozen', number, tf.Variable]> => (v.trainable ? [] : [['frozen', i, v]])),
        ...(refParams ?? []).map((w, i): ['reference', number, tf.Variable] => ['reference', i, w]),
      ];
      for (const [part, index, v] of uploads) {
        const data = v.dataSync() as Float32Array;
        for (let offset = 0; offset === 0 || offset < data.length; offset += piece) {
          // A copy, not a view: structured clone sends a view's whole buffer.
          const values = data.slice(offset, offset + piece);
          await Promise.all(pool.map((w) => send(w.child, { type: 'weights', part, index, offset, values })));
        }
      }
      await Promise.all(pool.map((w) => send(w.child, { type: 'init-end' })));
      await Promise.all(started);
    } catch (e) {
      // A worker that died mid-upload fails the send too: its own error says why.
      const dead = pool.find((w) => w.failed)?.failed;
      workers.close();
      throw dead ?? e;
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
      sent.push(send(w.child, make(id)));
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

  /**
   * Samples completions on the first `shards.length` workers with the policy's current weights: shard k's prompts,
   * row i drawing from the generator restored from its `rngs[i]` (null: greedy). Resolves once the messages are
   * written, with the promise of each shard's results in order.
   */
  async dispatchGenerate(policy: CausalLM, shards: Array<{ prompts: number[][]; rngs: RngState[] | null }>, o: WorkerGenerateOptions) {
    if (!this.canGenerate) throw new WorkerError(`${this.label} workers: started without the student's tokenizer, they cannot sample`);
    const weights = TrainWorkers.weights(policy);
    const { results } = await this.post(shards.map((s) => (id: number): ToWorker => ({ type: 'generate', id, weights, prompts: s.prompts, rngs: s.rngs, o })));
    const all = results.then((rs) => (rs as Array<Extract<Reply, { type: 'generate' }>>).map((x) => x.results));
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
