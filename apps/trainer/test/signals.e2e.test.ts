// SIGTERM / SIGINT (issue 10, point 6): the trainer, run as a child process (TypeScript through the tsx loader, cwd
// the workspace root, INIT_CWD set as npm/nx set it), finishes the current step, saves a checkpoint and exits
// 143 / 130; `--resume latest` continues from that checkpoint.
//
// It runs `node --import tsx main.ts`, one process. The `tsx main.ts` wrapper binary runs the script in a second
// process and relays signals to it, but SIGKILLs it when the script has not acknowledged the signal within 30 ms:
// a trainer busy in a synchronous step for longer loses its checkpoint that way.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { runTrain } from '../src/commands/train';
import { capture, makeWorkspace } from './helpers';

jest.setTimeout(90_000);

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MAIN = path.join(ROOT, 'apps', 'trainer', 'src', 'main.ts');

function read(...p: string[]) {
  return JSON.parse(readFileSync(path.join(...p), 'utf8'));
}

interface Stopped {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
}

/**
 * Starts `trainer train --max-steps 50`, waits for the first progress line (non-TTY output prints plain
 * `step 1/50 ...` lines), sends `sig` and waits for the exit. Every wait is bounded.
 */
function trainThenSignal(config: string, cwd: string, sig: NodeJS.Signals): Promise<Stopped> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'train', '--config', config, '--max-steps', '50'], {
      cwd: ROOT,
      env: { ...process.env, INIT_CWD: cwd, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    let signalled = false;
    const fail = (why: string) => {
      clearTimeout(startTimer);
      clearTimeout(exitTimer);
      child.kill('SIGKILL');
      reject(new Error(`${why}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`));
    };
    const startTimer = setTimeout(() => fail('no "step 1/50" progress line within 60 s'), 60_000);
    let exitTimer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!signalled && /^step 1\/50 /m.test(stderr)) {
        signalled = true;
        clearTimeout(startTimer);
        child.kill(sig);
        exitTimer = setTimeout(() => fail(`no exit within 30 s of ${sig}`), 30_000);
      }
    });
    child.on('error', (e) => fail(`spawn failed: ${e.message}`));
    // 'close': the process exited and its output pipes are drained
    child.on('close', (code, signal) => {
      clearTimeout(startTimer);
      clearTimeout(exitTimer);
      if (!signalled) return reject(new Error(`exited (${code ?? signal}) before the first step\n${stderr}`));
      resolve({ code, signal, stderr, stdout });
    });
  });
}

function checkpointSteps(dir: string): number[] {
  const ck = path.join(dir, 'checkpoints');
  if (!existsSync(ck)) return [];
  return readdirSync(ck)
    .map((f) => /^checkpoint-(\d+)$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** Tiny run: no periodic checkpoints or evals, so the only checkpoint is the one the signal causes. */
const OVERRIDES = {
  training: { save_steps: 1000, eval_steps: 1000 },
  evaluation: { at_start: false },
  rfai: { num_samples_per_prompt: 2, max_new_tokens: 8 },
};

describe.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const)('%s', (sig, exitCode) => {
  it(`saves a checkpoint and exits ${exitCode}; --resume latest continues from it`, async () => {
    const ws = await makeWorkspace(OVERRIDES);
    const r = await trainThenSignal(ws.config, ws.dir, sig);
    expect({ code: r.code, signal: r.signal }).toEqual({ code: exitCode, signal: null });
    const said = new RegExp(`${sig} received: (?:finishing step (\\d+), then saving|saving) a checkpoint`).exec(r.stderr);
    expect(said).not.toBeNull();
    expect(r.stdout).toMatch(/finished: \d+ steps? \(signal\)/);

    const steps = checkpointSteps(ws.dir);
    expect(steps).toHaveLength(1);
    const n = steps[0];
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThan(50);
    const dir = path.join(ws.dir, 'checkpoints', `checkpoint-${n}`);
    for (const f of ['model.safetensors', 'optimizer.safetensors', 'trainer_state.json', 'training_stats.json']) {
      expect(existsSync(path.join(dir, f))).toBe(true);
    }
    expect(read(dir, 'trainer_state.json').step).toBe(n);
    expect(read(dir, 'training_stats.json').history).toHaveLength(n);
    if (said![1] !== undefined) expect(n).toBe(Number(said![1])); // the step it said it would finish
    expect(r.stdout).toContain(`checkpoint: ${dir}`);

    const resumed = await capture(() => runTrain(['--config', ws.config, '--resume', 'latest', '--max-steps', String(n + 1)]));
    if (resumed.result !== 0) throw new Error(`resume exited ${resumed.result}\n${resumed.stderr}`);
    expect(resumed.stderr).toMatch(new RegExp(`resuming from .*checkpoint-${n} \\(step ${n}\\)`));
    expect(resumed.stdout).toMatch(new RegExp(`finished: ${n + 1} steps \\(max_steps\\)`));
    expect(checkpointSteps(ws.dir)).toEqual([n, n + 1]);
    const next = path.join(ws.dir, 'checkpoints', `checkpoint-${n + 1}`);
    expect(read(next, 'trainer_state.json').step).toBe(n + 1);
    const history = read(next, 'training_stats.json').history;
    expect(history.map((h: { step: number }) => h.step)).toEqual(Array.from({ length: n + 1 }, (_, i) => i + 1));
  });
});
