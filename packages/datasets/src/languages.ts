/**
 * The language table: every programming language rfai knows, its aliases and the facts the packages share. It is
 * the one list: @rfai/config (`data.languages`), @rfai/code-exec (which names reach a runner) and
 * @rfai/teacher-clients (`canonicalLanguage`) derive from it through the dependency-free entry
 * `@rfai/datasets/languages`, so a language added here is accepted everywhere at once.
 */

/** How a language conventionally spells function, method and parameter names. */
export type NamingStyle = 'snake' | 'camel' | 'pascal';

/** What rfai knows about one language. */
export interface LanguageInfo {
  /** Human-readable name used when phrasing prompts. */
  display: string;
  /** The naming convention for functions and parameters (classes are PascalCase everywhere). */
  naming: NamingStyle;
  /** Other names (lower case) accepted wherever a language is named, normalised to this one. */
  aliases: readonly string[];
}

/** Canonical name (as stored in a dataset record after loading) -> its facts. */
export const LANGUAGE_TABLE = {
  python: { display: 'Python', naming: 'snake', aliases: ['py', 'python3', 'py3'] },
  cpp: { display: 'C++', naming: 'snake', aliases: ['c++', 'cxx', 'cc', 'hpp'] },
  c: { display: 'C', naming: 'snake', aliases: ['h'] },
  rust: { display: 'Rust', naming: 'snake', aliases: ['rs'] },
  typescript: { display: 'TypeScript', naming: 'camel', aliases: ['ts', 'tsx'] },
  javascript: { display: 'JavaScript', naming: 'camel', aliases: ['js', 'jsx', 'node', 'nodejs', 'ecmascript'] },
  go: { display: 'Go', naming: 'camel', aliases: ['golang'] },
  java: { display: 'Java', naming: 'camel', aliases: [] },
  csharp: { display: 'C#', naming: 'pascal', aliases: ['c#', 'cs'] },
  kotlin: { display: 'Kotlin', naming: 'camel', aliases: ['kt'] },
  swift: { display: 'Swift', naming: 'camel', aliases: [] },
  ruby: { display: 'Ruby', naming: 'snake', aliases: ['rb'] },
  php: { display: 'PHP', naming: 'camel', aliases: [] },
  scala: { display: 'Scala', naming: 'camel', aliases: [] },
  haskell: { display: 'Haskell', naming: 'camel', aliases: ['hs'] },
  bash: { display: 'Bash', naming: 'snake', aliases: ['sh', 'shell', 'zsh'] },
  sql: { display: 'SQL', naming: 'snake', aliases: [] },
  lua: { display: 'Lua', naming: 'snake', aliases: [] },
  r: { display: 'R', naming: 'snake', aliases: [] },
  julia: { display: 'Julia', naming: 'snake', aliases: ['jl'] },
  dart: { display: 'Dart', naming: 'camel', aliases: [] },
} as const satisfies Record<string, LanguageInfo>;

/** A canonical language name. */
export type Language = keyof typeof LANGUAGE_TABLE;

/** Canonical language names, in the table's order. */
export const LANGUAGES: readonly Language[] = Object.freeze(Object.keys(LANGUAGE_TABLE) as Language[]);

const entries = LANGUAGES.map((l) => [l, LANGUAGE_TABLE[l] as LanguageInfo] as const);

/** Aliases (lower case) accepted on load and mapped to a canonical name. */
export const LANGUAGE_ALIASES: Readonly<Record<string, Language>> = Object.freeze(
  Object.fromEntries(entries.flatMap(([l, info]) => info.aliases.map((a) => [a, l]))),
);

/** Human-readable names used when phrasing prompts. */
export const LANGUAGE_DISPLAY_NAMES = Object.freeze(Object.fromEntries(entries.map(([l, info]) => [l, info.display]))) as Readonly<Record<Language, string>>;

/** The naming convention for functions and parameters in each language (classes are PascalCase everywhere). */
export const LANGUAGE_NAMING = Object.freeze(Object.fromEntries(entries.map(([l, info]) => [l, info.naming]))) as Readonly<Record<Language, NamingStyle>>;

const CANONICAL = new Set<string>(LANGUAGES);

/**
 * Maps a language name or alias (any case, surrounding spaces ignored) to its
 * canonical name, or returns `undefined` when it is not known.
 * `normalizeLanguage('Py') === 'python'`, `normalizeLanguage('C++') === 'cpp'`.
 */
export function normalizeLanguage(name: string): Language | undefined {
  const key = name.trim().toLowerCase();
  if (CANONICAL.has(key)) return key as Language;
  return Object.hasOwn(LANGUAGE_ALIASES, key) ? LANGUAGE_ALIASES[key] : undefined;
}

/** True when `name` is a canonical language name or a known alias. */
export function isKnownLanguage(name: string): boolean {
  return normalizeLanguage(name) !== undefined;
}

/** The closest known language or alias to `name` (edit distance at most 2), for did-you-mean messages. */
export function suggestLanguage(name: string): string | undefined {
  const key = name.trim().toLowerCase();
  let best: string | undefined;
  let bestDist = 3;
  for (const candidate of [...LANGUAGES, ...Object.keys(LANGUAGE_ALIASES)]) {
    const d = editDistance(key, candidate);
    if (d < bestDist) {
      bestDist = d;
      best = candidate;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/**
 * Spells an identifier given as lower-case words in a naming style:
 * `formatIdentifier(['merge', 'intervals'], 'camel') === 'mergeIntervals'`.
 */
export function formatIdentifier(words: readonly string[], style: NamingStyle): string {
  const parts = words.filter((w) => w.length > 0).map((w) => w.toLowerCase());
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  switch (style) {
    case 'snake':
      return parts.join('_');
    case 'camel':
      return parts.map((w, i) => (i === 0 ? w : cap(w))).join('');
    case 'pascal':
      return parts.map(cap).join('');
  }
}
