import { ConfigError, parseConfigText } from './index';

function configError(text: string, overrides: string[] = []): ConfigError {
  try {
    parseConfigText(text, 'x.yaml', { overrides });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('logging.run_name', () => {
  it('".." is refused at its line: it would write outside logging.tensorboard_dir', () => {
    const err = configError('logging:\n  tensorboard_dir: logs/tb\n  run_name: ".."\n');
    expect(err.exitCode).toBe(2);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ file: 'x.yaml', line: 3, keyPath: 'logging.run_name', found: '".."' });
    expect(err.message).toContain(
      'x.yaml:3:13: logging.run_name: expected a folder name under logging.tensorboard_dir (logs/tb), not "." or ".." (they would write outside it), found "..".',
    );
    expect(err.message).toContain('Use a name such as "quick-test"');
  });

  it('"." is refused: it would write into logging.tensorboard_dir itself', () => {
    const err = configError('logging:\n  run_name: "."\n');
    expect(err.problems.map((p) => p.keyPath)).toEqual(['logging.run_name']);
    expect(err.message).toContain('(they would write into logging.tensorboard_dir itself), found ".".');
  });

  it('a --set override is reported as such (trainer:train --run-name goes through it)', () => {
    const err = configError('', ['logging.run_name=..']);
    expect(err.problems[0]).toMatchObject({ file: '--set', keyPath: 'logging.run_name' });
    expect(err.message).toContain('--set: logging.run_name: expected a folder name under logging.tensorboard_dir');
  });

  it('path separators are refused by the schema, naming the key', () => {
    for (const name of ['../up', 'a/b', 'a\\\\b']) {
      const err = configError(`logging:\n  run_name: "${name}"\n`);
      expect(err.problems.map((p) => p.keyPath)).toEqual(['logging.run_name']);
      expect(err.message).toContain('logging.run_name: expected a string or null matching ^[A-Za-z0-9._-]+$');
    }
  });

  it('ordinary names, names with dots and null are accepted', () => {
    for (const name of ['quick', 'run.2', '...', '.hidden']) {
      expect(parseConfigText(`logging:\n  run_name: "${name}"\n`, 'x.yaml').logging.run_name).toBe(name);
    }
    expect(parseConfigText('logging:\n  run_name: null\n', 'x.yaml').logging.run_name).toBeNull();
  });
});
