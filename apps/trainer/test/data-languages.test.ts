// One language table (issue 20, item 2a): the table of @rfai/datasets is what config's data.languages accepts, what
// a dataset row may carry, what code-exec and the offline teacher canonicalise with. A row in any table language
// can be selected through data.languages, and every alias names a table language everywhere.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { canonicalExecLanguage, EXEC_LANGUAGES } from '@rfai/code-exec';
import { LANGUAGES as CONFIG_LANGUAGES, loadConfig, parseConfigText } from '@rfai/config';
import { DatasetSampler, LANGUAGE_ALIASES, LANGUAGES, normalizeLanguage, validateRecord } from '@rfai/datasets';
import { canonicalLanguage } from '@rfai/teacher-clients';
import { loadSplits } from '../src/train/setup';

describe('data.languages selects rows in any dataset language', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rfai-langs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a valid lua row is picked through data.languages: [lua]', async () => {
    const rows = [
      { id: 'py-1', prompt: 'Write a Python function `add(a, b)`.', language: 'python' },
      { id: 'lua-1', prompt: 'Write a Lua function `add(a, b)` that returns a + b.', language: 'lua' },
      { id: 'jl-1', prompt: 'Write a Julia function `add(a, b)`.', language: 'jl' },
    ];
    writeFileSync(path.join(dir, 'train.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const file = path.join(dir, 'config.yaml');
    writeFileSync(file, 'data:\n  train_file: train.jsonl\n  eval_file: null\n  languages: [lua]\nsft:\n  train_file: null\n');
    const loaded = loadConfig(file);
    expect(loaded.config.data.languages).toEqual(['lua']);
    const splits = await loadSplits(loaded);
    expect(splits.train.map((r) => r.id)).toEqual(['lua-1']);
    const batch = new DatasetSampler(splits.train, { seed: 1 }).nextBatch(3);
    expect(batch.map((r) => r.language)).toEqual(['lua', 'lua', 'lua']);
  });
});

describe('the language table round-trips', () => {
  it('config accepts exactly the dataset languages', () => {
    expect([...CONFIG_LANGUAGES]).toEqual([...LANGUAGES]);
    const config = parseConfigText(`data:\n  languages: [${LANGUAGES.join(', ')}]\n`, 'all.yaml');
    expect(config.data.languages).toEqual([...LANGUAGES]);
  });

  it('every listed language is a valid dataset language and canonical everywhere', () => {
    for (const language of LANGUAGES) {
      const check = validateRecord({ prompt: 'p', language });
      expect(check.ok && check.record.language).toBe(language);
      expect(normalizeLanguage(language)).toBe(language);
      expect(canonicalLanguage(language.toUpperCase())).toBe(language);
    }
  });

  it('every alias canonicalises to a listed language, the same in datasets, teacher-clients and code-exec', () => {
    const aliases = Object.entries(LANGUAGE_ALIASES);
    expect(aliases.length).toBeGreaterThan(20);
    for (const [alias, language] of aliases) {
      expect(LANGUAGES).toContain(language);
      expect(LANGUAGES).not.toContain(alias);
      expect(alias).toBe(alias.trim().toLowerCase());
      expect(normalizeLanguage(` ${alias.toUpperCase()} `)).toBe(language);
      const check = validateRecord({ prompt: 'p', language: alias });
      expect(check.ok && check.record.language).toBe(language);
      expect(canonicalLanguage(alias)).toBe(language);
      const runnable = (EXEC_LANGUAGES as readonly string[]).includes(language);
      expect(canonicalExecLanguage(alias)).toBe(runnable ? language : undefined);
    }
    for (const language of EXEC_LANGUAGES) expect(LANGUAGES).toContain(language);
  });

  it('names outside the table are not languages', () => {
    for (const name of ['cobol', 'constructor', '__proto__', 'toString']) {
      expect(normalizeLanguage(name)).toBeUndefined();
      expect(canonicalExecLanguage(name)).toBeUndefined();
      expect(validateRecord({ prompt: 'p', language: name }).ok).toBe(false);
    }
    expect(canonicalLanguage(' Zig ')).toBe('zig');
  });
});
