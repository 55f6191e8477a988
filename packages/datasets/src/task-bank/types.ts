/**
 * The shape of a task template in the built-in bank (the data files under `bank/` hold these fields).
 */
import type { Difficulty } from '../schema';

/**
 * Topics of the bank, in bank order: each is one data file `bank/<category>.yaml` (and its hidden tests
 * `bank/tests/<category>.yaml`), and `TASK_BANK` lists the templates in this order.
 */
export const TASK_CATEGORIES = ['algorithms', 'data-structures', 'strings', 'files', 'concurrency', 'parsing', 'apis', 'math'] as const;

/** Topic of a task template. */
export type TaskCategory = (typeof TASK_CATEGORIES)[number];

/**
 * Values substituted for `{slot}` placeholders in a template's name, task and
 * reference. A key named after a reference language (`python`, `typescript`,
 * `rust`, `cpp`) replaces the template's reference in that language for this
 * variant; other keys may be language-specific slot values (e.g. `rust_empty`).
 */
export type TaskVariant = Readonly<Record<string, string>>;

/**
 * A programming task phrased for any language. Text conventions:
 * - `{slot}`: a variant value; `{none}` (an absent optional value), `{null}` (a null pointer or reference),
 *   `{list}`, `{map}`: the language's words for these;
 * - `[[some words]]`: an identifier in the language's naming style, in backticks.
 */
export interface TaskTemplate {
  /** Stable identifier (snake_case), unique in the bank. */
  id: string;
  /** Topic. */
  category: TaskCategory;
  /** Difficulty (a variant may not change it). */
  difficulty: Difficulty;
  /** Extra tags besides the category. */
  tags: readonly string[];
  /** A free function, or a class / struct with methods. */
  kind: 'function' | 'class';
  /** Name as lower-case words, e.g. `merge intervals`; may contain `{slot}`. */
  name: string;
  /** Parameter names as words (constructor parameters for a class). */
  params: readonly string[];
  /** Methods of a class: name and parameter words. */
  methods?: readonly { name: string; params: readonly string[] }[];
  /** What the code must do, starting with a verb in the third person ("returns ..."). */
  task: string;
  /** At least one variant; each (template, variant, language) is one prompt. */
  variants: readonly TaskVariant[];
  /** Python reference solution; `$name` is the function or class name and `$slot` a variant value. */
  python?: string;
  /** TypeScript reference solution (same conventions; `$name` in camelCase, or PascalCase for a class). */
  typescript?: string;
  /** Rust reference solution (same conventions; standard library only). */
  rust?: string;
  /** C++17 reference solution (same conventions; standard library only). */
  cpp?: string;
}

/** Languages a template can carry a reference solution in. */
export const REFERENCE_LANGUAGES = ['python', 'typescript', 'rust', 'cpp'] as const;

/** A language with reference solutions in the bank. */
export type ReferenceLanguage = (typeof REFERENCE_LANGUAGES)[number];

/**
 * Hidden tests of one template variant, by language: each string is one test case (a block of statements that
 * completes normally when the case passes), with `$name` standing for the entry point in that language.
 */
export type TaskTestCases = Readonly<Partial<Record<ReferenceLanguage, readonly string[]>>>;
