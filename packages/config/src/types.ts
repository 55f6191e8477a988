/**
 * TypeScript view of config.yaml after defaults are applied. Field names keep
 * the YAML spelling. The schema in schema.ts is the source of truth; a test
 * checks that the defaults it produces have exactly these keys.
 */

export type Language = import('./schema').Language;

export interface LoraConfig {
  enabled: boolean;
  r: number;
  alpha: number;
  dropout: number;
  target_modules: Array<'q_proj' | 'k_proj' | 'v_proj' | 'o_proj' | 'gate_proj' | 'up_proj' | 'down_proj'>;
  merge_on_save: boolean;
}

export interface ModelSection {
  preset: 'tiny' | 'small' | 'base';
  path: string | null;
  tokenizer: 'byte' | 'qwen';
  seed: number | null;
  max_length: number;
  chat_template: 'auto' | 'chat' | 'plain';
  save_dtype: 'F32' | 'BF16';
  lora: LoraConfig;
}

export type TeacherProvider = 'offline' | 'openai' | 'anthropic' | 'openai-compatible';

export interface TeacherSection {
  provider: TeacherProvider;
  model_name: string | null;
  api_key_env: string | null;
  base_url: string | null;
  temperature: number;
  max_tokens: number;
  concurrency: number;
  timeout_ms: number;
  max_retries: number;
  requests_per_minute: number | null;
  tokens_per_minute: number | null;
  max_consecutive_failures: number;
  cache: { enabled: boolean; path: string };
  prices: Record<string, { input_per_mtok: number; output_per_mtok: number }>;
  use_reference: boolean;
  execution: 'auto' | 'required' | 'off';
  execution_timeout_ms: number;
}

export interface TrainingSection {
  output_dir: string;
  max_steps: number | null;
  num_epochs: number | null;
  batch_size: number;
  gradient_accumulation_steps: number;
  learning_rate: number;
  warmup_steps: number;
  lr_scheduler_type: 'constant' | 'linear' | 'cosine';
  weight_decay: number;
  adam_beta1: number;
  adam_beta2: number;
  adam_epsilon: number;
  max_grad_norm: number;
  gradient_checkpointing: boolean;
  save_steps: number;
  eval_steps: number;
  logging_steps: number;
  save_total_limit: number | null;
  keep_best: boolean;
  seed: number;
  max_failure_fraction: number;
}

export interface RfaiSection {
  reward_weight: number;
  beta: number;
  length_penalty: number;
  truncation_penalty: number;
  kl_coef: number;
  kl_estimator: 'k1' | 'k2' | 'k3';
  kl_placement: 'loss' | 'reward';
  adaptive_kl: boolean;
  target_kl: number;
  kl_horizon: number;
  temperature: number;
  top_k: number;
  top_p: number;
  num_samples_per_prompt: number;
  max_new_tokens: number;
  stop: string[];
  advantage_estimator: 'grpo' | 'rloo' | 'ema' | 'none';
  scale_rewards: boolean;
  ema_decay: number;
  clip_epsilon: number;
  update_epochs: number;
  loss_aggregation: 'token-mean' | 'sequence-mean' | 'constant';
  entropy_coef: number;
  mask_truncated: boolean;
}

export interface DataSection {
  train_file: string;
  eval_file: string | null;
  languages: Language[];
  max_train_samples: number | null;
  max_eval_samples: number | null;
  on_bad_line: 'error' | 'skip';
}

export interface SftSection {
  steps: number | null;
  train_file: string | null;
  batch_size: number;
  learning_rate: number | null;
  lr_scheduler_type: 'constant' | 'linear' | 'cosine';
  prompt_loss_weight: number;
}

export interface EvaluationSection {
  reward_threshold: number;
  max_new_tokens: number | null;
  at_start: boolean;
  sampled_samples: number;
  seed: number;
  warmup_samples: number;
}

export interface LoggingSection {
  tensorboard_dir: string;
  run_name: string | null;
  log_level: 'debug' | 'info' | 'warn' | 'error';
  samples_to_log: number;
}

export interface HardwareSection {
  backend: 'auto' | 'node' | 'wasm' | 'cpu';
  threads: number | null;
}

export interface ServerSection {
  host: string;
  port: number;
  body_limit_bytes: number;
  max_items_per_request: number;
  request_timeout_ms: number;
  max_concurrent_requests: number;
  max_queued_requests: number;
  retry_after_s: number;
  shutdown_timeout_ms: number;
  failure_reward: number | null;
}

/** A complete, validated configuration. */
export interface RfaiConfig {
  model: ModelSection;
  teacher: TeacherSection;
  training: TrainingSection;
  sft: SftSection;
  rfai: RfaiSection;
  data: DataSection;
  evaluation: EvaluationSection;
  logging: LoggingSection;
  server: ServerSection;
  hardware: HardwareSection;
}
