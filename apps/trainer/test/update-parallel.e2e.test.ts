// rfai.workers end to end: a run whose RFAI updates are computed over two processes logs the losses and statistics of
// the one-process run, also when it is stopped and resumed (the resumed run sends the workers the stored reference).
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runTrain } from '../src/commands/train';
import { capture, makeWorkspace, PROMPTS } from './helpers';

jest.setTimeout(180_000);

const REFERENCE = 'def f(x):\n    return x\n';

/** A workspace with a 2-step warm-up (so the KL reference is the warmed-up model, stored in checkpoints). */
async function workspace(workers: number) {
  const ws = await makeWorkspace({
    sft: { steps: 2, batch_size: 3 },
    training: { max_steps: 3, save_steps: 0, eval_steps: 0 },
    evaluation: { at_start: false },
    teacher: { execution: 'off' },
    data: { eval_file: null },
    rfai: { num_samples_per_prompt: 4, kl_coef: 0.1, workers },
  });
  // Python prompts only: the offline teacher then loads one tree-sitter grammar (loading two at once in a process can
  // fail a few grades, which would make the two runs' rewards differ for a reason that is not the update).
  const python = PROMPTS.filter((p) => p.language === 'python');
  const lines = python.map((p, i) => JSON.stringify({ id: `t${i}`, ...p, reference: REFERENCE })).join('\n') + '\n';
  writeFileSync(path.join(ws.dir, 'data', 'train.jsonl'), lines);
  return ws;
}

const history = (dir: string, step: number) =>
  JSON.parse(readFileSync(path.join(dir, 'checkpoints', `checkpoint-${step}`, 'training_stats.json'), 'utf8')).history as Array<Record<string, number>>;

describe('rfai.workers (end to end)', () => {
  it('rfai.workers = 2 logs the losses of the one-process run, across a stop and a resume', async () => {
    const one = await workspace(1);
    const two = await workspace(2);
    const a = await capture(() => runTrain(['--config', one.config]));
    expect(a.result).toBe(0);
    expect(a.stderr).not.toContain('rfai update: data parallel');
    const b1 = await capture(() => runTrain(['--config', two.config, '--max-steps', '2']));
    expect(b1.result).toBe(0);
    expect(b1.stderr).toMatch(/rfai update: data parallel over 2 processes \(1 worker on 1 (wasm|cpu) thread each, started in [\d.]+s\)/);
    const b2 = await capture(() => runTrain(['--config', two.config, '--resume', 'latest']));
    expect(b2.result).toBe(0);
    expect(b2.stderr).toMatch(/rfai update: data parallel over 2 processes/);
    const ha = history(one.dir, 3);
    const hb = history(two.dir, 3);
    expect(hb).toHaveLength(3);
    // the same samples and weights: equal statistics up to the rounding of the shard sums
    for (const [i, h] of hb.entries()) {
      expect(h.completion_tokens_mean).toBe(ha[i].completion_tokens_mean);
      expect(h.teacher_failures).toBe(0);
      expect(h.reward_mean).toBe(ha[i].reward_mean);
      for (const k of ['loss', 'policy_loss', 'kl', 'entropy', 'clip_fraction', 'approx_kl', 'grad_norm']) expect(h[k]).toBeCloseTo(ha[i][k], 4);
    }
    expect(ha.some((h) => Math.abs(h.kl) > 1e-4)).toBe(true); // the reference (the warmed-up model) is really used
  });
});
