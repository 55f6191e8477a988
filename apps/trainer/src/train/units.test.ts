import { defaultConfig, parseConfigText } from '@rfai/config';
import { builtinTokenizer } from '@rfai/models';
import { computeRewards, finiteStats } from './rewards';
import { microBatches, stepNormalizer } from './update';
import { encodePrompt, formatPrompt, resolvePromptStyle, solutionPrefix, taskFields } from './prompt-format';
import { sftSequence } from './sft';
import { RfaiStep, type RfaiStepParts } from './rfai-step';
import { warmupEvalSample } from './eval-passes';
import { flattenHparams } from './trainer';
import { resumeMismatch } from './checkpointing';
import { formatDuration, PhaseTimer } from './timing';

describe('rewards', () => {
  const rfai = defaultConfig().rfai;
  it('r = reward_weight * score / beta; ungraded samples are NaN, never a default', () => {
    const cfg = { ...rfai, reward_weight: 2, beta: 0.5 };
    const r = computeRewards(
      [
        { score: 0.25, completionTokens: 10, truncated: false },
        { score: null, completionTokens: 10, truncated: false },
        { score: 1, completionTokens: 10, truncated: false },
      ],
      cfg,
      false,
    );
    expect(r[0]).toBeCloseTo(1, 12);
    expect(Number.isNaN(r[1])).toBe(true);
    expect(r[2]).toBeCloseTo(4, 12);
  });
  it('relative to a reference score, with length and truncation penalties', () => {
    const cfg = { ...rfai, max_new_tokens: 100, length_penalty: 0.5, truncation_penalty: 0.1 };
    const [a, b, c] = computeRewards(
      [
        { score: 0.8, referenceScore: 0.5, completionTokens: 80, truncated: false },
        { score: 0.8, referenceScore: 0.5, completionTokens: 100, truncated: true },
        { score: 0.8, referenceScore: null, completionTokens: 10, truncated: false },
      ],
      cfg,
      true,
    );
    expect(a).toBeCloseTo(0.3 - (0.5 * 30) / 100, 12);
    expect(b).toBeCloseTo(0.3 - (0.5 * 50) / 100 - 0.1, 12);
    expect(Number.isNaN(c)).toBe(true); // no reference score: dropped
  });
  it('pass_reward is added when every hidden test passed, before beta; unknown or failed tests add nothing', () => {
    const cfg = { ...rfai, reward_weight: 0.5, pass_reward: 1, beta: 2 };
    const r = computeRewards(
      [
        { score: 1, allTestsPassed: true, completionTokens: 5, truncated: false },
        { score: 0.75, allTestsPassed: false, completionTokens: 5, truncated: false },
        { score: 0.9, completionTokens: 5, truncated: false },
        { score: null, allTestsPassed: true, completionTokens: 5, truncated: false },
      ],
      cfg,
      false,
    );
    expect(r[0]).toBeCloseTo((0.5 * 1 + 1) / 2, 12);
    expect(r[1]).toBeCloseTo((0.5 * 0.75) / 2, 12);
    expect(r[2]).toBeCloseTo((0.5 * 0.9) / 2, 12);
    expect(Number.isNaN(r[3])).toBe(true);
  });
  it('finiteStats ignores NaN', () => {
    expect(finiteStats([1, Number.NaN, 3])).toEqual({ mean: 2, std: 1, count: 2, min: 1, max: 3 });
    expect(finiteStats([Number.NaN]).count).toBe(0);
  });
});

describe('micro-batches and the step normaliser', () => {
  it('splits samples into equal contiguous ranges', () => {
    expect(microBatches(8, 1)).toEqual([[0, 8]]);
    expect(microBatches(8, 4)).toEqual([
      [0, 2],
      [2, 4],
      [4, 6],
      [6, 8],
    ]);
  });
  it('uses the whole step token count so micro-batch losses add up to the full-batch loss', () => {
    const cfg = defaultConfig();
    const batch = {
      promptIds: [[1], [1], [1]],
      completionIds: [[1, 2, 3], [4, 5], [6]],
      advantages: new Float32Array(3),
      sampleMask: new Float32Array([1, 0, 1]),
      truncated: [false, false, true],
    };
    expect(stepNormalizer(batch, cfg)).toBe(4); // 3 + 1: the dropped sample's tokens don't count
    expect(stepNormalizer(batch, { ...cfg, rfai: { ...cfg.rfai, mask_truncated: true } })).toBe(3);
    expect(stepNormalizer(batch, { ...cfg, rfai: { ...cfg.rfai, loss_aggregation: 'sequence-mean' } })).toBe(2);
    expect(stepNormalizer(batch, { ...cfg, rfai: { ...cfg.rfai, loss_aggregation: 'constant', max_new_tokens: 10 } })).toBe(30);
  });
});

describe('prompt format', () => {
  const tok = builtinTokenizer('byte');
  it('the byte student gets the plain format, HF tokenizers the chat template', () => {
    expect(resolvePromptStyle('auto', tok)).toBe('plain');
    expect(resolvePromptStyle('chat', tok)).toBe('chat');
    expect(formatPrompt('Write f.', 'rust', 'plain', tok)).toBe('### Task (rust)\nWrite f.\n### Solution\n');
    expect(formatPrompt('Write f.', 'rust', 'chat', tok)).toBe(
      '<|im_start|>system\nYou are an expert programmer. Answer with a complete, correct solution as code only.<|im_end|>\n' +
        '<|im_start|>user\nWrite f.\n\nLanguage: rust.<|im_end|>\n<|im_start|>assistant\n',
    );
  });
  it('a long prompt keeps its head and the answer cue within the budget', () => {
    const p = 'Write a Python function `merge_intervals(intervals)` that ' + 'merges overlapping intervals and returns them sorted, '.repeat(10);
    const ids = encodePrompt(p, 'python', 'plain', tok, 120);
    expect(ids.length).toBeLessThanOrEqual(120);
    const text = tok.decode(ids);
    expect(text.startsWith('### Task (python)\nWrite a Python function `merge_intervals(intervals)`')).toBe(true);
    expect(text.endsWith(' ...\n### Solution\n')).toBe(true);
    expect(encodePrompt('short', 'python', 'plain', tok, 120)).toEqual(tok.encode('### Task (python)\nshort\n### Solution\n'));
  });
});

describe('solution prefixes (completion tasks)', () => {
  const tok = builtinTokenizer('byte');
  const row = { prompt: 'Write `f(x)`, which adds 1.', language: 'python', prefix: 'def f(x):\n    return ', reference: 'def f(x):\n    return x + 1\n', tests: ['assert f(1) == 2'], entry_point: 'f' };
  it('the prompt ends with the prefix, in both styles', () => {
    expect(formatPrompt(row.prompt, 'python', 'plain', tok, row.prefix)).toBe('### Task (python)\nWrite `f(x)`, which adds 1.\n### Solution\ndef f(x):\n    return ');
    expect(formatPrompt('Write f.', 'rust', 'chat', tok, 'fn f() {')).toMatch(/<\|im_start\|>assistant\nfn f\(\) \{$/);
    expect(tok.decode(encodePrompt(row.prompt, 'python', 'plain', tok, 120, row.prefix))).toMatch(/### Solution\ndef f\(x\):\n {4}return $/);
  });
  it('the warm-up learns only the rest of the reference after the prefix, then EOS', () => {
    const seq = sftSequence(row as never, tok, 'plain', 120, 64);
    expect(tok.decode(seq.completion.slice(0, -1))).toBe('x + 1\n');
    expect(seq.completion[seq.completion.length - 1]).toBe(tok.eosTokenId);
    // a reference that does not start with the prefix is learned whole
    expect(tok.decode(sftSequence({ ...row, reference: 'lambda' } as never, tok, 'plain', 120, 64).completion.slice(0, -1))).toBe('lambda');
  });
  it('grading requests carry tests, entry point and prefix', () => {
    expect(solutionPrefix(row)).toBe('def f(x):\n    return ');
    expect(solutionPrefix({})).toBe('');
    expect(taskFields(row)).toEqual({ tests: ['assert f(1) == 2'], entry_point: 'f', prefix: 'def f(x):\n    return ' });
    expect(taskFields({ tests: 3, prefix: '' })).toEqual({});
  });
});

describe('helpers', () => {
  it('flattenHparams gives scalar section.key values without prices', () => {
    const h = flattenHparams(defaultConfig());
    expect(h['training.learning_rate']).toBe(defaultConfig().training.learning_rate);
    expect(h['model.path']).toBe('null');
    expect(h['model.lora.target_modules']).toBe('q_proj,k_proj,v_proj,o_proj');
    expect(Object.keys(h).some((k) => k.startsWith('teacher.prices'))).toBe(false);
  });
  it('resumeMismatch names run-defining keys only', () => {
    const a = defaultConfig();
    const b = parseConfigText('', 'x', { overrides: ['training.max_steps=5', 'rfai.clip_epsilon=0.3'] });
    expect(resumeMismatch(a, b)).toBe('rfai.clip_epsilon: checkpoint has 0.2, config has 0.3');
    expect(resumeMismatch(a, parseConfigText('', 'x', { overrides: ['training.max_steps=5'] }))).toBeNull();
  });
  it('formats durations and accumulates phase time', async () => {
    expect(formatDuration(5.04)).toBe('5.0s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3725)).toBe('1h02m05s');
    const t = new PhaseTimer();
    t.add('grading', 5);
    await t.time('grading', () => 1);
    expect(t.snapshot().grading).toBeGreaterThanOrEqual(5);
    expect(t.snapshot().update).toBe(0);
  });
});

describe('rfai replay', () => {
  const tok = builtinTokenizer('byte');
  const rows = ['x + 1', 'x * 2', 'x - 3', 'abs(x)', 'x ** 2'].map((body, i) => ({
    id: `r${i}`,
    prompt: `Task ${i}`,
    language: 'python',
    prefix: 'def f(x):\n    return ',
    reference: `def f(x):\n    return ${body}\n`,
  }));
  const step = (replaySamples: number, seed = 42) =>
    new RfaiStep({
      cfg: parseConfigText('', 'x', { overrides: [`rfai.replay_samples=${replaySamples}`, `training.seed=${seed}`, 'rfai.max_new_tokens=12'] }),
      student: { tokenizer: tok },
      style: 'plain',
      maxPromptTokens: 100,
      replay: rows,
    } as unknown as RfaiStepParts);
  it('draws replay_samples warm-up references per step, encoded as the warm-up encodes them, by seed and step alone', () => {
    const a = step(6);
    const drawn = a.replayRows(3);
    expect(drawn).toHaveLength(6);
    const all = rows.map((r) => sftSequence(r as never, tok, 'plain', 100, 12));
    for (const d of drawn) expect(all).toContainEqual(d);
    // the completion is the reference after the prefix, cut to max_new_tokens (12 bytes, EOS cut off here)
    expect(drawn.every((d) => d.completion.length <= 12)).toBe(true);
    // a fresh step object (a resumed run) draws the same rows for the same step; another step or seed draws others
    expect(step(6).replayRows(3)).toEqual(drawn);
    expect(a.replayRows(4)).not.toEqual(drawn);
    expect(step(6, 7).replayRows(3)).not.toEqual(drawn);
    expect(step(0).replayRows(3)).toEqual([]);
  });
});

describe('the warm-up eval sample', () => {
  const rows = Array.from({ length: 40 }, (_, i) => ({ prompt: `task ${i}`, language: 'python', reference: 'x', tests: ['assert True'] }));
  it('is a fixed sample of the warm-up rows with tests and references, leaving out the prompts RFAI trains on', () => {
    const a = warmupEvalSample([...rows, { prompt: 'no tests', language: 'python', reference: 'x' }, { prompt: 'no ref', language: 'python', tests: ['assert True'] }], [], 100, 1234);
    expect(a).toHaveLength(40);
    const rfai = rows.slice(0, 10).map((r) => ({ prompt: r.prompt, language: r.language, tests: r.tests }));
    const b = warmupEvalSample(rows, rfai, 15, 1234);
    expect(b).toHaveLength(15);
    expect(b.some((r) => rfai.some((x) => x.prompt === r.prompt))).toBe(false);
    expect(warmupEvalSample(rows, rfai, 15, 1234)).toEqual(b);
    // the same prompt in another language is another task
    expect(warmupEvalSample(rows, rfai.map((r) => ({ ...r, language: 'rust' })), 100, 1234)).toHaveLength(40);
  });
});
