// Helpers for this app's tests: fixture runs written with @rfai/tb-writer, and running the CLI as a child process
// (vega is ESM-only, so the CLI runs under tsx rather than inside jest). Not used by the app itself.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SummaryWriter } from '@rfai/tb-writer';
import { runMain } from './main';

/** The app folder (cwd of the nx targets). */
export const APP_DIR = join(__dirname, '..');

/** Result of {@link runCli}. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node --import tsx src/main.ts ...args` with cwd = the app folder (as nx does) and INIT_CWD = `userDir`
 * (as npx sets it), without NX_WORKSPACE_ROOT so that the workspace root is found from the source location.
 */
export function runCli(args: string[], userDir: string, extraEnv: Record<string, string> = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: userDir, FORCE_COLOR: '0', NO_COLOR: '1', ...extraEnv };
  delete env.NX_WORKSPACE_ROOT;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: APP_DIR, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs the CLI in this process (faster than {@link runCli}; fine for every path that does not render charts, since
 * vega is ESM-only) with INIT_CWD = `userDir`, capturing what it writes.
 */
export async function runInProcess(args: string[], userDir: string): Promise<CliResult> {
  const saved = { init: process.env.INIT_CWD, nx: process.env.NX_WORKSPACE_ROOT };
  process.env.INIT_CWD = userDir;
  delete process.env.NX_WORKSPACE_ROOT;
  let stdout = '';
  let stderr = '';
  try {
    const code = await runMain(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
    return { code, stdout, stderr };
  } finally {
    if (saved.init === undefined) delete process.env.INIT_CWD;
    else process.env.INIT_CWD = saved.init;
    if (saved.nx !== undefined) process.env.NX_WORKSPACE_ROOT = saved.nx;
  }
}

/** Seeded uniform numbers in [0, 1) (a 32-bit LCG), so fixtures are the same on every run. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** The scalar series a fixture run logs, by tag, as [step, value, wallTime] (values before float32 rounding). */
export type FixtureSeries = Record<string, [number, number, number][]>;

/** Options of {@link writeFixtureRun}. */
export interface FixtureRunOptions {
  steps: number;
  seed: number;
  /** Eval every this many steps. Default 5. */
  evalEvery?: number;
  /** Languages of per-language eval tags. Default ['python', 'rust']. */
  languages?: string[];
  /** Wall time of step 1, seconds since the epoch. Default 1_700_000_000. */
  t0?: number;
  /** Seconds between steps. Default 2. */
  dt?: number;
}

/**
 * Writes a run like the trainer's into `dir` with SummaryWriter and returns what it logged.
 * reward_mean rises from 0.3 to 0.5 with seeded noise; eval every `evalEvery` steps.
 */
export async function writeFixtureRun(dir: string, opts: FixtureRunOptions): Promise<FixtureSeries> {
  const rnd = lcg(opts.seed);
  const t0 = opts.t0 ?? 1_700_000_000;
  const dt = opts.dt ?? 2;
  const evalEvery = opts.evalEvery ?? 5;
  const langs = opts.languages ?? ['python', 'rust'];
  const w = new SummaryWriter(dir, { flushIntervalMs: 0 });
  const logged: FixtureSeries = {};
  const log = (tag: string, value: number, step: number, t: number) => {
    w.scalar(tag, value, step, t);
    (logged[tag] ??= []).push([step, value, t]);
  };
  for (let step = 1; step <= opts.steps; step++) {
    const t = t0 + (step - 1) * dt;
    const frac = step / opts.steps;
    log('train/reward_mean', 0.3 + 0.2 * frac + 0.04 * (rnd() - 0.5), step, t);
    log('train/reward_std', 0.1 + 0.02 * rnd(), step, t);
    log('train/kl', 0.002 * step * (1 + 0.1 * rnd()), step, t);
    log('train/kl_coef', 0.05, step, t);
    log('train/loss', 0.8 - 0.5 * frac + 0.05 * rnd(), step, t);
    log('train/policy_loss', 0.6 - 0.4 * frac + 0.05 * rnd(), step, t);
    log('train/entropy', 2 - frac, step, t);
    log('train/lr', 1e-4 * Math.min(1, step / 3), step, t);
    log('train/grad_norm', 1 + rnd(), step, t);
    log('train/tokens_per_s', 900 + 100 * rnd(), step, t);
    log('teacher/latency_ms', 120 + 40 * rnd(), step, t);
    log('teacher/failures', step % 7 === 0 ? 1 : 0, step, t);
    log('teacher/cost_usd', 0.001 * step, step, t);
    if (step % evalEvery === 0) {
      log('eval/score_mean', 0.35 + 0.3 * frac, step, t + 1);
      log('eval/pass_rate', 0.2 + 0.4 * frac, step, t + 1);
      langs.forEach((lang, i) => {
        log(`eval/score/${lang}`, 0.3 + 0.3 * frac + 0.05 * i, step, t + 1);
        log(`eval/pass_rate/${lang}`, 0.1 + 0.4 * frac + 0.05 * i, step, t + 1);
      });
    }
  }
  w.histogram('train/rewards', [0.1, 0.5, 0.9], opts.steps);
  w.text('samples/0', 'def f(): pass', opts.steps);
  await w.close();
  return logged;
}

/** The float32 value TensorBoard stores for `v` (scalars are float32 in event files). */
export const f32 = Math.fround;

/** Tensors of a tiny full-model fixture: name -> [shape, values]. Values are seeded. */
export function fixtureModelTensors(seed: number): Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> {
  const rnd = lcg(seed);
  const t = (shape: number[]) => ({ dtype: 'F32' as const, shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rnd() * 2 - 1) });
  return {
    'model.embed_tokens.weight': t([16, 8]),
    'model.layers.0.self_attn.q_proj.weight': t([8, 8]),
    'model.layers.0.mlp.down_proj.weight': t([8, 12]),
    'model.norm.weight': { dtype: 'F32', shape: [8], data: new Float32Array(8).fill(1) },
  };
}

/** A Hugging Face style config.json of the tiny fixture model. */
export const FIXTURE_MODEL_CONFIG = {
  model_type: 'qwen3',
  architectures: ['Qwen3ForCausalLM'],
  hidden_size: 8,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  head_dim: 4,
  intermediate_size: 12,
  vocab_size: 16,
  tie_word_embeddings: true,
};
