/**
 * A training worker process (see workers.ts): holds a copy of the student (and, for the RFAI update, of its frozen
 * reference) and, for each step, takes the current trainable weights and a shard of the batch and answers with the
 * shard's gradients: of the warm-up loss (`sft`) or of the policy-gradient loss (`rfai`), or with the completions
 * of a share of the step's prompts (`generate`, rfai.parallel_generation). Started by TrainWorkers with `fork`;
 * talks over the IPC channel only.
 */
import { initBackend, Rng, tf, type RngState } from '@rfai/core';
import {
  applyLora,
  CausalLM,
  generate,
  tokenizerFromSpec,
  withAdaptersDisabled,
  type GenerateOptions,
  type GenerationResult,
  type ModelConfig,
  type Tokenizer,
  type TokenizerSpec,
} from '@rfai/models';
import { sftShardGradients, type SftRow, type SftStepOptions } from './sft';
import { disposeMicros, prepareShard, shardGradients, type Micro, type ShardOptions, type ShardSums, type UpdateBatch } from './update';

/** LoRA adapters of the policy (the worker attaches them as the parent did; their values arrive with each step). */
export interface LoraSpec {
  r: number;
  alpha: number;
  dropout: number;
  targetModules: string[];
}

/** The sampling settings of a `generate` message (plain data; the rows' generators travel as their states). */
export type WorkerGenerateOptions = Pick<GenerateOptions, 'maxNewTokens' | 'temperature' | 'topK' | 'topP' | 'greedy' | 'stopStrings' | 'eosTokenIds'>;

/** Messages from the parent. */
export type ToWorker =
  | {
      type: 'init';
      config: ModelConfig;
      /** Base parameters of the policy, their shapes and whether they train. */
      names: string[];
      shapes: number[][];
      trainable: boolean[];
      lora: LoraSpec | null;
      /** Names of the trainable parameters, in `trainableParams()` order (checked against the worker's model). */
      trainableNames: string[];
      /** Whether a reference model's weights (full fine-tuning, every base parameter) follow; false: none (or the LoRA base). */
      reference: boolean;
      gradientCheckpointing: boolean | number | 'auto';
      backend: 'wasm' | 'cpu';
      threads: number;
      /** How to load the student's tokenizer (decoding and stop strings of `generate`); null: the worker cannot sample. */
      tokenizer: TokenizerSpec | null;
    }
  /**
   * After `init`, the weights sent once, in pieces (one structured-clone message cannot carry the 2.4 GB of a
   * Qwen3-0.6B base): `values` are elements [offset, offset + values.length) of base parameter `index` (in `names`
   * order) of the frozen base (`frozen`: the parameters that do not train) or of the reference model (`reference`).
   */
  | { type: 'weights'; part: 'frozen' | 'reference'; index: number; offset: number; values: Float32Array }
  /** Every piece is sent: the worker builds its models and answers `ready`. */
  | { type: 'init-end' }
  | { type: 'sft'; id: number; weights: Float32Array[]; rows: SftRow[]; total: number; o: SftStepOptions }
  | { type: 'rfai'; id: number; weights: Float32Array[]; epoch: number; shard: UpdateBatch | null; o: ShardOptions }
  /** Sample completions of `prompts` with the given weights; row i draws from the generator restored from rngs[i] (null: greedy). */
  | { type: 'generate'; id: number; weights: Float32Array[]; prompts: number[][]; rngs: RngState[] | null; o: WorkerGenerateOptions };

/** Messages to the parent. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'sft'; id: number; grads: Float32Array[]; nll: number }
  | { type: 'rfai'; id: number; grads: Float32Array[] | null; sums: ShardSums }
  | { type: 'generate'; id: number; results: GenerationResult[] }
  | { type: 'error'; id: number | null; message: string };

let policy: CausalLM | null = null;
/**
 * The `init` message and the weights of its `weights` pieces, until `init-end`: a parameter's pieces gather in a JS
 * buffer (`partial`) and it moves into the backend as soon as the last one is in (`frozen` / `reference`), so the
 * worker never holds more than one parameter twice (with a 0.5 B base: 2 GB of JS buffers otherwise, beside the
 * 2 GB in the backend).
 */
let pending: {
  init: Extract<ToWorker, { type: 'init' }>;
  partial: Map<string, { buf: Float32Array; filled: number }>;
  frozen: Map<number, tf.Variable>;
  reference: Map<number, tf.Variable>;
} | null = null;
let reference: CausalLM | null = null;
/** The student's tokenizer, loaded at the first `generate` from the init message's spec. */
let tokenizerSpecOf: TokenizerSpec | null = null;
let tokenizer: Tokenizer | null = null;
/** The RFAI shard of the current step and its frozen log-probs, kept from epoch 0 to the last epoch. */
let current: { shard: UpdateBatch; micros: Micro[] } | null = null;

function reply(m: FromWorker): void {
  process.send!(m);
}

function assign(v: tf.Variable, data: Float32Array): void {
  const t = tf.tensor(data, v.shape, 'float32');
  v.assign(t);
  t.dispose();
}

/**
 * Copies one piece of the frozen weights into place (the whole parameter is allocated at its first piece); the
 * parameter becomes a (non-trainable) variable once all its elements are in. Pieces never overlap (workers.ts).
 */
function receive(m: Extract<ToWorker, { type: 'weights' }>): void {
  if (!pending) throw new Error('weights received before init');
  const { init: i } = pending;
  const size = tf.util.sizeFromShape(i.shapes[m.index]);
  if (m.offset + m.values.length > size) throw new Error(`weights of ${i.names[m.index]} beyond its ${size} elements`);
  const key = `${m.part}:${m.index}`;
  let p = pending.partial.get(key);
  if (!p) pending.partial.set(key, (p = { buf: new Float32Array(size), filled: 0 }));
  p.buf.set(m.values, m.offset);
  p.filled += m.values.length;
  if (p.filled < size) return;
  pending.partial.delete(key);
  // The initial tensor is freed once the variable holds its data: a variable shares the tensor's data, and a tensor
  // left alive keeps a second reference (with the 0.5 B base, 2 GB more of a 4 GiB wasm heap).
  const buf = p.buf;
  const v = tf.tidy(() => tf.variable(tf.tensor(buf, i.shapes[m.index], 'float32'), false, `${m.part === 'frozen' ? 'w' : 'ref'}${m.index}`));
  (m.part === 'frozen' ? pending.frozen : pending.reference).set(m.index, v);
}

function init(m: Extract<ToWorker, { type: 'init' }>, frozen: Map<number, tf.Variable>, refWeights: Map<number, tf.Variable>): void {
  const missing = m.names.findIndex((_, i) => (!m.trainable[i] && !frozen.has(i)) || (m.reference && !refWeights.has(i)));
  if (missing >= 0) throw new Error(`the weights of ${m.names[missing]} never arrived`);
  const params = new Map<string, tf.Variable>();
  // A frozen parameter arrived as a variable; a trainable one starts as zeros (its values come with each step).
  m.names.forEach((name, i) => {
    params.set(name, m.trainable[i] ? tf.tidy(() => tf.variable(tf.zeros(m.shapes[i], 'float32'), true, `w${i}`)) : frozen.get(i)!);
  });
  const model = new CausalLM(m.config, params);
  if (m.lora) applyLora(model, { r: m.lora.r, alpha: m.lora.alpha, dropout: m.lora.dropout, targetModules: m.lora.targetModules });
  // applyLora freezes every base parameter; the parent's flags decide.
  m.names.forEach((name, i) => (params.get(name)!.trainable = m.trainable[i]));
  const names = [...model.trainableParams().keys()];
  if (names.join('\n') !== m.trainableNames.join('\n')) {
    throw new Error(`the worker's trainable parameters (${names.length}) differ from the trainer's (${m.trainableNames.length})`);
  }
  model.gradientCheckpointing = m.gradientCheckpointing;
  policy = model;
  tokenizerSpecOf = m.tokenizer;
  if (m.reference) reference = new CausalLM(m.config, new Map(m.names.map((name, i) => [name, refWeights.get(i)!])));
}

function setWeights(weights: Float32Array[]): CausalLM {
  const model = policy!;
  const vars = [...model.trainableParams().values()];
  if (weights.length !== vars.length) throw new Error(`expected ${vars.length} trainable tensors, got ${weights.length}`);
  weights.forEach((w, i) => assign(vars[i], w));
  return model;
}

/** Runs `fn` with the frozen reference: the reference model (full fine-tuning) or the base with adapters off (LoRA). */
function withReference<T>(fn: (ref: CausalLM) => T): T {
  if (reference) return fn(reference);
  if (policy!.lora.size > 0) return withAdaptersDisabled(policy!, () => fn(policy!));
  throw new Error('this worker holds no reference model (started for the warm-up only)');
}

async function handle(m: ToWorker): Promise<void> {
  if (m.type === 'init') {
    await initBackend({ backend: m.backend, threads: m.backend === 'wasm' ? m.threads : undefined, log: () => undefined });
    pending = { init: m, partial: new Map(), frozen: new Map(), reference: new Map() };
    return;
  }
  if (m.type === 'weights') return receive(m);
  if (m.type === 'init-end') {
    if (!pending) throw new Error('init-end before init');
    const p = pending;
    pending = null;
    init(p.init, p.frozen, p.reference);
    reply({ type: 'ready' });
    return;
  }
  const model = setWeights(m.weights);
  if (m.type === 'generate') {
    if (!tokenizerSpecOf) throw new Error('this worker was started without the student\'s tokenizer; it cannot sample');
    tokenizer ??= tokenizerFromSpec(tokenizerSpecOf);
    const results = generate(model, m.prompts, { ...m.o, tokenizer, rowRngs: m.rngs ? m.rngs.map((st) => Rng.fromState(st)) : undefined });
    reply({ type: 'generate', id: m.id, results });
    return;
  }
  if (m.type === 'sft') {
    const { grads, nll } = sftShardGradients(model, m.rows, m.total, m.o);
    const data = grads.map((g) => g.dataSync() as Float32Array);
    grads.forEach((g) => g.dispose());
    reply({ type: 'sft', id: m.id, grads: data, nll });
    return;
  }
  if (m.epoch === 0) {
    if (current) disposeMicros(current.micros);
    current = null;
    current = { shard: m.shard!, micros: prepareShard(model, withReference, m.shard!, m.o) };
  } else if (!current) {
    throw new Error(`update epoch ${m.epoch + 1} without the shard of epoch 1`);
  }
  const step = current;
  if (m.epoch === m.o.rfai.update_epochs - 1) current = null;
  try {
    const { grads, sums } = shardGradients(model, step.shard, step.micros, m.o);
    const data = grads ? grads.map((g) => g.dataSync() as Float32Array) : null;
    grads?.forEach((g) => g.dispose());
    reply({ type: 'rfai', id: m.id, grads: data, sums });
  } finally {
    if (current !== step) disposeMicros(step.micros);
  }
}

// One message at a time, in order: `init` awaits the backend while the weights' pieces are already arriving.
let queue: Promise<void> = Promise.resolve();
process.on('message', (m: ToWorker) => {
  queue = queue.then(() =>
    handle(m).catch((e: unknown) =>
      reply({ type: 'error', id: m.type === 'sft' || m.type === 'rfai' || m.type === 'generate' ? m.id : null, message: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    ),
  );
});
process.on('disconnect', () => process.exit(0));
// Ctrl-C reaches the whole process group: the parent decides (it finishes the step, saves and closes the workers).
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
