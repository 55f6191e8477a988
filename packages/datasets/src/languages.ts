/**
 * Programming languages known to rfai, their aliases and naming conventions.
 */

/** Canonical language names, as stored in a dataset record after loading. */
export const LANGUAGES = [
  'python',
  'cpp',
  'c',
  'rust',
  'typescript',
  'javascript',
  'go',
  'java',
  'csharp',
  'kotlin',
  'swift',
  'ruby',
  'php',
  'scala',
  'haskell',
  'bash',
  'sql',
  'lua',
  'r',
  'julia',
  'dart',
] as const;

/** A canonical language name. */
export type Language = (typeof LANGUAGES)[number];

/** Aliases (lower case) accepted on load and mapped to a canonical name. */
export const LANGUAGE_ALIASES: Readonly<Record<string, Language>> = {
  py: 'python',
  python3: 'python',
  py3: 'python',
  'c++': 'cpp',
  cxx: 'cpp',
  cc: 'cpp',
  hpp: 'cpp',
  h: 'c',
  rs: 'rust',
  ts: 'typescript',
  tsx: 'typescript',
  js: 'javascript',
  jsx: 'javascript',
  node: 'javascript',
  nodejs: 'javascript',
  ecmascript: 'javascript',
  golang: 'go',
  'c#': 'csharp',
  cs: 'csharp',
  kt: 'kotlin',
  rb: 'ruby',
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  hs: 'haskell',
  jl: 'julia',
};

/** Human-readable names used when phrasing prompts. */
export const LANGUAGE_DISPLAY_NAMES: Readonly<Record<Language, string>> = {
  python: 'Python',
  cpp: 'C++',
  c: 'C',
  rust: 'Rust',
  typescript: 'TypeScript',
  javascript: 'JavaScript',
  go: 'Go',
  java: 'Java',
  csharp: 'C#',
  kotlin: 'Kotlin',
  swift: 'Swift',
  ruby: 'Ruby',
  php: 'PHP',
  scala: 'Scala',
  haskell: 'Haskell',
  bash: 'Bash',
  sql: 'SQL',
  lua: 'Lua',
  r: 'R',
  julia: 'Julia',
  dart: 'Dart',
};

/** How a language conventionally spells function, method and parameter names. */
export type NamingStyle = 'snake' | 'camel' | 'pascal';

/** The naming convention for functions and parameters in each language (classes are PascalCase everywhere). */
export const LANGUAGE_NAMING: Readonly<Record<Language, NamingStyle>> = {
  python: 'snake',
  cpp: 'snake',
  c: 'snake',
  rust: 'snake',
  typescript: 'camel',
  javascript: 'camel',
  go: 'camel',
  java: 'camel',
  csharp: 'pascal',
  kotlin: 'camel',
  swift: 'camel',
  ruby: 'snake',
  php: 'camel',
  scala: 'camel',
  haskell: 'camel',
  bash: 'snake',
  sql: 'snake',
  lua: 'snake',
  r: 'snake',
  julia: 'snake',
  dart: 'camel',
};

const CANONICAL = new Set<string>(LANGUAGES);

/**
 * Maps a language name or alias (any case, surrounding spaces ignored) to its
 * canonical name, or returns `undefined` when it is not known.
 * `normalizeLanguage('Py') === 'python'`, `normalizeLanguage('C++') === 'cpp'`.
 */
export function normalizeLanguage(name: string): Language | undefined {
  const key = name.trim().toLowerCase();
  if (CANONICAL.has(key)) return key as Language;
  return LANGUAGE_ALIASES[key];
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
