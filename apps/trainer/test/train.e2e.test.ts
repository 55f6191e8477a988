// End-to-end runs of `trainer train` on a tiny random Qwen checkpoint written
// by the test, with the offline teacher, on the cpu backend.
import { appendFileSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { readRun } from '@rfai/tb-writer';
import { runTrain } from '../src/commands/train';
import { runEval } from '../src/commands/eval';
import { REFERENCE_FILE } from '../src/train/student';
import { capture, makeWorkspace } from './helpers';

jest.setTimeout(180_000);

function read(dir: string, ...p: string[]) {
  return JSON.parse(readFileSync(path.join(dir, ...p), 'utf8'));
}

describe('trainer train (end to end)', () => {
  let ws: { dir: string; config: string };
  let run: { result: number; stdout: string; stderr: string };

  beforeAll(async () => {
    ws = await makeWorkspace({ evaluation: { sampled_samples: 1 } });
    run = await capture(() => runTrain(['--config', ws.config]));
  });

  it('finishes with exit 0 and a summary with eval before and after and the time split', () => {
    expect(run.result).toBe(0);
    expect(run.stdout).toMatch(/finished: 4 steps \(max_steps\)/);
    expect(run.stdout).toMatch(/eval before training: executed pass@1 (n\/a|\d\.\d{3}).*; parse-clean \d\.\d{3}, entry point \d\.\d{3}, mean score \d\.\d{3}/);
    expect(run.stdout).toMatch(/eval after RFAI: executed pass@1 (n\/a|\d\.\d{3}).*mean score \d\.\d{3}/);
    expect(run.stdout).toMatch(/best eval samples:\n {2}\[\d\.\d{3}, \d+\/\d+ tests passed/);
    expect(run.stdout).toMatch(/step time split \(mean per RFAI step\): generation [\d.]+s, grading [\d.]+s, update [\d.]+s, logging [\d.]+s/);
    expect(run.stderr).toContain('backend: cpu');
    expect(run.stderr).toMatch(/student: .*model, qwen3/);
  });

  it('writes checkpoints every save_steps with the HF layout and resume state', () => {
    const ck = path.join(ws.dir, 'checkpoints');
    expect(readdirSync(ck).filter((f) => f.startsWith('checkpoint-')).sort()).toEqual(['checkpoint-2', 'checkpoint-4']);
    const c4 = path.join(ck, 'checkpoint-4');
    for (const f of ['config.json', 'model.safetensors', 'optimizer.safetensors', 'trainer_state.json', 'training_stats.json', 'tokenizer.json', 'tokenizer_config.json']) {
      expect(existsSync(path.join(c4, f))).toBe(true);
    }
    const state = read(c4, 'trainer_state.json');
    expect(state.step).toBe(4);
    expect(state.state.sampler).toEqual(expect.objectContaining({ epoch: expect.any(Number), position: expect.any(Number), seed: 11 }));
    expect(state.state.rng).toBeDefined();
    expect(state.state.kl_controller).toBeDefined();
    expect(state.config_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(read(c4, 'config.json').model_type).toBe('qwen3');
  });

  it('stores the metrics history, evals and the time split in training_stats.json', () => {
    const stats = read(ws.dir, 'checkpoints', 'checkpoint-4', 'training_stats.json');
    expect(stats.history).toHaveLength(4);
    expect(stats.history.map((h: { step: number }) => h.step)).toEqual([1, 2, 3, 4]);
    for (const h of stats.history) {
      expect(h.samples).toBe(4);
      expect(h.teacher_failures).toBe(0);
      expect(Number.isFinite(h.reward_mean)).toBe(true);
      expect(Number.isFinite(h.kl)).toBe(true);
      expect(h.kl).toBeGreaterThanOrEqual(0);
      expect(h.lr).toBeGreaterThanOrEqual(0);
    }
    expect(stats.history[0].kl).toBe(0); // the policy equals the reference before the first update
    expect(stats.history[0].lr).toBe(0); // warm-up starts at 0
    expect(stats.history[1].lr).toBeCloseTo(0.01, 10);
    expect(stats.eval_before.count).toBe(3);
    expect(stats.eval_after.count).toBe(3);
    expect(stats.evals.map((e: { step: number }) => e.step)).toEqual([0, 2, 4]);
    expect(Object.keys(stats.eval_after.per_language).sort()).toEqual(['python', 'rust', 'typescript']);
    // the seeded sampled pass: one sample per eval prompt, the same draws at every eval
    expect(stats.eval_before.sampled).toEqual(expect.objectContaining({ samples: 3, graded: 3 }));
    expect(stats.eval_after.sampled.score_mean).toBeGreaterThanOrEqual(0);
    expect(stats.timing_ms.generation).toBeGreaterThan(0);
    expect(stats.timing_ms.update).toBeGreaterThan(0);
  });

  it('logs the TensorBoard tags, a rewards histogram and sample texts, and every graded sample to samples.jsonl', async () => {
    const runDir = path.join(ws.dir, 'tb', 'r1');
    const data = await readRun(runDir);
    const tags = Object.keys(data.scalars);
    for (const t of [
      'train/reward_mean',
      'train/reward_std',
      'train/kl',
      'train/loss',
      'train/policy_loss',
      'train/entropy',
      'train/lr',
      'train/grad_norm',
      'train/tokens_per_s',
      'teacher/latency_ms',
      'teacher/failures',
      'teacher/cost_usd',
      'eval/score_mean',
      'eval/pass_rate',
      'eval/sampled_score_mean',
    ]) {
      expect(tags).toContain(t);
    }
    expect(data.scalars['train/reward_mean'].map((p: { step: number }) => p.step)).toEqual([1, 2, 3, 4]);
    expect(Object.keys(data.histograms)).toContain('train/rewards');
    expect(Object.keys(data.texts)).toContain('samples/train');
    const lines = readFileSync(path.join(runDir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(16);
    expect(lines[0]).toEqual(
      expect.objectContaining({ step: 1, prompt: expect.any(String), completion: expect.any(String), score: expect.any(Number), breakdown: expect.any(Object) }),
    );
  });

  it('refuses to start a new run over existing checkpoints (exit 2, says how to resume)', async () => {
    const again = await capture(() => runTrain(['--config', ws.config]));
    expect(again.result).toBe(2);
    expect(again.stderr).toContain('already holds checkpoints of an earlier run. Continue it with --resume latest');
  });

  it('eval prints a JSON report for a checkpoint', async () => {
    const r = await capture(() => runEval(['--checkpoint', path.join(ws.dir, 'checkpoints', 'checkpoint-4')]));
    expect(r.result).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.count).toBe(3);
    expect(report.graded).toBe(3);
    expect(report.step).toBe(4);
    expect(report.teacher).toBe('offline/rfai-offline-v2');
    const stats = read(ws.dir, 'checkpoints', 'checkpoint-4', 'training_stats.json');
    expect(report.score_mean).toBeCloseTo(stats.eval_after.score_mean, 10); // greedy decoding is deterministic
  });
});

describe('resume', () => {
  it('2N steps equal N steps resumed for N more: bit-exact weights and optimizer state', async () => {
    const a = await makeWorkspace();
    const b = await makeWorkspace();
    expect((await capture(() => runTrain(['--config', a.config, '--max-steps', '4']))).result).toBe(0);
    expect((await capture(() => runTrain(['--config', b.config, '--max-steps', '2']))).result).toBe(0);
    const resumed = await capture(() => runTrain(['--config', b.config, '--max-steps', '4', '--resume', 'latest']));
    expect(resumed.result).toBe(0);
    expect(resumed.stderr).toMatch(/resuming from .*checkpoint-2 \(step 2\)/);
    for (const f of ['model.safetensors', 'optimizer.safetensors']) {
      const x = readFileSync(path.join(a.dir, 'checkpoints', 'checkpoint-4', f));
      const y = readFileSync(path.join(b.dir, 'checkpoints', 'checkpoint-4', f));
      expect(x.length).toBeGreaterThan(1000);
      expect(Buffer.compare(x, y)).toBe(0);
    }
    const sa = read(a.dir, 'checkpoints', 'checkpoint-4', 'trainer_state.json').state;
    const sb = read(b.dir, 'checkpoints', 'checkpoint-4', 'trainer_state.json').state;
    expect(sb.rng).toEqual(sa.rng);
    expect(sb.sampler).toEqual(sa.sampler);
    expect(sb.kl_controller).toEqual(sa.kl_controller);
    const ha = read(a.dir, 'checkpoints', 'checkpoint-4', 'training_stats.json').history;
    const hb = read(b.dir, 'checkpoints', 'checkpoint-4', 'training_stats.json').history;
    expect(hb.map((h: { reward_mean: number }) => h.reward_mean)).toEqual(ha.map((h: { reward_mean: number }) => h.reward_mean));
  });

  it('a resume after a crash logs each step once: the restart marker drops the orphaned points', async () => {
    const w = await makeWorkspace({ training: { max_steps: 2, save_steps: 1 }, logging: { run_name: 'crash' }, data: { eval_file: null } });
    expect((await capture(() => runTrain(['--config', w.config]))).result).toBe(0);
    // As if the process died after logging step 2 but before checkpoint-2 was written.
    rmSync(path.join(w.dir, 'checkpoints', 'checkpoint-2'), { recursive: true });
    const first = (await readRun(path.join(w.dir, 'tb', 'crash'), { duplicateSteps: 'all' })).scalars['train/reward_mean'];
    expect(first.map((p) => p.step)).toEqual([1, 2]);
    const r = await capture(() => runTrain(['--config', w.config, '--resume', 'latest']));
    expect(r.result).toBe(0);
    expect(r.stderr).toMatch(/resuming from .*checkpoint-1 \(step 1\)/);
    const after = (await readRun(path.join(w.dir, 'tb', 'crash'), { duplicateSteps: 'all' })).scalars['train/reward_mean'];
    expect(after.map((p) => p.step)).toEqual([1, 2]);
    // Step 1 from the first session, step 2 from the resumed one (written after the orphan).
    expect(after[0].wallTime).toBe(first[0].wallTime);
    expect(after[1].wallTime).toBeGreaterThan(first[1].wallTime);
  });

  it('a resume with a different run-defining config is refused naming the keys', async () => {
    const w = await makeWorkspace({ training: { max_steps: 2 } });
    expect((await capture(() => runTrain(['--config', w.config]))).result).toBe(0);
    const r = await capture(() => runTrain(['--config', w.config, '--resume', 'latest', '--set', 'rfai.kl_coef=0.5', '--max-steps', '3']));
    expect(r.result).toBe(2);
    expect(r.stderr).toContain('rfai.kl_coef: checkpoint has 0.3, config has 0.5');
  });
});

describe('startup checks fail fast with exit 2', () => {
  it('a missing dataset names the config key', async () => {
    const w = await makeWorkspace({ data: { train_file: 'data/nope.jsonl' } });
    const r = await capture(() => runTrain(['--config', w.config]));
    expect(r.result).toBe(2);
    expect(r.stderr).toContain('data.train_file:');
    expect(r.stderr).toContain('nope.jsonl does not exist');
    // Fast: it stops before the backend starts and the student is built.
    expect(r.stderr).not.toContain('backend:');
    expect(r.stderr).not.toContain('student:');
  });

  it('a missing API key names the variable to set, before loading the model', async () => {
    const w = await makeWorkspace({ teacher: { provider: 'openai', api_key_env: 'RFAI_TEST_MISSING_KEY' } });
    delete process.env.RFAI_TEST_MISSING_KEY;
    const r = await capture(() => runTrain(['--config', w.config]));
    expect(r.result).toBe(2);
    expect(r.stderr).toContain('RFAI_TEST_MISSING_KEY');
    expect(r.stderr).not.toContain('student:');
  });

  it('a bad line in the dataset names file:line', async () => {
    const w = await makeWorkspace();
    appendFileSync(path.join(w.dir, 'data', 'train.jsonl'), '{"prompt": "x"}\n');
    const r = await capture(() => runTrain(['--config', w.config]));
    expect(r.result).toBe(2);
    expect(r.stderr).toMatch(/train\.jsonl:7/);
  });

  it('a bad eval line past data.max_eval_samples is still found at startup', async () => {
    const w = await makeWorkspace({ data: { max_eval_samples: 1 } });
    appendFileSync(path.join(w.dir, 'data', 'eval.jsonl'), '{"prompt": "x"}\n');
    const r = await capture(() => runTrain(['--config', w.config]));
    expect(r.result).toBe(2);
    expect(r.stderr).toMatch(/eval\.jsonl:4/);
  });

  it('bad options are usage errors', async () => {
    const r = await capture(() => runTrain(['--max-steps', 'zero']));
    expect(r.result).toBe(2);
  });
});

describe('dry run', () => {
  it('generates and grades one batch and writes nothing', async () => {
    const w = await makeWorkspace();
    const r = await capture(() => runTrain(['--config', w.config, '--dry-run']));
    expect(r.result).toBe(0);
    expect(r.stdout).toMatch(/^dry run OK: generated 4 samples \(2 prompts x 2, \d+ tokens\)/);
    expect(r.stdout).toMatch(/graded 4\/4/);
    expect(existsSync(path.join(w.dir, 'checkpoints'))).toBe(false);
    expect(existsSync(path.join(w.dir, 'tb'))).toBe(false);
  });
});

describe('LoRA', () => {
  it('trains only adapters and saves the PEFT pair; the reference is the base with adapters off, not a saved copy', async () => {
    const w = await makeWorkspace({ model: { lora: { enabled: true, r: 4, alpha: 8 } }, training: { max_steps: 2, learning_rate: 0.05 } });
    const r = await capture(() => runTrain(['--config', w.config]));
    expect(r.result).toBe(0);
    const c = path.join(w.dir, 'checkpoints', 'checkpoint-2');
    expect(existsSync(path.join(c, 'adapter_model.safetensors'))).toBe(true);
    expect(existsSync(path.join(c, 'model.safetensors'))).toBe(false);
    expect(existsSync(path.join(c, REFERENCE_FILE))).toBe(false);
    // lora_B starts at zero, so at step 1 the policy is exactly the base and its KL to the reference (the same base
    // with adapters off; models' training-memory test checks that equality token by token) is exactly 0.
    const hist = read(c, 'training_stats.json').history as Array<{ kl: number }>;
    expect(hist[0].kl).toBe(0);
    const ac = read(c, 'adapter_config.json');
    expect(ac).toEqual(expect.objectContaining({ peft_type: 'LORA', r: 4, lora_alpha: 8 }));
    expect(r.stderr).toMatch(/LoRA r=4 \([\d,]+ trainable\)/);
    const ev = await capture(() => runEval(['--checkpoint', c]));
    expect(ev.result).toBe(0);
    expect(JSON.parse(ev.stdout).graded).toBe(3);
  });
});
