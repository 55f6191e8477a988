import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, defaultConfigPath, loadConfig, resolveConfigPath, type LoadedConfig, type RfaiConfig } from '@rfai/config';
import * as core from '@rfai/core';
import { initBackend, ownedVariable, Rng, tf } from '@rfai/core';
import { loadDataset, type DatasetRecord } from '@rfai/datasets';
import {
  applyLora,
  builtinTokenizer,
  createModel,
  generate,
  tokenizerSpec,
  LORA_TARGETS,
  presetConfig,
  referenceConfig,
  CausalLM,
  type ModelConfig,
} from '@rfai/models';
import { computeAdvantages } from '@rfai/policy-gradient-kl';
import { createTeacher } from '@rfai/teacher-clients';
import { parseArgs, positiveInt } from '../cli-args';
import { gradeAll } from '../train/grading';
import { checkpointRoundTrip, type CheckpointReport } from './bench-checkpoint';
import { generateParallel } from '../train/parallel-generation';
import { createOptimizer } from '../train/optimizer';
import { encodePrompt, resolvePromptStyle } from '../train/prompt-format';
import { computeRewards } from '../train/rewards';
import { studentFromModel } from '../train/student';
import { policyUpdate, policyUpdateParallel, type UpdateContext, type UpdateTimings } from '../train/update';
import { TrainWorkers } from '../train/workers';
import { teacherOptions } from '../train/setup';

/**
 * `nx run trainer:bench-scale -- --model qwen2.5-0.5b|qwen3-0.6b|tiny|small|base --prompts N --samples G
 *   --new-tokens T --steps S [--lora --lora-r 16 --lora-targets q_proj,k_proj,v_proj,o_proj] [--threads K]
 *   [--tokenizer qwen|byte] [--backend auto|wasm|cpu] [--gradient-checkpointing on|off|auto] [--workers N]
 *   [--parallel-generation on|off] [--checkpoint DIR]`
 *
 * Runs S RFAI steps (sampling, offline-teacher grading, rewards, advantages and the trainer's own policy update)
 * on a model of the exact Hugging Face shape with seeded random weights and prints one JSON object on the last
 * line of stdout: seconds per step (median and first), generation and training tokens/s, where the time goes,
 * peak RSS and backend memory, backend and threads, and the ratio to the reference TRL figures where the shape
 * matches. Progress goes to stderr. Exit 0 ok, 1 runtime failure, 2 bad usage.
 */

/** TRL GRPOTrainer (PyTorch, 2 cores) seconds per step at shapes measured with it (issue 17). */
const TRL_FIGURES: { model: string; tokenizer: string; prompts: number; samples: number; newTokens: number; sPerStep: number; what: string }[] = [
  { model: 'qwen2.5-0.5b', tokenizer: 'qwen', prompts: 1, samples: 2, newTokens: 32, sPerStep: 17.6, what: 'full fine-tuning, peak 11.7 GB' },
  { model: 'tiny', tokenizer: 'byte', prompts: 4, samples: 4, newTokens: 64, sPerStep: 0.79, what: 'idle machine' },
  { model: 'tiny', tokenizer: 'qwen', prompts: 4, samples: 4, newTokens: 64, sPerStep: 9.8, what: 'peak 2.7 GB' },
];

const MODELS = ['qwen2.5-0.5b', 'qwen3-0.6b', 'tiny', 'small', 'base'] as const;
type ModelName = (typeof MODELS)[number];

interface Options {
  model: ModelName;
  prompts: number;
  samples: number;
  newTokens: number;
  steps: number;
  lora?: boolean;
  loraR: number;
  loraAlpha?: number;
  loraTargets: string[];
  threads?: number;
  tokenizer?: 'qwen' | 'byte';
  backend: 'auto' | 'wasm' | 'cpu';
  gradientCheckpointing?: 'on' | 'off' | 'auto';
  fewRows: 'on' | 'off';
  microBatches?: number;
  workers?: number;
  parallelGeneration?: 'on' | 'off';
  checkpoint?: string;
  seed: number;
  config?: string;
  matmul: boolean;
}

const log = (line: string) => process.stderr.write(line.endsWith('\n') ? line : line + '\n');

function choice<T extends string>(allowed: readonly T[]) {
  return (v: string): T => {
    if (!(allowed as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}, found "${v}"`);
    return v as T;
  };
}

function targetList(v: string): string[] {
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((m) => !(LORA_TARGETS as readonly string[]).includes(m));
  if (list.length === 0 || bad.length) throw new InvalidArgumentError(`expected a comma-separated list of ${LORA_TARGETS.join(', ')}, found "${v}"`);
  return list;
}

function benchCommand(): Command {
  return new Command('bench-scale')
    .description('Time RFAI steps at a real model shape (random weights, offline teacher); one JSON object on the last stdout line.')
    .option('--model <name>', `model shape: ${MODELS.join(' | ')} (default tiny)`, choice(MODELS), 'tiny' as ModelName)
    .option('--prompts <n>', 'prompts per step (default 1)', positiveInt, 1)
    .option('--samples <g>', 'samples per prompt, the GRPO group size (default 2)', positiveInt, 2)
    .option('--new-tokens <t>', 'max new tokens per sample (default 32)', positiveInt, 32)
    .option('--steps <s>', 'RFAI steps to time (default 2)', positiveInt, 2)
    .option('--lora', 'train LoRA adapters only (the KL reference is the base with adapters off)')
    .option('--lora-r <r>', 'adapter rank (default 16)', positiveInt, 16)
    .option('--lora-alpha <a>', 'adapter alpha (default 2 * r)', positiveInt)
    .option('--lora-targets <list>', 'comma-separated modules (default q_proj,k_proj,v_proj,o_proj)', targetList, ['q_proj', 'k_proj', 'v_proj', 'o_proj'])
    .option('--threads <k>', 'backend threads (default: the config, else 1)', positiveInt)
    .option('--tokenizer <kind>', 'qwen | byte (default qwen for the Qwen models, byte for the presets)', choice(['qwen', 'byte'] as const))
    .option('--backend <name>', 'auto | wasm | cpu (default wasm)', choice(['auto', 'wasm', 'cpu'] as const), 'wasm' as const)
    .option(
      '--gradient-checkpointing <on|off|auto>',
      'recompute layers in the backward pass: every one (on), none (off), or as few as the wasm heap needs (auto). Default: on for full fine-tuning of the Qwen models and of the small and base presets with the Qwen vocabulary, else auto',
      choice(['on', 'off', 'auto'] as const),
    )
    .option('--few-rows <on|off>', 'decode-step products of large models on the few-rows kernel (CausalLM.fewRowsProducts; default on); off: XNNPACK, for A/B timings', choice(['on', 'off'] as const), 'on' as const)
    .option('--micro-batches <k>', 'micro-batches the update is split into (training.gradient_accumulation_steps; must divide prompts x samples). Default: 1, or for the Qwen models and LoRA on the small and base presets with the Qwen vocabulary the fewest that keep 4 samples or fewer per micro-batch (Qwen3-0.6B: 2)', positiveInt)
    .option('--workers <n>', 'processes computing each policy update (rfai.workers; default: the config\'s). Their CPU time is not in cpu_s_per_step', positiveInt)
    .option('--parallel-generation <on|off>', 'sample over the update\'s processes too (rfai.parallel_generation; needs --workers > 1). Default on for the Qwen models and the Qwen vocabulary where each process samples more than 4 rows (fewer: decoding streams the weights from memory, which the processes share), else the config\'s', choice(['on', 'off'] as const))
    .option('--seed <s>', 'seed of the weights, prompts order and sampling (default 0)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected an integer >= 0, found "${v}"`);
      return n;
    }, 0)
    .option('--checkpoint <dir>', 'after the steps, write the LoRA policy as base/, a PEFT adapter/ and a merged/ folder under dir, load each back and compare logits (needs --lora)')
    .option('--config <file>', 'config whose teacher, data and rfai settings are used (default config.yaml)')
    .option('--no-matmul', 'skip the matmul GFLOP/s line')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

/** Peak resident set size of this process so far (Linux VmHWM), in MB; falls back to the current RSS. */
export function peakRssMb(): number {
  return peakRssOfMb('self') ?? Math.round(process.memoryUsage().rss / 2 ** 20);
}

/** Peak resident set size of process `pid` so far (Linux VmHWM), in MB, or null where it cannot be read. */
function peakRssOfMb(pid: number | 'self'): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) return Math.round(Number(m[1]) / 1024);
  } catch {
    // not Linux, or the process is gone
  }
  return null;
}

/** Bytes of the wasm module's linear memory (it only grows, so this is its peak), or null off wasm. */
function wasmHeapBytes(): number | null {
  if (tf.getBackend() !== 'wasm') return null;
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return b.wasm?.HEAPU8?.buffer.byteLength ?? null;
}

/** Tensor bytes, wasm heap and peak RSS, for progress lines. */
function memLine(): string {
  const heap = wasmHeapBytes();
  return `tensors ${(tf.memory().numBytes / 2 ** 20).toFixed(0)} MB, wasm heap ${heap === null ? '-' : (heap / 2 ** 20).toFixed(0)} MB, peak RSS ${peakRssMb()} MB`;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r3 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
const loadAvg = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

/** The fewest micro-batches (a divisor of n) that keep at most `most` samples in each. */
export function defaultMicroBatches(n: number, most: number): number {
  for (let d = 1; d <= n; d++) if (n % d === 0 && n / d <= most) return d;
  return n;
}

/** The TRL figure for this shape, if one was measured. */
export function trlFigure(model: string, tokenizer: string, prompts: number, samples: number, newTokens: number) {
  return TRL_FIGURES.find((f) => f.model === model && f.tokenizer === tokenizer && f.prompts === prompts && f.samples === samples && f.newTokens === newTokens) ?? null;
}

/** The model config a bench run builds. */
export function benchModelConfig(model: ModelName, tokenizer: 'qwen' | 'byte'): ModelConfig {
  if (model === 'qwen2.5-0.5b' || model === 'qwen3-0.6b') {
    if (tokenizer !== 'qwen') throw new InvalidArgumentError(`--tokenizer byte is not available for ${model}: its vocabulary is Qwen's`);
    return referenceConfig(model);
  }
  return presetConfig(model, tokenizer);
}

interface MatmulLine {
  threads: number;
  shape: string;
  gflops: number;
  gflops_best: number;
}

/**
 * Whether the benchmark samples over the update's processes when --parallel-generation is not given. Sampling over
 * them pays for a large model where each process's share of the rows makes decoding compute-bound (more rows than
 * one pass of the few-rows kernel takes). With fewer rows a decoding step streams every weight from memory, and a
 * second process shares the same memory bus: Qwen2.5-0.5B at 1 x 2 x 32 generated in 8.2-8.7 s over both processes
 * (one row each) against 5.3-6.8 s in one. Otherwise the config's `rfai.parallel_generation`.
 */
export function defaultParallelGeneration(large: boolean, rows: number, processes: number, configured: boolean): boolean {
  return (large && rows / Math.max(1, processes) > core.FEW_ROWS_MAX) || configured;
}

/** Matmul GFLOP/s (square 512 and 1024, float32) at 1 and at `threads` threads, with @rfai/core's benchmark. */
async function matmulLines(backend: Options['backend'], threads: number): Promise<MatmulLine[] | null> {
  const bench = (core as unknown as Record<string, unknown>).benchmarkMatmul as
    | ((o: object) => Promise<{ threads: number; shape: string; gflops: number; gflops_best: number }[]>)
    | undefined;
  if (typeof bench !== 'function') return null;
  const shapes = [
    { name: 'square_512', a: [512, 512], b: [512, 512] },
    { name: 'square_1024', a: [1024, 1024], b: [1024, 1024] },
  ];
  const out: MatmulLine[] = [];
  for (const t of threads > 1 ? [1, threads] : [1]) {
    for (const r of await bench({ backend, threads: t, shapes, minMs: 300 })) {
      out.push({ threads: r.threads, shape: r.shape, gflops: r.gflops, gflops_best: r.gflops_best });
    }
  }
  return out;
}

export async function runBenchScale(argv: string[]): Promise<number> {
  const program = benchCommand();
  const usage = parseArgs(program, argv);
  if (usage !== null) return usage;
  const o = program.opts<Options>();
  const big = o.model === 'qwen2.5-0.5b' || o.model === 'qwen3-0.6b';
  const tokenizerKind = o.tokenizer ?? (big ? 'qwen' : 'byte');
  let modelConfig: ModelConfig;
  try {
    modelConfig = benchModelConfig(o.model, tokenizerKind);
  } catch (e) {
    log(`bench-scale: ${(e as Error).message}`);
    return 2;
  }
  // The Qwen vocabulary makes the small and base presets large too (a 151,936 x hidden embedding, trained, and the LM
  // head over it): the memory-bound defaults apply to them as to the Qwen models (full fine-tuning of `small` without
  // them peaked at 4,051 MB of the 4,096 MB wasm heap). The tiny preset fits without them (1.96 GB), faster.
  const large = big || tokenizerKind === 'qwen';
  const memoryBound = big || (tokenizerKind === 'qwen' && o.model !== 'tiny');
  // Full fine-tuning of a memory-bound model checkpoints every layer (its gradients and moments leave no room);
  // otherwise as few layers as the wasm heap needs ('auto': Qwen2.5-0.5B with LoRA at 1 x 2 x 32 needs none).
  const ckptMode = o.gradientCheckpointing ?? (memoryBound && !o.lora ? 'on' : 'auto');
  const checkpointing: boolean | 'auto' = ckptMode === 'auto' ? 'auto' : ckptMode === 'on';
  const samples = o.prompts * o.samples;
  // Qwen3-0.6B's 2.4 GB of weights leave less of the heap: at 4 prompts x 4 samples its update ran the heap out with
  // 2 samples per micro-batch in each of the two processes, and runs with 1.
  // A preset fully fine-tuned with the Qwen vocabulary is bound by its [151,936, E] embedding's gradients, which
  // every micro-batch materialises again (with 4, base ran the heap out in its first update; with 1 it holds at 3.9
  // GB), not by activations (checkpointed): one micro-batch.
  const vocabBound = !big && tokenizerKind === 'qwen' && !o.lora;
  const micro = o.microBatches ?? (memoryBound && !vocabBound ? defaultMicroBatches(samples, o.model === 'qwen3-0.6b' ? 2 : 4) : 1);
  if (samples % micro !== 0) {
    log(`bench-scale: --micro-batches ${micro} must divide prompts x samples = ${samples}`);
    return 2;
  }
  if (o.checkpoint && !o.lora) {
    log('bench-scale: --checkpoint needs --lora (it checks the PEFT adapter pair and the merged export)');
    return 2;
  }
  const loraAlpha = o.loraAlpha ?? 2 * o.loraR;
  let cfg: RfaiConfig;
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig(defaultConfigPath(o.config), {
      overrides: [
        'teacher.provider=offline',
        'teacher.cache.enabled=false',
        `training.batch_size=${o.prompts}`,
        `rfai.num_samples_per_prompt=${o.samples}`,
        `rfai.max_new_tokens=${o.newTokens}`,
        `model.max_length=${Math.max(256, o.newTokens + 128)}`,
        `training.gradient_checkpointing=${checkpointing}`,
        `training.gradient_accumulation_steps=${micro}`,
        `model.lora.enabled=${o.lora === true}`,
        `model.lora.r=${o.loraR}`,
        `model.lora.alpha=${loraAlpha}`,
        `training.seed=${o.seed}`,
      ],
    });
    cfg = loaded.config;
  } catch (e) {
    if (e instanceof ConfigError) {
      log(e.message);
      return 2;
    }
    throw e;
  }
  const threads = o.threads ?? cfg.hardware.threads ?? 1;
  const parallelGeneration = o.parallelGeneration
    ? o.parallelGeneration === 'on'
    : defaultParallelGeneration(large, samples, o.workers ?? cfg.rfai.workers, cfg.rfai.parallel_generation);
  const load0 = loadAvg();

  const matmul = o.matmul && o.backend !== 'cpu' ? await matmulLines(o.backend, threads) : null;
  if (matmul) for (const m of matmul) log(`matmul ${m.shape} threads ${m.threads}: ${m.gflops} GFLOP/s (best ${m.gflops_best})`);
  const info = await initBackend({ backend: o.backend, threads, log });
  log(`backend ${info.name} ${info.version}, ${info.threads} thread(s), SIMD ${info.simd}; load average ${load0.join(' ')}`);

  // ---- model, tokenizer, prompts ---------------------------------------------------------------------------
  const t = performance.now();
  const model: CausalLM = createModel(modelConfig, o.seed);
  model.gradientCheckpointing = checkpointing;
  CausalLM.fewRowsProducts = o.fewRows === 'on';
  const params = model.numParameters;
  if (o.lora) applyLora(model, { r: o.loraR, alpha: loraAlpha, targetModules: o.loraTargets, seed: o.seed });
  let reference: CausalLM | null = null;
  if (!o.lora) {
    const frozen = new Map<string, tf.Variable>();
    for (const [k, v] of model.params) frozen.set(k, ownedVariable(v.clone())); // (the clone is the copy; the variable shares its data)
    reference = createModelLike(model, frozen);
  }
  const trainable = [...model.trainableParams().values()].reduce((a, v) => a + v.size, 0);
  log(
    `${o.model}: ${(params / 1e6).toFixed(1)} M parameters, ${(trainable / 1e6).toFixed(2)} M trainable` +
      `${o.lora ? ` (LoRA r=${o.loraR} on ${o.loraTargets.join(',')})` : ' (full fine-tuning)'}, vocab ${modelConfig.vocab_size}, ` +
      `gradient checkpointing ${ckptMode}, ${micro} micro-batch(es); built in ${((performance.now() - t) / 1000).toFixed(1)} s, RSS ${peakRssMb()} MB`,
  );
  const tokenizer = builtinTokenizer(tokenizerKind);
  const student = studentFromModel({
    model,
    tokenizer,
    promptStyle: resolvePromptStyle(cfg.model.chat_template, tokenizer),
    source: `random ${o.model} (seed ${o.seed})`,
    baseDir: null,
    lora: o.lora === true,
    reference,
  });
  const records = await benchPrompts(loaded, o.prompts * o.steps, o.seed);
  const maxPromptTokens = cfg.model.max_length - o.newTokens;
  const teacher = createTeacher(teacherOptions(loaded));
  const optimizer = createOptimizer(model.trainableParams(), cfg);
  const rng = new Rng(o.seed);
  const workerCount = o.workers ?? cfg.rfai.workers;
  let workers: TrainWorkers | null = null;
  if (workerCount > 1) {
    if (info.name !== 'wasm' && info.name !== 'cpu') log(`--workers ${workerCount} ignored: the ${info.name} backend uses every core itself`);
    else {
      const w0 = performance.now();
      workers = await TrainWorkers.start(model, workerCount - 1, {
        backend: info.name,
        label: 'rfai',
        reference: student.withReference((r) => r),
        tokenizer: parallelGeneration ? tokenizerSpec(tokenizer) : null,
      });
      log(`update${workers.canGenerate ? ' and sampling' : ''}: data parallel over ${workerCount} processes (started in ${((performance.now() - w0) / 1000).toFixed(1)} s)`);
    }
  }

  // ---- steps ----------------------------------------------------------------------------------------------
  const steps: {
    total: number;
    /** CPU seconds of this process (all threads) during the step. */
    cpu: number;
    generation: number;
    grading: number;
    update: number;
    timings: UpdateTimings;
    genTokens: number;
    promptTokens: number;
    reward: number;
    kl: number;
    loss: number;
  }[] = [];
  let peakTf = 0;
  /** Peak RSS of each worker process, read before they stop. */
  let workerPeaks: Array<number | null> = [];
  let checkpoint: CheckpointReport | null = null;
  const sampledOnWorkers = workers?.canGenerate === true;
  /** Processes of the update (kept: the round trip stops the workers before the report). */
  let updateProcesses = workers ? workers.workers + 1 : 1;
  /** The last step's first prompt and completion, at most 48 tokens from its end: the round trip's probe. */
  let probe: number[] = [];
  let released = false;
  const notePeak = () => (peakTf = Math.max(peakTf, tf.memory().numBytes));
  try {
    for (let s = 0; s < o.steps; s++) {
      const batch = records.slice(s * o.prompts, (s + 1) * o.prompts);
      const promptIds: number[][] = [];
      for (const r of batch) {
        const ids = encodePrompt(r.prompt, r.language, student.promptStyle, tokenizer, maxPromptTokens);
        for (let g = 0; g < o.samples; g++) promptIds.push(ids);
      }
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const genOpts = {
        maxNewTokens: o.newTokens,
        temperature: cfg.rfai.temperature,
        topK: cfg.rfai.top_k,
        topP: cfg.rfai.top_p,
        stopStrings: cfg.rfai.stop,
        tokenizer,
        rng,
      };
      const gens = workers?.canGenerate ? await generateParallel(model, promptIds, genOpts, workers) : generate(model, promptIds, genOpts);
      notePeak();
      const t1 = performance.now();
      const genTokens = gens.reduce((a, g) => a + g.ids.length, 0);
      probe = [...promptIds[0], ...gens[0].ids].slice(-48);
      log(`step ${s + 1}/${o.steps}: generated ${genTokens} tokens in ${((t1 - t0) / 1000).toFixed(1)} s; grading; ${memLine()}`);
      const grades = await gradeAll(
        teacher,
        gens.map((g, i) => {
          const r = batch[Math.floor(i / o.samples)];
          return { prompt: r.prompt, language: r.language, completion: g.text, id: `bench-${s}-${i}` };
        }),
      );
      const t2 = performance.now();
      const rewards = computeRewards(
        gens.map((g, i) => ({ score: grades[i].score?.score ?? null, completionTokens: g.ids.length, truncated: g.finishReason === 'length' })),
        cfg.rfai,
        false,
      );
      const timings: UpdateTimings = { scoring_ms: 0, backward_ms: 0, optimizer_ms: 0 };
      const adv = computeAdvantages(rewards, gens.map((_, i) => Math.floor(i / o.samples)), {
        estimator: cfg.rfai.advantage_estimator === 'ema' ? 'grpo' : cfg.rfai.advantage_estimator,
        scaleByStd: cfg.rfai.scale_rewards,
      });
      log(`step ${s + 1}/${o.steps}: graded in ${((t2 - t1) / 1000).toFixed(1)} s; update`);
      timings.onReference = () => log(`step ${s + 1}/${o.steps}: reference log-probs done; ${memLine()}`);
      const ctx: UpdateContext = {
        policy: model,
        withReference: (fn) => student.withReference(fn),
        optimizer,
        lr: cfg.training.learning_rate,
        klCoef: cfg.rfai.kl_coef,
        padId: tokenizer.padTokenId,
        cfg,
        timings,
      };
      const updBatch = {
        promptIds,
        completionIds: gens.map((g) => g.ids),
        advantages: adv.advantages,
        sampleMask: adv.sampleMask,
        truncated: gens.map((g) => g.finishReason === 'length'),
      };
      const upd = workers ? await policyUpdateParallel(ctx, updBatch, workers) : policyUpdate(ctx, updBatch);
      notePeak();
      const t3 = performance.now();
      const cpu = process.cpuUsage(c0);
      const finite = rewards.filter(Number.isFinite);
      steps.push({
        total: (t3 - t0) / 1000,
        cpu: (cpu.user + cpu.system) / 1e6,
        generation: (t1 - t0) / 1000,
        grading: (t2 - t1) / 1000,
        update: (t3 - t2) / 1000,
        timings,
        genTokens,
        promptTokens: promptIds.reduce((a, p) => a + p.length, 0),
        reward: finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : Number.NaN,
        kl: upd.kl,
        loss: upd.loss,
      });
      log(
        `step ${s + 1}/${o.steps}: ${((t3 - t0) / 1000).toFixed(1)} s (generation ${((t1 - t0) / 1000).toFixed(1)}, grading ${((t2 - t1) / 1000).toFixed(1)}, ` +
          `reference ${(timings.scoring_ms / 1000).toFixed(1)}, forward+backward ${(timings.backward_ms / 1000).toFixed(1)}, optimizer ${(timings.optimizer_ms / 1000).toFixed(2)}); ` +
          `peak RSS ${peakRssMb()} MB, tensors ${(tf.memory().numBytes / 2 ** 20).toFixed(0)} MB, load ${loadAvg().join(' ')}`,
      );
    }
    if (o.checkpoint) {
      updateProcesses = workers ? workers.workers + 1 : 1;
      workerPeaks = workers ? workers.pids.map((pid) => peakRssOfMb(pid)) : [];
      workers?.close();
      workers = null;
      log(`checkpoint round trip under ${o.checkpoint}: saving base, adapter and merged folders`);
      checkpoint = await checkpointRoundTrip(model, tokenizer, o.checkpoint, probe, () => {
        released = true;
        optimizer.dispose();
        student.dispose();
      });
      log(`checkpoint round trip: ${JSON.stringify(checkpoint)}`);
    }
  } catch (e) {
    // Report the failure with the memory picture before anything is freed (a wasm abort can break later frees).
    const heap = wasmHeapBytes();
    log(
      `bench-scale: step ${steps.length + 1} failed: ${(e as Error).stack ?? String(e)}\n` +
        `  tensors ${(tf.memory().numBytes / 2 ** 20).toFixed(0)} MB in ${tf.memory().numTensors}, wasm heap ${heap === null ? '-' : (heap / 2 ** 20).toFixed(0)} MB, RSS ${peakRssMb()} MB peak`,
    );
    return 1;
  } finally {
    if (workers) workerPeaks = workers.pids.map((pid) => peakRssOfMb(pid));
    workers?.close();
    try {
      if (!released) {
        optimizer.dispose();
        student.dispose();
      }
    } catch {
      // the backend may be unusable after a failed step; the process ends anyway
    }
  }

  // ---- report ---------------------------------------------------------------------------------------------
  const sum = (f: (x: (typeof steps)[number]) => number) => steps.reduce((a, x) => a + f(x), 0);
  const trl = trlFigure(o.model, tokenizerKind, o.prompts, o.samples, o.newTokens);
  const sPerStep = median(steps.map((x) => x.total));
  const heap = wasmHeapBytes();
  const report = {
    benchmark: 'bench-scale',
    model: o.model,
    s_per_step: r3(sPerStep),
    s_first_step: r3(steps[0].total),
    s_steps: steps.map((x) => r3(x.total)),
    cpu_s_per_step: r3(median(steps.map((x) => x.cpu))),
    gen_tokens_per_s: r3(sum((x) => x.genTokens) / sum((x) => x.generation)),
    train_tokens_per_s: r3(sum((x) => x.genTokens) / sum((x) => x.update)),
    grading_s: r3(median(steps.map((x) => x.grading))),
    phases_s: {
      generation: r3(median(steps.map((x) => x.generation))),
      grading: r3(median(steps.map((x) => x.grading))),
      reference_scoring: r3(median(steps.map((x) => x.timings.scoring_ms / 1000))),
      forward_backward: r3(median(steps.map((x) => x.timings.backward_ms / 1000))),
      optimizer: r3(median(steps.map((x) => x.timings.optimizer_ms / 1000))),
    },
    peak_rss_mb: peakRssMb(),
    peak_rss_mb_workers: workerPeaks,
    peak_rss_mb_all_processes: workerPeaks.every((x) => x !== null) ? peakRssMb() + workerPeaks.reduce<number>((a, x) => a + (x ?? 0), 0) : null,
    peak_backend_mb: Math.round(peakTf / 2 ** 20),
    wasm_heap_mb: heap === null ? null : Math.round(heap / 2 ** 20),
    backend: info.name,
    threads: info.threads,
    update_processes: updateProcesses,
    simd: info.simd,
    shape: {
      prompts: o.prompts,
      samples: o.samples,
      new_tokens: o.newTokens,
      tokenizer: tokenizerKind,
      vocab: modelConfig.vocab_size,
      hidden: modelConfig.hidden_size,
      layers: modelConfig.num_hidden_layers,
      params: params,
      trainable_params: trainable,
      lora: o.lora ? { r: o.loraR, alpha: loraAlpha, targets: o.loraTargets } : null,
      gradient_checkpointing: ckptMode,
      checkpointed_layers: model.lastCheckpointedLayers,
      parallel_generation: sampledOnWorkers,
      few_rows_kernel: o.fewRows === 'on',
      micro_batches: micro,
      prompt_tokens_mean: r3(sum((x) => x.promptTokens) / (steps.length * o.prompts * o.samples)),
      completion_tokens_mean: r3(sum((x) => x.genTokens) / (steps.length * o.prompts * o.samples)),
    },
    reward_mean: r3(median(steps.map((x) => x.reward))),
    kl: r3(steps[steps.length - 1].kl),
    ratio_to_trl: trl ? { trl_s_per_step: trl.sPerStep, trl_run: trl.what, ratio: r3(sPerStep / trl.sPerStep) } : null,
    matmul_gflops: matmul,
    load_avg_start: load0,
    load_avg_end: loadAvg(),
    cores: os.availableParallelism(),
    checkpoint,
  };
  process.stdout.write(JSON.stringify(report) + '\n');
  return 0;
}

/** A frozen reference model over `params` with the config of `like`. */
function createModelLike(like: CausalLM, params: Map<string, tf.Variable>): CausalLM {
  const Ctor = like.constructor as new (c: ModelConfig, p: Map<string, tf.Variable>) => CausalLM;
  const ref = new Ctor(like.config, params);
  ref.gradientCheckpointing = like.gradientCheckpointing;
  return ref;
}

/** Training prompts for the bench: data.train_file when it exists, shuffled with the seed, repeated as needed. */
async function benchPrompts(loaded: LoadedConfig, n: number, seed: number): Promise<DatasetRecord[]> {
  const file = resolveConfigPath(loaded, loaded.config.data.train_file);
  const records = (await loadDataset(file, { onBadLine: 'skip' })).records;
  if (records.length === 0) throw new Error(`${file} has no prompts; generate some with \`npx nx run data-generator:generate -- --out data\``);
  const rng = new Rng(seed);
  const order = records.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return Array.from({ length: n }, (_, i) => records[order[i % order.length]]);
}
