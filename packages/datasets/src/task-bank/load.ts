/**
 * Reads the task bank from its data files: `<dir>/<category>.yaml` (the templates, read at once) and
 * `<dir>/tests/<category>.yaml` (the hidden tests, read on first use). Every file is checked against its
 * schema and the cross-file rules; all problems found are thrown together in one {@link TaskBankError}.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { TaskBankError, type TaskBankProblem } from '../errors';
import { checkTemplatesFile, checkTestsFile, duplicateIdProblems, type PlacedTemplate } from './check';
import { TASK_CATEGORIES, type TaskCategory, type TaskTemplate, type TaskTestCases } from './types';
import { parseYaml, type YamlSource } from './yaml-source';

/** A loaded task bank. */
export interface TaskBank {
  /** The folder read (absolute). */
  readonly dir: string;
  /** Every template, category by category in {@link TASK_CATEGORIES} order, in file order within a category; frozen. */
  readonly templates: readonly TaskTemplate[];
  /**
   * The hidden tests by `"<template id>-<variant index>"` (with `$name` still in them). The tests files are read
   * and checked on the first call, then kept. A missing folder, file or key means no tests yet.
   * @throws TaskBankError when a tests file is unreadable or breaks the schema or names an unknown variant.
   */
  tests(): ReadonlyMap<string, TaskTestCases>;
}

const banks = new WeakMap<TaskTemplate, TaskBank>();

/** The bank a template was loaded from (so its tests can be found), or undefined for a template built in code. */
export function bankOf(template: TaskTemplate): TaskBank | undefined {
  return banks.get(template);
}

/**
 * The `bank` folder of this package: found beside the nearest package.json of @rfai/datasets above this module,
 * so it works from the sources (`src/task-bank/`) and from the build (`dist/`).
 * @throws TaskBankError when no such package.json is found (the package was bundled without its `bank` folder).
 */
export function taskBankDir(): string {
  const start = __dirname;
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === '@rfai/datasets') return join(dir, 'bank');
      } catch {
        // not a readable manifest: keep looking above
      }
    }
    if (dirname(dir) === dir) break;
  }
  throw new TaskBankError([
    {
      file: start,
      message:
        'cannot find the task bank: no package.json of @rfai/datasets in this folder or above it, so no bank/ folder beside it; ' +
        'ship the bank/ folder with the package or pass the folder to loadTaskBank(dir)',
    },
  ]);
}

function read(file: string, problems: TaskBankProblem[]): YamlSource | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push({ file, message: `cannot read the file (${(err as Error).message})` });
    return undefined;
  }
  const parsed = parseYaml(file, text);
  if (parsed.ok) return parsed.source;
  problems.push(...parsed.problems);
  return undefined;
}

/** `.yaml` / `.yml` files of a folder whose stem is not a category (or the wrong extension). */
function strayFiles(dir: string, what: string): TaskBankProblem[] {
  const problems: TaskBankProblem[] = [];
  for (const name of readdirSync(dir)) {
    const m = /^(.*)\.(yaml|yml)$/.exec(name);
    if (!m) continue;
    const file = join(dir, name);
    if (!(TASK_CATEGORIES as readonly string[]).includes(m[1])) {
      problems.push({
        file,
        message: `"${m[1]}" is not a task category, so this file would never be read; ${what} files are named <category>.yaml for ${TASK_CATEGORIES.join(', ')} (a new category goes into TASK_CATEGORIES in src/task-bank/types.ts)`,
      });
    } else if (m[2] === 'yml') {
      problems.push({ file, message: `name the file ${m[1]}.yaml (the loader reads .yaml only)` });
    }
  }
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function loadTests(dir: string, templates: readonly TaskTemplate[]): Map<string, TaskTestCases> {
  const tests = new Map<string, TaskTestCases>();
  const testsDir = join(dir, 'tests');
  if (!existsSync(testsDir)) return tests;
  const byId = new Map(templates.map((t) => [t.id, t]));
  const problems = strayFiles(testsDir, 'tests');
  for (const category of TASK_CATEGORIES) {
    const file = join(testsDir, `${category}.yaml`);
    if (!existsSync(file)) continue;
    const source = read(file, problems);
    if (!source) continue;
    const checked = checkTestsFile(source, category, byId);
    problems.push(...checked.problems);
    for (const [key, cases] of checked.entries) tests.set(key, deepFreeze(cases));
  }
  if (problems.length > 0) throw new TaskBankError(problems);
  return tests;
}

/**
 * Reads and checks the templates in `dir` (default: this package's `bank` folder, {@link taskBankDir}). Each
 * call reads the files again; the package reads its own bank once, into `TASK_BANK`.
 * @throws TaskBankError listing every problem: a missing or unreadable category file, invalid YAML, a field the
 *         schema rejects, a duplicate id, a template in the wrong category file, a slot no variant defines.
 */
export function loadTaskBank(folder: string = taskBankDir()): TaskBank {
  const dir = resolve(folder);
  if (!existsSync(dir)) {
    throw new TaskBankError([{ file: dir, message: 'the task bank folder does not exist; it holds one <category>.yaml per category' }]);
  }
  const problems = strayFiles(dir, 'template');
  const placed: PlacedTemplate[] = [];
  for (const category of TASK_CATEGORIES) {
    const file = join(dir, `${category}.yaml`);
    if (!existsSync(file)) {
      problems.push({ file, message: `missing: every category has a templates file (a list of templates; [] for none yet)` });
      continue;
    }
    const source = read(file, problems);
    if (!source) continue;
    const fileProblems = checkTemplatesFile(source, category as TaskCategory);
    problems.push(...fileProblems);
    if (fileProblems.length === 0) (source.value as TaskTemplate[]).forEach((template, index) => placed.push({ template, source, index }));
  }
  problems.push(...duplicateIdProblems(placed));
  if (problems.length > 0) throw new TaskBankError(problems);
  const templates = deepFreeze(placed.map((p) => p.template));
  let tests: Map<string, TaskTestCases> | undefined;
  const bank: TaskBank = {
    dir,
    templates,
    tests: () => (tests ??= loadTests(dir, templates)),
  };
  for (const t of templates) banks.set(t, bank);
  return bank;
}
