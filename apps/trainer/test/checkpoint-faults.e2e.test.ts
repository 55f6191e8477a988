// Checkpoint faults (issue 19, points 5 and 6), end to end on a tiny random Qwen checkpoint:
// - a checkpoint whose bytes were flipped (same size) is skipped by `--resume latest`, which falls back to the previous
//   one with a warning; when none is valid the run stops with exit 2 naming each folder;
// - eval, generate and inspect check an rfai checkpoint against its sha256 manifest (exit 2 naming the file, expected
//   and found), `--no-verify` skips the check, and a Hugging Face folder loads as before;
// - a full disk while the trainer saves (fault injection: the write of model.safetensors is redirected to /dev/full,
//   whose writes fail with ENOSPC) ends with exit 2 and a message naming the file, the bytes needed, the free space and
//   the intact previous checkpoint, without a stack trace; the run then resumes from that checkpoint.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runEval } from '../src/commands/eval';
import { runGenerate } from '../src/commands/generate';
import { runInspect } from '../src/commands/inspect';
import { runTrain } from '../src/commands/train';
import { capture, makeWorkspace } from './helpers';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MAIN = path.join(ROOT, 'apps', 'trainer', 'src', 'main.ts');

/** Two steps, a checkpoint after each, no eval pass, no warm-up (model.path students have none). */
const OVERRIDES = {
  training: { max_steps: 2, save_steps: 1, eval_steps: 1000 },
  evaluation: { at_start: false },
  data: { eval_file: null },
  rfai: { num_samples_per_prompt: 2, max_new_tokens: 6 },
};

let trained: { dir: string; config: string };
beforeAll(async () => {
  trained = await makeWorkspace(OVERRIDES);
  const r = await capture(() => runTrain(['--config', trained.config]));
  if (r.result !== 0) throw new Error(`training exited ${r.result}\n${r.stderr}`);
});

/** A private copy of the trained workspace (the config's paths are relative to it). */
function copyWorkspace(): { dir: string; config: string; ck: (step: number) => string; out: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'rfai-faults-'));
  cpSync(trained.dir, dir, { recursive: true });
  const out = path.join(dir, 'checkpoints');
  return { dir, config: path.join(dir, 'config.yaml'), ck: (step) => path.join(out, `checkpoint-${step}`), out };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Flips the last byte of model.safetensors (the last tensor's data: same size, other content); returns expected and found sha256. */
function corruptModel(ckDir: string): { expected: string; found: string } {
  const file = path.join(ckDir, 'model.safetensors');
  const expected = JSON.parse(readFileSync(path.join(ckDir, 'trainer_state.json'), 'utf8')).manifest['model.safetensors'].sha256 as string;
  const bytes = readFileSync(file);
  bytes[bytes.length - 1] ^= 0x01;
  writeFileSync(file, bytes);
  return { expected, found: sha256(file) };
}

function steps(out: string): string[] {
  return readdirSync(out).sort();
}

describe('--resume latest checks sha256 while choosing', () => {
  it('skips a same-size corrupted newest checkpoint with a warning naming folder, file and hashes, and resumes from the previous one', async () => {
    const w = copyWorkspace();
    const { expected, found } = corruptModel(w.ck(2));
    const r = await capture(() => runTrain(['--config', w.config, '--resume', 'latest', '--max-steps', '2']));
    if (r.result !== 0) throw new Error(`resume exited ${r.result}\n${r.stderr}`);
    expect(r.stderr).toContain(
      `warning: skipping ${w.ck(2)}: checkpoint ${w.ck(2)}: model.safetensors has sha256 ${found} but the manifest records ${expected}; ` +
        'the file is corrupt, use an earlier checkpoint; trying the previous checkpoint\n',
    );
    expect(r.stderr).toContain(`resuming from ${w.ck(1)} (step 1)\n`);
    expect(r.stdout).toMatch(/finished: 2 steps \(max_steps\)/);
    // Step 2 was trained again and its checkpoint rewritten: it verifies now.
    expect(sha256(path.join(w.ck(2), 'model.safetensors'))).toBe(
      JSON.parse(readFileSync(path.join(w.ck(2), 'trainer_state.json'), 'utf8')).manifest['model.safetensors'].sha256,
    );
  });

  it('with every checkpoint corrupt: exit 2 naming each folder, the file, expected and found sha256', async () => {
    const w = copyWorkspace();
    const c2 = corruptModel(w.ck(2));
    const c1 = corruptModel(w.ck(1));
    const r = await capture(() => runTrain(['--config', w.config, '--resume', 'latest', '--max-steps', '3']));
    expect(r.result).toBe(2);
    expect(r.stderr).toContain(
      `--resume latest: no valid checkpoint in ${w.out}: ` +
        `checkpoint-2 (model.safetensors: expected sha256 ${c2.expected} (trainer_state.json manifest), found ${c2.found}); ` +
        `checkpoint-1 (model.safetensors: expected sha256 ${c1.expected} (trainer_state.json manifest), found ${c1.found}). ` +
        'Restore one of these folders from a copy, or start a new run in another folder (--set training.output_dir=...).\n',
    );
    expect(r.stderr).not.toContain('resuming from');
    expect(steps(w.out)).toEqual(['checkpoint-1', 'checkpoint-2', 'latest']);
  });
});

describe('a resumed run checks the resume state it reads', () => {
  it('a wrong-typed field of trainer_state.json: exit 2 naming the file and the key', async () => {
    const w = copyWorkspace();
    const file = path.join(w.ck(2), 'trainer_state.json');
    const state = JSON.parse(readFileSync(file, 'utf8'));
    state.state.sampler = 'start';
    writeFileSync(file, JSON.stringify(state, null, 2));
    const r = await capture(() => runTrain(['--config', w.config, '--resume', 'latest', '--max-steps', '3']));
    expect(r.result).toBe(2);
    expect(r.stderr).toContain(`${file}: state.sampler must be a data cursor {epoch, position, seed}, found "start"`);
    expect(r.stderr).not.toContain('    at ');
  });
});

describe('eval, generate and inspect verify an rfai checkpoint against its manifest', () => {
  let w: ReturnType<typeof copyWorkspace>;
  let hashes: { expected: string; found: string };
  beforeAll(() => {
    w = copyWorkspace();
    hashes = corruptModel(w.ck(2));
  });
  const problem = () =>
    `checkpoint ${w.ck(2)} failed verification against its manifest: model.safetensors: expected sha256 ${hashes.expected} ` +
    `(trainer_state.json manifest), found ${hashes.found}. The checkpoint is corrupt or incomplete. ` +
    `Use an earlier checkpoint (${w.ck(1)}), or pass --no-verify to load it as it is.`;

  it('inspect: exit 2 naming the file and the fixes; --no-verify inspects it; a valid checkpoint passes', async () => {
    const bad = await capture(() => runInspect(['--model', w.ck(2), '--json']));
    expect([bad.result, bad.stdout, bad.stderr]).toEqual([2, '', `inspect: --model: ${problem()}\n`]);
    const skipped = await capture(() => runInspect(['--model', w.ck(2), '--json', '--no-verify']));
    expect(skipped.result).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ model_type: 'qwen3', num_hidden_layers: 2 });
    const good = await capture(() => runInspect(['--model', w.ck(1), '--json']));
    expect([good.result, good.stderr]).toEqual([0, '']);
  });

  it('generate: exit 2 before the backend starts; --no-verify generates', async () => {
    const args = ['--model', w.ck(2), '--prompt', 'def f(', '--max-new-tokens', '2', '--temperature', '0', '--backend', 'cpu'];
    const bad = await capture(() => runGenerate(args));
    expect([bad.result, bad.stdout, bad.stderr]).toEqual([2, '', `generate: --model: ${problem()}\n`]);
    const skipped = await capture(() => runGenerate([...args, '--no-verify', '--json']));
    expect(skipped.result).toBe(0);
    expect(JSON.parse(skipped.stdout).ids.length).toBeLessThanOrEqual(2);
  });

  it('eval: exit 2 naming the file; --no-verify evaluates', async () => {
    const args = ['--checkpoint', w.ck(2), '--set', 'data.eval_file=data/eval.jsonl', '--max-samples', '1'];
    const bad = await capture(() => runEval(args));
    expect([bad.result, bad.stdout, bad.stderr]).toEqual([2, '', `--checkpoint: ${problem()}\n`]);
    const skipped = await capture(() => runEval([...args, '--no-verify']));
    expect(skipped.result).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ checkpoint: w.ck(2), count: 1 });
  });

  it('eval of a Hugging Face folder (no trainer_state.json) with --config reports step 0', async () => {
    const hf = copyWorkspace();
    const r = await capture(() =>
      runEval(['--checkpoint', path.join(hf.dir, 'model'), '--config', hf.config, '--set', 'data.eval_file=data/eval.jsonl', '--max-samples', '1']),
    );
    expect([r.result, r.stderr.includes('ENOENT')]).toEqual([0, false]);
    expect(JSON.parse(r.stdout)).toMatchObject({ checkpoint: path.join(hf.dir, 'model'), step: 0, count: 1 });
  });

  it('a Hugging Face folder (even with a transformers trainer_state.json) has no rfai manifest and loads as before', async () => {
    const hf = path.join(w.dir, 'model');
    writeFileSync(path.join(hf, 'trainer_state.json'), JSON.stringify({ best_metric: null, global_step: 10, log_history: [] }));
    const r = await capture(() => runInspect(['--model', hf, '--json']));
    expect([r.result, r.stderr]).toEqual([0, '']);
    expect(JSON.parse(r.stdout)).toMatchObject({ model_type: 'qwen3' });
  });

  it('--no-verify is in the --help of eval, generate and inspect', async () => {
    for (const run of [runEval, runGenerate, runInspect]) {
      const h = await capture(() => run(['--help']));
      expect(h.result).toBe(0);
      // commander wraps the help text at the terminal width
      expect((h.stdout + h.stderr).replace(/\s+/g, ' ')).toContain(
        "--no-verify skip checking an rfai checkpoint's files against the sha256 manifest in its trainer_state.json (checked by default; Hugging Face folders have no manifest)",
      );
    }
  });
});

/** Runs `trainer train` as a child process with opens of paths matching `fullDisk` redirected to /dev/full. */
function trainWithFullDisk(w: { dir: string; config: string }, fullDisk: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const preload = path.join(w.dir, 'full-disk.cjs');
  writeFileSync(
    preload,
    [
      "const fs = require('node:fs');",
      'const pattern = new RegExp(process.env.RFAI_TEST_FULL_DISK);',
      'const open = fs.promises.open;',
      "fs.promises.open = (file, ...rest) => open(pattern.test(String(file)) ? '/dev/full' : file, ...rest);",
      '',
    ].join('\n'),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', preload, '--import', 'tsx', MAIN, 'train', '--config', w.config], {
      cwd: ROOT,
      env: { ...process.env, INIT_CWD: w.dir, FORCE_COLOR: '0', RFAI_TEST_FULL_DISK: fullDisk },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit within 90 s\n${stderr}`));
    }, 90_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('a full disk while the trainer saves a checkpoint (fault injection)', () => {
  it('exits 2 naming the file, the bytes needed, the free space and the intact previous checkpoint; no stack trace, no temp folder; --resume latest continues', async () => {
    const ws = await makeWorkspace(OVERRIDES);
    const out = path.join(ws.dir, 'checkpoints');
    const r = await trainWithFullDisk(ws, '/checkpoints/\\.tmp-checkpoint-2-[^/]+/model\\.safetensors\\.tmp-');
    expect(r.code).toBe(2);
    // checkpoint-2's model.safetensors holds the same tensors as checkpoint-1's: the same size.
    const needed = statSync(path.join(out, 'checkpoint-1', 'model.safetensors')).size;
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(r.stderr).toMatch(
      new RegExp(
        `\\nstopping: cannot save checkpoint-2: saveCheckpoint\\(${esc(out)}\\): no space left on the device \\(ENOSPC\\) while writing ` +
          `model\\.safetensors of checkpoint-2: that file needs ${needed} bytes \\([\\d.]+ KiB\\), and the whole checkpoint about \\d+ bytes \\([\\d.]+ [KM]iB\\); ` +
          `${esc(out)} has \\d+ bytes( \\([\\d.]+ [KMGT]iB\\))? free after the partial checkpoint was removed\\. ` +
          `The previous checkpoint, ${esc(path.join(out, 'checkpoint-1'))}, is intact\\. The partial temp folder \\.tmp-checkpoint-2-\\d+-[a-z0-9]+ was removed\\. ` +
          `Make room for at least \\d+ bytes \\([\\d.]+ [KM]iB\\) on that disk \\(or save to another disk\\), then save again\\. ` +
          `Then continue the run with --resume latest \\(from checkpoint-1\\)\\.\\n`,
      ),
    );
    expect(r.stderr.endsWith('trainer: exit code 2 (bad usage, configuration or input)\n')).toBe(true);
    expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(r.stderr).not.toContain('error: ');
    expect(steps(out)).toEqual(['checkpoint-1', 'latest']);
    expect(readFileSync(path.join(out, 'latest'), 'utf8')).toBe('checkpoint-1\n');

    const resumed = await capture(() => runTrain(['--config', ws.config, '--resume', 'latest']));
    if (resumed.result !== 0) throw new Error(`resume exited ${resumed.result}\n${resumed.stderr}`);
    expect(resumed.stderr).toContain(`resuming from ${path.join(out, 'checkpoint-1')} (step 1)\n`);
    expect(steps(out)).toEqual(['checkpoint-1', 'checkpoint-2', 'latest']);
  });
});
