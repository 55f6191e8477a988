import { EXIT_CODES, exitCodeLine, signalExitCode } from './exit';

describe('exit codes', () => {
  it('names each documented code in the closing line, and writes nothing for success', () => {
    expect(exitCodeLine('trainer', 0)).toBe('');
    expect(exitCodeLine('trainer', 1)).toBe('trainer: exit code 1 (failed)\n');
    expect(exitCodeLine('visualizer', 2)).toBe('visualizer: exit code 2 (bad usage, configuration or input)\n');
    expect(exitCodeLine('trainer', 130)).toBe('trainer: exit code 130 (stopped by SIGINT)\n');
    expect(exitCodeLine('trainer', 143)).toBe('trainer: exit code 143 (stopped by SIGTERM)\n');
    expect(exitCodeLine('x', 7)).toBe('x: exit code 7 (failure)\n');
  });

  it('maps signals to the shell convention 128 + signal number', () => {
    expect(signalExitCode('SIGINT')).toBe(128 + 2);
    expect(signalExitCode('SIGTERM')).toBe(128 + 15);
    expect(EXIT_CODES).toEqual({ ok: 0, failure: 1, usage: 2, sigint: 130, sigterm: 143 });
  });
});
