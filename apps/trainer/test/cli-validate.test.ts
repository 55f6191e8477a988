import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

function run(args: string[]) {
  return spawnSync(tsx, [path.join(root, 'apps/trainer/src/main.ts'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, INIT_CWD: root } });
}

describe('trainer validate', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rfai-validate-'));

  it('accepts the shipped config with a one-line summary and exit 0', () => {
    const r = run(['validate', '--config', 'config.yaml']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/^OK .*config\.yaml: model preset tiny \(byte tokenizer\), teacher offline, 40 steps x 8 prompts x 8 samples/);
  });

  it('rejects a bad config with file:line:col, key, expected, found and exit 2', () => {
    const f = path.join(dir, 'bad.yaml');
    writeFileSync(f, 'training:\n  max_steps: 10\n  learning_rte: 0.1\nrfai:\n  top_p: 2\n');
    const r = run(['validate', '--config', f]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${f}:3:3: training.learning_rte: expected one of the keys`);
    expect(r.stderr).toContain('Did you mean "learning_rate"?');
    expect(r.stderr).toContain(`${f}:5:10: rfai.top_p: expected a number > 0 and <= 1, found 2 (number).`);
  });

  it('applies typed --set overrides and rejects bad ones with exit 2', () => {
    const ok = run(['validate', '--set', 'training.max_steps=7', '--set', 'rfai.num_samples_per_prompt=2']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('7 steps x 8 prompts x 2 samples');
    const bad = run(['validate', '--set', 'training.max_steps=many']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--set: training.max_steps: expected an integer or null >= 1, found "many".');
  });

  it('a missing config file is exit 2 naming the file, and the last stderr line names the code', () => {
    const r = run(['validate', '--config', path.join(dir, 'nope.yaml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('nope.yaml');
    // nx reports every failed target as exit 1; this line is how a script calling the nx target reads the code
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('trainer: exit code 2 (bad usage, configuration or input)');
  });

  it('`npm run -s trainer --` keeps the exit code (the README\'s way to script the commands)', () => {
    const r = spawnSync('npm', ['run', '-s', 'trainer', '--', 'validate', '--config', path.join(dir, 'nope.yaml')], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('trainer: exit code 2 (bad usage, configuration or input)');
    const ok = spawnSync('npm', ['run', '-s', 'trainer', '--', 'validate'], { cwd: root, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stderr).not.toContain('exit code');
  });

  it('an unknown command is exit 2 with usage', () => {
    const r = run(['trian']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Unknown command "trian"');
  });
});
