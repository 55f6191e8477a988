import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  ConfigError,
  configHash,
  configSchema,
  defaultConfig,
  diffConfigs,
  loadConfig,
  parseConfigText,
  type SchemaNode,
} from './index';

const root = path.resolve(__dirname, '..', '..', '..');

function expectConfigError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('the shipped config.yaml', () => {
  it('loads, validates and equals the schema defaults', () => {
    const loaded = loadConfig(path.join(root, 'config.yaml'));
    // Deliberate differences: the shipped run warms up on its own split (a config that names no warm-up file, null by
    // default, warms up on data.train_file's references instead of failing on a missing data/sft.jsonl), and computes
    // the warm-up steps and the RFAI policy updates on two processes of one wasm thread each, what suits the tiny
    // student on 2 cores (the defaults, one process of two threads, suit any machine and model). Its RFAI reward is
    // the executed pass alone, with 8 replayed warm-up references and sampling at 1.3, measured on the tiny student
    // (README); the defaults (the teacher's score, no replay, 1.0) suit any teacher, with or without tests. Weight
    // decay 0.1 makes the from-scratch warm-up generalise to the compositions it never shows (README); the default
    // (0) leaves a pretrained checkpoint's weights where they are.
    const defaults = defaultConfig();
    expect(loaded.config).toEqual({
      ...defaults,
      training: { ...defaults.training, weight_decay: 0.1 },
      sft: { ...defaults.sft, train_file: 'data/sft.jsonl', workers: 2 },
      rfai: { ...defaults.rfai, workers: 2, reward_weight: 0, pass_reward: 1, replay_samples: 8, temperature: 1.3 },
      hardware: { ...defaults.hardware, threads: 1 },
    });
    expect(loaded.config.teacher.provider).toBe('offline');
    expect(loaded.config.model.path).toBeNull();
    expect(loaded.config.model.preset).toBe('tiny');
    expect(loaded.baseDir).toBe(root);
  });

  it('holds exactly the schema\'s keys: every key written out (it claims to hold every setting), none extra', () => {
    // Key paths of the schema missing from a value, and keys of the value the schema does not have; mappings such
    // as teacher.prices are checked entry by entry against their value schema.
    const keyDiff = (value: unknown): { missing: string[]; extra: string[] } => {
      const out = { missing: [] as string[], extra: [] as string[] };
      const walk = (node: SchemaNode, v: unknown, p: string) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return;
        const obj = v as Record<string, unknown>;
        const at = (k: string) => (p ? `${p}.${k}` : k);
        if (node.properties) {
          for (const [k, child] of Object.entries(node.properties)) {
            if (obj[k] === undefined) out.missing.push(at(k));
            else walk(child, obj[k], at(k));
          }
          for (const k of Object.keys(obj)) if (!(k in node.properties)) out.extra.push(at(k));
        } else if (node.additionalProperties && typeof node.additionalProperties === 'object') {
          for (const [k, entry] of Object.entries(obj)) walk(node.additionalProperties, entry, at(k));
        }
      };
      walk(configSchema, value, '');
      return out;
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require('yaml');
    const raw = YAML.parse(readFileSync(path.join(root, 'config.yaml'), 'utf8'));
    expect(keyDiff(raw)).toEqual({ missing: [], extra: [] });
    expect(() => loadConfig(path.join(root, 'config.yaml'))).not.toThrow();
    // The check itself sees a dropped key, a typo and a bad price entry.
    const bad = JSON.parse(JSON.stringify(raw));
    delete bad.rfai.beta;
    bad.training.learning_rte = 1;
    bad.teacher.prices['gpt-4o'] = { input_per_mtok: 1, output: 2 };
    expect(keyDiff(bad)).toEqual({
      missing: ['teacher.prices.gpt-4o.output_per_mtok', 'rfai.beta'],
      extra: ['teacher.prices.gpt-4o.output', 'training.learning_rte'],
    });
  });

  it('points editors at the generated schema file, which is up to date', () => {
    const text = readFileSync(path.join(root, 'config.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./packages/config/config.schema.json');
    const onDisk = JSON.parse(readFileSync(path.join(root, 'packages/config/config.schema.json'), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(configSchema)));
  });

  it('round-trips: dumping the loaded config as YAML and loading it gives the same config', () => {
    const { config } = loadConfig(path.join(root, 'config.yaml'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require('yaml');
    const again = parseConfigText(YAML.stringify(config), 'dump.yaml');
    expect(again).toEqual(config);
    expect(configHash(again)).toBe(configHash(config));
  });
});

describe('the schema documents every key', () => {
  const walk = (node: SchemaNode, p: string, out: string[]) => {
    for (const [k, child] of Object.entries(node.properties ?? {})) {
      const kp = p ? `${p}.${k}` : k;
      out.push(kp);
      expect(typeof child.description).toBe('string');
      expect((child.description ?? '').length).toBeGreaterThan(10);
      expect('default' in child).toBe(true);
      if (child.type === 'object' && child.properties) expect(child.additionalProperties).toBe(false);
      walk(child, kp, out);
    }
    return out;
  };
  it('with a description and a default, and forbids unknown keys', () => {
    const keys = walk(configSchema, '', []);
    expect(keys.length).toBeGreaterThan(80);
    expect(configSchema.additionalProperties).toBe(false);
  });
  it('defaults cover the ten sections', () => {
    expect(Object.keys(defaultConfig()).sort()).toEqual(
      ['data', 'evaluation', 'hardware', 'logging', 'model', 'rfai', 'server', 'sft', 'teacher', 'training'].sort(),
    );
  });
});

describe('config errors', () => {
  it('unknown key: file, line:column, key path and a did-you-mean hint', () => {
    const err = expectConfigError(() => parseConfigText('training:\n  max_steps: 3\n  learning_rte: 0.001\n', 'my.yaml'));
    expect(err.problems).toHaveLength(1);
    const p = err.problems[0];
    expect(p).toMatchObject({ file: 'my.yaml', line: 3, column: 3, keyPath: 'training.learning_rte' });
    expect(p.found).toBe('unknown key "learning_rte"');
    expect(p.hint).toBe('Did you mean "learning_rate"?');
    expect(err.message).toContain('my.yaml:3:3: training.learning_rte:');
    expect(err.message).toContain('Did you mean "learning_rate"?');
    expect(err.exitCode).toBe(2);
  });

  it('a key in the wrong section says where it belongs', () => {
    const err = expectConfigError(() => parseConfigText('rfai:\n  learning_rate: 0.1\n', 'c.yaml'));
    expect(err.problems[0].hint).toBe('"learning_rate" is a key of "training.learning_rate", "sft.learning_rate": move it there.');
    const one = expectConfigError(() => parseConfigText('rfai:\n  weight_decay: 0.1\n', 'c.yaml'));
    expect(one.problems[0].hint).toBe('"weight_decay" is a key of "training.weight_decay": move it there.');
    expect(err.problems[0].line).toBe(2);
  });

  it('wrong type: expected and found, at the value position', () => {
    const err = expectConfigError(() => parseConfigText('model:\n  preset: tiny\ntraining:\n  batch_size: eight\n', 'c.yaml'));
    expect(err.problems[0]).toMatchObject({
      line: 4,
      column: 15,
      keyPath: 'training.batch_size',
      expected: 'an integer >= 1 and <= 4096',
      found: '"eight" (string)',
    });
    expect(err.message).toContain('c.yaml:4:15: training.batch_size: expected an integer >= 1 and <= 4096, found "eight" (string).');
  });

  it('out-of-range number names the bound', () => {
    const err = expectConfigError(() => parseConfigText('rfai:\n  top_p: 1.5\n  clip_epsilon: 0\n', 'c.yaml'));
    expect(err.problems.map((p) => [p.keyPath, p.line, p.expected, p.found])).toEqual([
      ['rfai.top_p', 2, 'a number > 0 and <= 1', '1.5 (number)'],
      ['rfai.clip_epsilon', 3, 'a number > 0 and <= 1', '0 (number)'],
    ]);
  });

  it('bad enum value suggests the closest allowed value', () => {
    const err = expectConfigError(() => parseConfigText('teacher:\n  provider: openia\n', 'c.yaml'));
    expect(err.problems[0].keyPath).toBe('teacher.provider');
    expect(err.problems[0].expected).toBe('one of "offline", "openai", "anthropic", "openai-compatible"');
    expect(err.problems[0].hint).toBe('Did you mean the value "openai"?');
  });

  it('malformed YAML reports the line', () => {
    const err = expectConfigError(() => parseConfigText('training:\n  max_steps: 3\n  batch_size: [1, 2\n', 'broken.yaml'));
    expect(err.message).toMatch(/^Malformed YAML/);
    expect(err.problems[0].file).toBe('broken.yaml');
    expect(err.problems[0].line).toBeGreaterThanOrEqual(3);
  });

  it('duplicate keys are malformed YAML', () => {
    const err = expectConfigError(() => parseConfigText('training:\n  seed: 1\n  seed: 2\n', 'dup.yaml'));
    expect(err.problems[0].line).toBe(3);
  });

  it('a document that is not a mapping', () => {
    const err = expectConfigError(() => parseConfigText('- a\n- b\n', 'list.yaml'));
    expect(err.problems[0].expected).toContain('a mapping of sections');
  });

  it('a missing file names it and how to fix it', () => {
    const err = expectConfigError(() => loadConfig('/nonexistent/rfai.yaml'));
    expect(err.message).toContain('/nonexistent/rfai.yaml');
    expect(err.message).toContain('--config');
  });

  it('cross-field conflicts name both keys', () => {
    const err = expectConfigError(() =>
      parseConfigText('training:\n  batch_size: 3\n  gradient_accumulation_steps: 5\nrfai:\n  num_samples_per_prompt: 1\n', 'x.yaml'),
    );
    const msgs = err.problems.map((p) => `${p.keyPath}: ${p.expected}`);
    expect(msgs).toContain(
      'training.gradient_accumulation_steps: a divisor of training.batch_size * rfai.num_samples_per_prompt (3 * 1 = 3)',
    );
    expect(msgs.some((m) => m.startsWith('rfai.num_samples_per_prompt: at least 2 for rfai.advantage_estimator "grpo"'))).toBe(true);
    expect(err.problems.find((p) => p.keyPath === 'training.gradient_accumulation_steps')?.line).toBe(3);
  });

  it('an SFT warm-up with LoRA is refused, naming both keys', () => {
    const err = expectConfigError(() => parseConfigText('model:\n  lora:\n    enabled: true\nsft:\n  steps: 10\n', 'x.yaml'));
    expect(err.problems.map((p) => `${p.keyPath}: ${p.expected}`)).toEqual([
      'sft.steps: 0 or null with model.lora.enabled (the warm-up trains every weight, and the LoRA reference is the base without adapters)',
    ]);
    expect(err.problems[0].line).toBe(5);
    expect(() => parseConfigText('model:\n  lora:\n    enabled: true\nsft:\n  steps: 0\n', 'x.yaml')).not.toThrow();
  });

  it('openai-compatible needs base_url and model_name', () => {
    const err = expectConfigError(() => parseConfigText('teacher:\n  provider: openai-compatible\n', 'x.yaml'));
    expect(err.problems.map((p) => p.keyPath).sort()).toEqual(['teacher.base_url', 'teacher.model_name']);
  });

  it('lists every problem, not only the first', () => {
    const err = expectConfigError(() => parseConfigText('training:\n  seed: -1\n  foo: 1\nhardware:\n  backend: gpu\n', 'x.yaml'));
    expect(err.problems.map((p) => p.keyPath)).toEqual(['training.foo', 'training.seed', 'hardware.backend']);
  });
});

describe('--set overrides', () => {
  it('are typed by the schema', () => {
    const c = parseConfigText('', 'x.yaml', {
      overrides: [
        'training.max_steps=5',
        'training.learning_rate=1e-4',
        'rfai.adaptive_kl=true',
        'model.path=null',
        'data.languages=python,rust',
        'rfai.stop=["\\n\\n"]',
        'teacher.model_name=gpt-4o',
      ],
    });
    expect(c.training.max_steps).toBe(5);
    expect(c.training.learning_rate).toBe(1e-4);
    expect(c.rfai.adaptive_kl).toBe(true);
    expect(c.model.path).toBeNull();
    expect(c.data.languages).toEqual(['python', 'rust']);
    expect(c.rfai.stop).toEqual(['\n\n']);
    expect(c.teacher.model_name).toBe('gpt-4o');
  });

  it('type a boolean-or-word key (training.gradient_checkpointing) as either, and reject other words', () => {
    const at = (v: string) => parseConfigText('', 'x.yaml', { overrides: [`training.gradient_checkpointing=${v}`] }).training.gradient_checkpointing;
    expect(at('auto')).toBe('auto');
    expect(at('true')).toBe(true);
    expect(at('off')).toBe(false);
    expect(parseConfigText('training:\n  gradient_checkpointing: auto\n', 'x.yaml').training.gradient_checkpointing).toBe('auto');
    expect(parseConfigText('', 'x.yaml').training.gradient_checkpointing).toBe('auto');
    const err = expectConfigError(() => parseConfigText('', 'x.yaml', { overrides: ['training.gradient_checkpointing=3'] }));
    expect(err.message).toMatch(/training\.gradient_checkpointing: expected one of true, false, "auto", found "3"/);
    const fileErr = expectConfigError(() => parseConfigText('training:\n  gradient_checkpointing: sometimes\n', 'x.yaml'));
    expect(fileErr.message).toMatch(/x\.yaml:2.*training\.gradient_checkpointing.*expected one of true, false, "auto".*"sometimes"/s);
  });

  it('win over the file', () => {
    const c = parseConfigText('training:\n  max_steps: 100\n', 'x.yaml', { overrides: ['training.max_steps=7'] });
    expect(c.training.max_steps).toBe(7);
  });

  it('reject unknown keys with a hint and badly typed values', () => {
    const err = expectConfigError(() => parseConfigText('', 'x.yaml', { overrides: ['training.max_step=5', 'rfai.top_k=many', 'nonsense'] }));
    expect(err.problems).toEqual([
      expect.objectContaining({ file: '--set', keyPath: 'training.max_step', hint: 'Did you mean "max_steps"?' }),
      expect.objectContaining({ file: '--set', keyPath: 'rfai.top_k', expected: 'an integer >= 0', found: '"many"' }),
      expect.objectContaining({ file: '--set', keyPath: 'nonsense', expected: 'key.path=value, e.g. training.max_steps=5' }),
    ]);
  });

  it('out-of-range override values are reported against --set', () => {
    const err = expectConfigError(() => parseConfigText('', 'x.yaml', { overrides: ['rfai.temperature=0'] }));
    expect(err.problems[0]).toMatchObject({ file: '--set', keyPath: 'rfai.temperature', found: '0 (number)' });
  });
});

describe('secrets and hashes', () => {
  it('the config only names the API key variable', () => {
    process.env.RFAI_TEST_KEY = 'sk-test-secret-123';
    const c = parseConfigText('teacher:\n  provider: openai\n  api_key_env: RFAI_TEST_KEY\n', 'x.yaml');
    expect(JSON.stringify(c)).not.toContain('sk-test-secret-123');
    expect(c.teacher.api_key_env).toBe('RFAI_TEST_KEY');
    const err = expectConfigError(() => parseConfigText('teacher:\n  api_key: sk-abc\n', 'x.yaml'));
    expect(err.problems[0].keyPath).toBe('teacher.api_key');
    delete process.env.RFAI_TEST_KEY;
  });

  it('configHash ignores run-length and logging keys, and diffConfigs names what differs', () => {
    const a = defaultConfig();
    const b = parseConfigText('', 'x', { overrides: ['training.max_steps=999', 'logging.run_name=x'] });
    expect(configHash(a)).toBe(configHash(b));
    const c = parseConfigText('', 'x', { overrides: ['training.learning_rate=0.1', 'rfai.kl_coef=0.5'] });
    expect(configHash(a)).not.toBe(configHash(c));
    expect(diffConfigs(a, c)).toEqual(['rfai.kl_coef', 'training.learning_rate']);
    expect(configHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('loadConfig resolves the base folder of relative paths', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rfai-cfg-'));
    const f = path.join(dir, 'c.yaml');
    writeFileSync(f, '\uFEFFtraining:\r\n  max_steps: 2\r\n');
    const l = loadConfig(f);
    expect(l.baseDir).toBe(dir);
    expect(l.config.training.max_steps).toBe(2);
  });
});
