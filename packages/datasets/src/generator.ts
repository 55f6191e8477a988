/**
 * Turns the built-in task bank into dataset records: each (template, variant,
 * language) becomes one prompt naming the function or class to write, with the
 * language's naming convention; train and eval are drawn from disjoint
 * (template, variant) groups, deterministically for a seed.
 */
import { mixSeed, Rng } from '@rfai/random';
import { DatasetGenerationError } from './errors';
import {
  formatIdentifier,
  LANGUAGE_DISPLAY_NAMES,
  LANGUAGE_NAMING,
  LANGUAGES,
  normalizeLanguage,
  type Language,
} from './languages';
import type { DatasetRecord } from './schema';
import { bankOf, TASK_BANK, type ReferenceLanguage, type TaskTemplate, type TaskVariant } from './task-bank';
import { fillReference, isReferenceKey, substituteSlots } from './task-bank/slots';

const NONE_WORD: Partial<Record<Language, string>> = {
  python: 'None',
  rust: 'None',
  scala: 'None',
  cpp: 'std::nullopt',
  c: 'NULL',
  go: 'nil',
  swift: 'nil',
  ruby: 'nil',
  haskell: 'Nothing',
  lua: 'nil',
};
const NULL_WORD: Partial<Record<Language, string>> = {
  python: 'None',
  rust: 'None',
  scala: 'None',
  cpp: 'nullptr',
  c: 'NULL',
  go: 'nil',
  swift: 'nil',
  ruby: 'nil',
  haskell: 'Nothing',
  lua: 'nil',
};
const LIST_WORD: Partial<Record<Language, string>> = {
  python: 'list',
  rust: 'Vec',
  cpp: 'std::vector',
  c: 'array',
  typescript: 'array',
  javascript: 'array',
  java: 'List',
  go: 'slice',
  csharp: 'List',
  kotlin: 'List',
  swift: 'Array',
  ruby: 'Array',
  php: 'array',
};
const MAP_WORD: Partial<Record<Language, string>> = {
  python: 'dict',
  rust: 'HashMap',
  cpp: 'std::unordered_map',
  typescript: 'Map',
  javascript: 'Map',
  java: 'Map',
  go: 'map',
  csharp: 'Dictionary',
  kotlin: 'Map',
  swift: 'Dictionary',
  ruby: 'Hash',
  php: 'associative array',
};
const STRUCT_LANGUAGES = new Set<Language>(['rust', 'go', 'c']);
const OPENERS = ['Write a', 'Implement a', 'Create a'];
const SUFFIXES = [
  '',
  ' Include a short comment explaining the approach.',
  ' Document the parameters and the return value in a doc comment.',
  ' Handle the edge cases explicitly.',
];
const LANGUAGE_NOTES: Partial<Record<Language, string>> = {
  rust: ' Use only the standard library.',
  cpp: ' Use C++17 and the standard library only.',
  go: ' Use only the standard library.',
};

function languageText(text: string, language: Language, variant: TaskVariant): string {
  const style = LANGUAGE_NAMING[language];
  return substituteSlots(text, variant)
    .replace(/\{none\}/g, NONE_WORD[language] ?? 'null')
    .replace(/\{null\}/g, NULL_WORD[language] ?? 'null')
    .replace(/\{list\}/g, LIST_WORD[language] ?? 'list')
    .replace(/\{map\}/g, MAP_WORD[language] ?? 'map')
    .replace(/\[\[([^\]]+)\]\]/g, (_m, text: string) => '`' + formatIdentifier(words(text), style) + '`');
}

function words(text: string): string[] {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0);
}

function paramList(params: readonly string[], variant: TaskVariant, language: Language): string[] {
  return params
    .flatMap((p) => substituteSlots(p, variant).split(','))
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => formatIdentifier(words(p), LANGUAGE_NAMING[language]));
}

function withPeriod(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : t + '.';
}

function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The identifier the prompt asks for (function or class name) in a language's convention. */
export function taskEntryPoint(template: TaskTemplate, variantIndex: number, language: Language): string {
  const variant = template.variants[variantIndex];
  const nameWords = words(substituteSlots(template.name, variant));
  return formatIdentifier(nameWords, template.kind === 'class' ? 'pascal' : LANGUAGE_NAMING[language]);
}

/**
 * Reference solution of a template variant in a language (default Python), with `$name` (the entry point in that
 * language's convention) and `$slot` / `${slot}` (variant values) filled in; undefined when the bank has none.
 */
export function taskReference(template: TaskTemplate, variantIndex: number, language: ReferenceLanguage = 'python'): string | undefined {
  const variant = template.variants[variantIndex];
  const source = variant[language] ?? template[language];
  if (source === undefined) return undefined;
  return fillReference(source, variant, taskEntryPoint(template, variantIndex, language));
}

/**
 * Hidden test cases of a template variant in a language (default Python), each one string, with `$name` replaced
 * by the entry point in that language's convention (as in {@link taskReference}); undefined when the bank has
 * none. The cases come from the tests files of the bank the template was loaded from (read on first use).
 * @throws TaskBankError when that bank's tests files are invalid.
 */
export function taskTests(template: TaskTemplate, variantIndex: number, language: ReferenceLanguage = 'python'): string[] | undefined {
  const cases = bankOf(template)?.tests().get(`${template.id}-${variantIndex}`)?.[language];
  if (cases === undefined || template.variants[variantIndex] === undefined) return undefined;
  const name = taskEntryPoint(template, variantIndex, language);
  return cases.map((c) => c.replace(/\$name(?!\w)/g, name));
}

/** Options of {@link renderTask}. */
export interface RenderTaskOptions {
  /** Seed that picks the phrasing (opener and closing sentence). Default 0. */
  seed?: number;
}

/**
 * One dataset record for a template variant in a language. The record has
 * `id` (`<template>-<variant+1>-<language>`), `prompt`, `language`,
 * `difficulty`, `tags` (category first), and the extra keys `template`,
 * `variant` and `entry_point` (the function or class name the prompt asks
 * for); `reference` (a solution) and `tests` (hidden test cases, one string each,
 * see {@link taskTests}) when the bank has them in the language.
 * @throws DatasetGenerationError for an unknown language or variant index.
 * @throws TaskBankError when the bank's tests files are invalid.
 */
export function renderTask(
  template: TaskTemplate,
  variantIndex: number,
  languageName: string,
  opts: RenderTaskOptions = {},
): DatasetRecord {
  const language = normalizeLanguage(languageName);
  if (!language) {
    throw new DatasetGenerationError(`unknown language ${JSON.stringify(languageName)}; expected one of ${LANGUAGES.join(', ')}`);
  }
  const variant = template.variants[variantIndex];
  if (!variant) {
    throw new DatasetGenerationError(
      `template ${template.id} has ${template.variants.length} variants; variant index ${variantIndex} does not exist`,
    );
  }
  const id = `${template.id}-${variantIndex + 1}-${language}`;
  const rng = new Rng(mixSeed(opts.seed ?? 0, hashString(id)));
  const opener = rng.pick(OPENERS);
  const suffix = rng.pick(SUFFIXES);
  const note = rng.uniform() < 0.5 ? (LANGUAGE_NOTES[language] ?? '') : '';
  const display = LANGUAGE_DISPLAY_NAMES[language];
  const entryPoint = taskEntryPoint(template, variantIndex, language);
  const params = paramList(template.params, variant, language);
  const task = withPeriod(languageText(template.task, language, variant));
  let prompt: string;
  if (template.kind === 'function') {
    prompt = `${opener} ${display} function \`${entryPoint}(${params.join(', ')})\` that ${task}`;
  } else {
    const kindWord = STRUCT_LANGUAGES.has(language) ? 'struct' : 'class';
    const methods = (template.methods ?? []).map((m) => {
      const mName = formatIdentifier(words(substituteSlots(m.name, variant)), LANGUAGE_NAMING[language]);
      return `\`${mName}(${paramList(m.params, variant, language).join(', ')})\``;
    });
    const methodText =
      methods.length === 0
        ? ''
        : methods.length === 1
          ? ` with a method ${methods[0]}`
          : ` with methods ${methods.slice(0, -1).join(', ')} and ${methods[methods.length - 1]}`;
    const ctor = params.length > 0 ? `, constructed from \`${params.join(', ')}\`,` : '';
    prompt = `${opener} ${display} ${kindWord} \`${entryPoint}\`${ctor}${methodText}. It ${task}`;
  }
  prompt += note + suffix;
  const record: DatasetRecord = {
    id,
    prompt,
    language,
    difficulty: template.difficulty,
    tags: [template.category, ...template.tags],
    template: template.id,
    variant: variantIndex,
    entry_point: entryPoint,
  };
  if (isReferenceKey(language)) {
    const reference = taskReference(template, variantIndex, language);
    if (reference !== undefined) record.reference = reference;
    const tests = taskTests(template, variantIndex, language);
    if (tests !== undefined) record.tests = tests;
  }
  return record;
}

/** Options of {@link generateTasks}. */
export interface GenerateTasksOptions {
  /** Number of training prompts. */
  train: number;
  /** Number of evaluation prompts (0 for none). */
  eval: number;
  /** Languages (aliases allowed); prompts are spread evenly over them. */
  languages: readonly string[];
  /** Seed: the same seed gives the same files. Default 0. */
  seed?: number;
  /** Templates to draw from. Default: {@link TASK_BANK}. */
  bank?: readonly TaskTemplate[];
}

/** Counts of a generated split. */
export interface SplitSummary {
  /** Number of records. */
  total: number;
  /** Records per language. */
  byLanguage: Record<string, number>;
  /** Records per difficulty. */
  byDifficulty: Record<string, number>;
  /** Records per category. */
  byCategory: Record<string, number>;
  /** Distinct templates used. */
  templates: number;
}

/** The result of {@link generateTasks}. */
export interface GeneratedTasks {
  /** Training records. */
  train: DatasetRecord[];
  /** Evaluation records; no (template, variant) of these appears in `train`. */
  eval: DatasetRecord[];
  /** Counts per split. */
  summary: { train: SplitSummary; eval: SplitSummary; available: number };
}

/** Counts records per language, difficulty, category and template. */
export function summarizeRecords(records: readonly DatasetRecord[]): SplitSummary {
  const summary: SplitSummary = { total: records.length, byLanguage: {}, byDifficulty: {}, byCategory: {}, templates: 0 };
  const templates = new Set<string>();
  for (const r of records) {
    summary.byLanguage[r.language] = (summary.byLanguage[r.language] ?? 0) + 1;
    const d = r.difficulty ?? 'unset';
    summary.byDifficulty[d] = (summary.byDifficulty[d] ?? 0) + 1;
    const c = r.tags?.[0] ?? 'unset';
    summary.byCategory[c] = (summary.byCategory[c] ?? 0) + 1;
    templates.add(typeof r.template === 'string' ? r.template : r.prompt);
  }
  summary.templates = templates.size;
  return summary;
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new DatasetGenerationError(`${name} must be a non-negative integer, got ${value}`);
  }
}

/**
 * Draws train and eval prompts from the task bank. Eval takes whole
 * (template, variant) groups (all requested languages of a task), so no task
 * of the eval set is seen in training in any language; train then spreads
 * evenly over the languages. Deterministic for a seed.
 * @throws DatasetGenerationError when a count is invalid, a language unknown,
 *         or the bank has fewer distinct prompts than asked for.
 */
export function generateTasks(opts: GenerateTasksOptions): GeneratedTasks {
  checkCount('train', opts.train);
  checkCount('eval', opts.eval);
  const seed = opts.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new DatasetGenerationError(`seed must be a safe integer, got ${seed}`);
  const bank = opts.bank ?? TASK_BANK;
  if (opts.languages.length === 0) throw new DatasetGenerationError('languages must list at least one language');
  const languages: Language[] = [];
  for (const name of opts.languages) {
    const lang = normalizeLanguage(name);
    if (!lang) {
      throw new DatasetGenerationError(`unknown language ${JSON.stringify(name)}; expected one of ${LANGUAGES.join(', ')}`);
    }
    if (!languages.includes(lang)) languages.push(lang);
  }
  const groups: { template: TaskTemplate; variant: number }[] = [];
  for (const template of bank) template.variants.forEach((_v, variant) => groups.push({ template, variant }));
  const available = groups.length * languages.length;
  if (opts.train + opts.eval > available) {
    throw new DatasetGenerationError(
      `asked for ${opts.train} train + ${opts.eval} eval prompts but the bank has ${available} distinct prompts ` +
        `for ${languages.join(', ')} (${groups.length} tasks x ${languages.length} languages); lower the counts or add languages`,
    );
  }
  const rng = new Rng(mixSeed(seed, 0x5eed));
  rng.shuffle(groups);
  const render = (g: { template: TaskTemplate; variant: number }, lang: Language) => renderTask(g.template, g.variant, lang, { seed });

  const evalRecords: DatasetRecord[] = [];
  let next = 0;
  while (evalRecords.length < opts.eval) {
    const g = groups[next++];
    // Rotate the language order so trimming the last group does not always drop the same language.
    const shift = next % languages.length;
    for (let i = 0; i < languages.length && evalRecords.length < opts.eval; i++) {
      evalRecords.push(render(g, languages[(i + shift) % languages.length]));
    }
  }
  const rest = groups.slice(next);
  if (opts.train > rest.length * languages.length) {
    throw new DatasetGenerationError(
      `only ${rest.length * languages.length} train prompts are left after reserving ${opts.eval} eval prompts ` +
        `(eval takes whole tasks); lower the train or eval count`,
    );
  }
  const perLanguage = languages.map((lang) => rng.shuffle(rest.map((g) => ({ g, lang }))));
  const trainRecords: DatasetRecord[] = [];
  for (let i = 0; trainRecords.length < opts.train; i++) {
    const lane = perLanguage[i % languages.length];
    const item = lane[Math.floor(i / languages.length)];
    if (item) trainRecords.push(render(item.g, item.lang));
  }
  rng.shuffle(trainRecords);
  return {
    train: trainRecords,
    eval: evalRecords,
    summary: { train: summarizeRecords(trainRecords), eval: summarizeRecords(evalRecords), available },
  };
}
