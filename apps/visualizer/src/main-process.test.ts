import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

/** The app as a process, run the README's way that keeps the exit code (`npm run -s visualizer -- ...`). */
function npmRun(script: string, args: string[]) {
  return spawnSync('npm', ['run', '-s', script, '--', ...args], { cwd: root, encoding: 'utf8' });
}

describe('the apps as processes', () => {
  it('visualizer: bad usage exits 2 and names the code in its last stderr line (nx would report 1)', () => {
    const r = npmRun('visualizer', ['summary', '--no-such-flag']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option '--no-such-flag'");
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('visualizer: exit code 2 (bad usage, configuration or input)');
  });

  it('data-generator: bad usage exits 2, a file with problems 1, each named in the last stderr line', () => {
    const r = npmRun('data-generator', ['generate', '--no-such-flag']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option '--no-such-flag'");
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('data-generator: exit code 2 (bad usage, configuration or input)');
    const missing = npmRun('data-generator', ['validate', path.join(root, 'no-such-file.jsonl')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no-such-file.jsonl');
    expect(missing.stderr.trimEnd().split('\n').at(-1)).toBe('data-generator: exit code 1 (failed)');
  });

  it('reward-server: a bad port exits 2 and names the code in its last stderr line', () => {
    const r = npmRun('reward-server', ['--port', 'eighty']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('eighty');
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('reward-server: exit code 2 (bad usage, configuration or input)');
  });
});
