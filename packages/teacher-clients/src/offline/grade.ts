// The offline rubric: turns syntax, lexical and prompt facts into the four breakdown fields, smoothly.
//
// Every signal is in [0, 1] and changes gradually, so a student that starts from random bytes earns more as it
// learns ASCII, line structure, balanced brackets, keywords, the prompt's names and finally valid definitions.
// A "code-likeness gate" (printable characters, parseability, no degenerate repetition) multiplies all four fields:
// noise cannot score well on documentation or efficiency by accident, nor a valid line repeated many times.
import type { ScoreBreakdown } from '../teacher';
import { analyzeLexical, extractCode, subWords, type LexicalFacts } from './lexical';
import { nameSimilarity, promptTerms, wordPresent } from './prompt-terms';
import type { SyntaxFacts } from './syntax';

/**
 * Version of the offline rubric; part of the cache key and of the `model` name. v2: hidden tests decide (see
 * scoring.ts); the signals below are the static part.
 */
export const OFFLINE_RUBRIC_VERSION = 'offline-v2';

/** The signals behind an offline grade, each in [0, 1] (exposed for diagnostics and tests). */
export interface OfflineSignals {
  /** Printable-character share. */
  charSanity: number;
  /** Share of the code outside parse-error regions, discounted per missing token (bracket balance without a grammar). */
  syntax: number;
  /** The asked-for definition: 1 defined by name, partial for a similar name or a mere mention. */
  definition: number;
  /** Share of the prompt's content words used in the code (up to 6 words needed for full credit). */
  relevance: number;
  /** Matched bracket share (0.5 when the code has no brackets). */
  brackets: number;
  /** Distinct language keywords, 5 for full credit. */
  keywords: number;
  /** Not empty, not absurdly long. */
  length: number;
  /** No repeated token trigrams, lines or character runs. */
  repetition: number;
  /** Plausible line lengths. */
  lineStructure: number;
  /** Identifiers that look like names. */
  naming: number;
  /** Share of the text that is code (not comment, not parse error). */
  codeShare: number;
  /** Nesting depth at most 4 levels. */
  nesting: number;
  /** Comments or docstrings present in a sensible amount. */
  docs: number;
  /** Similarity of the code's words to the reference solution's (undefined without a reference). */
  reference?: number;
  /** Code-likeness gate applied to every field. */
  gate: number;
}

/** The full offline grade. */
export interface OfflineGrade {
  breakdown: ScoreBreakdown;
  signals: OfflineSignals;
  rationale: string;
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

function lengthScore(tokens: number, chars: number, referenceTokens: number | undefined): number {
  if (tokens === 0) return 0;
  let s = 1 - Math.exp(-tokens / 20); // 20 tokens ~0.63, 60 tokens ~0.95
  if (chars > 6000) s *= Math.exp(-(chars - 6000) / 6000);
  if (referenceTokens !== undefined && referenceTokens > 0) {
    const ratio = tokens / referenceTokens;
    if (ratio > 3) s *= Math.exp(-(ratio - 3) / 3);
  }
  return s;
}

function lineStructureScore(lex: LexicalFacts): number {
  const m = lex.meanLineLength;
  let f: number;
  if (m <= 0) f = 0;
  else if (m < 8) f = 0.25 + (0.75 * m) / 8;
  else if (m <= 100) f = 1;
  else f = Math.exp(-(m - 100) / 100);
  return f * (1 - lex.longLineShare);
}

function commentScore(share: number): number {
  if (share <= 0) return 0;
  if (share < 0.08) return Math.sqrt(share / 0.08);
  if (share <= 0.5) return 1;
  return 1 - 1.6 * (share - 0.5); // mostly comments: down to 0.2 at 100%
}

function definitionScore(requested: string[], defined: string[], lex: LexicalFacts, code: string): { score: number; note: string } {
  if (requested.length === 0) {
    return defined.length > 0
      ? { score: 1, note: `defines ${defined.slice(0, 3).join(', ')}` }
      : { score: 0.4, note: 'no definition (the prompt names none)' };
  }
  let best = 0;
  let note = `does not define ${requested[0]}`;
  for (const name of requested) {
    if (defined.includes(name)) return { score: 1, note: `defines ${name}` };
    const esc = name.replace(/\$/g, '\\$');
    if (new RegExp(`\\b(def|fn|func|function|class|struct|fun|sub)\\s+${esc}\\b`).test(code)) {
      if (best < 0.8) {
        best = 0.8;
        note = `defines ${name} (in a region that does not parse)`;
      }
    } else if (lex.identifiers.includes(name) && best < 0.5) {
      best = 0.5;
      note = `mentions ${name} without defining it`;
    }
    for (const d of defined) {
      const s = 0.35 + 0.35 * nameSimilarity(d, name);
      if (s > best) {
        best = s;
        note = `defines ${d}, not ${name}`;
      }
    }
    for (const id of lex.identifiers) {
      const s = 0.3 * nameSimilarity(id, name);
      if (s > best) {
        best = s;
        note = `closest name ${id}, not ${name}`;
      }
    }
  }
  return { score: best, note };
}

const f2 = (x: number) => x.toFixed(2);

/**
 * Syntax validity in [0, 1] from a parse: (1 − unparseable share)² · exp(−1.5 · error regions per line) · 0.9^missing.
 * Clean code gives 1; one broken line in fifteen about 0.9; noise about 0.
 */
export function syntaxScoreOf(facts: SyntaxFacts, nonSpaceChars: number, nonEmptyLines: number): number {
  if (nonSpaceChars === 0) return 0;
  const clean = 1 - Math.min(1, facts.errorBytes / nonSpaceChars);
  return clean * clean * Math.exp((-1.5 * facts.errorRegions) / Math.max(1, nonEmptyLines)) * Math.pow(0.9, facts.missingNodes);
}

/**
 * Grades one completion. `syntax` is the tree-sitter walk of the extracted code (undefined when the language has no
 * grammar: syntax is then judged by bracket balance only). Pure and deterministic.
 */
export function gradeOffline(
  input: { prompt: string; language: string; completion: string; reference?: string },
  code: string,
  syntax: SyntaxFacts | undefined,
): OfflineGrade {
  const lex = analyzeLexical(code, input.language);
  const terms = promptTerms(input.prompt);
  const chars = Math.max(1, lex.chars);
  const empty = lex.nonSpaceChars === 0;

  const brackets = lex.bracketBalance ?? (empty ? 0 : 0.5);
  let syntaxScore: number;
  let commentShare: number;
  let commentQuality = 1;
  if (syntax !== undefined) {
    syntaxScore = empty ? 0 : syntaxScoreOf(syntax, lex.nonSpaceChars, lex.nonEmptyLines);
    commentShare = syntax.commentBytes / chars;
    commentQuality = clamp01((syntax.commentProse - 0.55) / 0.25); // noise ~0.55, prose ~0.9
  } else {
    syntaxScore = empty ? 0 : brackets;
    commentShare = lex.nonEmptyLines === 0 ? 0 : lex.commentLines / lex.nonEmptyLines;
  }
  const defined = syntax?.definitions ?? [];
  const def = definitionScore(terms.requestedNames, defined, lex, code);

  const found = terms.words.filter((w) => wordPresent(w, lex.words));
  const relevance = terms.words.length === 0 ? 0.5 : Math.min(1, found.length / Math.min(6, terms.words.length));
  const keywords = Math.min(1, lex.keywordsFound / 5);

  let referenceTokens: number | undefined;
  let referenceSim: number | undefined;
  if (input.reference !== undefined && input.reference.trim().length > 0) {
    const refCode = extractCode(input.reference);
    const refWords = new Set<string>();
    for (const m of refCode.matchAll(/[A-Za-z_$][A-Za-z0-9_$]*/g)) for (const w of subWords(m[0])) refWords.add(w);
    referenceTokens = (refCode.match(/[A-Za-z_$][A-Za-z0-9_$]*|\d+(?:\.\d+)?|\S/g) ?? []).length;
    let inter = 0;
    for (const w of refWords) if (lex.words.has(w)) inter++;
    const union = refWords.size + lex.words.size - inter;
    referenceSim = union === 0 ? 0 : inter / union;
  }
  const length = lengthScore(lex.tokens, lex.chars, referenceTokens);
  const runPenalty = lex.longestCharRun <= 40 ? 1 : Math.exp(-(lex.longestCharRun - 40) / 40);
  // Real code of a few lines has most of its character 4-grams distinct (about 0.5-0.9); degenerate text far fewer (0.03 for `vvvv...`).
  const charVariety = clamp01(lex.charDiversity / 0.3);
  const repetition = empty ? 0 : Math.min(lex.distinctTrigramRatio, Math.sqrt(lex.uniqueLineRatio), charVariety) * runPenalty;
  const lineStructure = lineStructureScore(lex);
  const naming = lex.namingPlausibility;
  const codeShare = empty ? 0 : clamp01(1 - (commentShare * chars + (syntax?.errorBytes ?? 0)) / chars);
  const nesting = lex.maxIndentDepth <= 4 ? 1 : Math.max(0.3, 1 - 0.15 * (lex.maxIndentDepth - 4));
  const docstrings = defined.length === 0 ? 0 : (syntax?.documentedDefinitions ?? 0) / defined.length;
  const docs = 1 - (1 - commentQuality * commentScore(commentShare)) * (1 - docstrings);
  // Degenerate repetition also scales everything: a valid line repeated forever must not be a cheap local optimum.
  // Ordinary code (repetition >= 0.6) is not penalised; degenerate text loses up to 85% of every field.
  const gate = lex.charSanity * lex.charSanity * (0.3 + 0.7 * syntaxScore) * (0.15 + 0.85 * Math.min(1, repetition / 0.6));

  let correctness = 0.3 * syntaxScore + 0.25 * def.score + 0.15 * relevance + 0.1 * brackets + 0.1 * keywords + 0.1 * length;
  if (referenceSim !== undefined) correctness = 0.8 * correctness + 0.2 * referenceSim;
  const quality = 0.3 * repetition + 0.25 * lineStructure + 0.2 * naming + 0.25 * codeShare;
  const efficiency = 0.4 * length + 0.35 * repetition + 0.25 * nesting;
  const documentation = 0.8 * docs + 0.2 * naming;

  const g = empty ? 0 : gate; // whitespace is not code: every field is 0
  const breakdown: ScoreBreakdown = {
    correctness: clamp01(g * correctness),
    quality: clamp01(g * quality),
    efficiency: clamp01(g * efficiency),
    documentation: clamp01(g * documentation),
  };
  const signals: OfflineSignals = {
    charSanity: lex.charSanity,
    syntax: syntaxScore,
    definition: def.score,
    relevance,
    brackets,
    keywords,
    length,
    repetition,
    lineStructure,
    naming,
    codeShare,
    nesting,
    docs,
    reference: referenceSim,
    gate: g,
  };
  const syntaxNote =
    syntax === undefined
      ? `no ${input.language} grammar, bracket balance ${f2(brackets)}`
      : `syntax ${f2(syntaxScore)} (${syntax.errorRegions} error regions, ${syntax.missingNodes} missing tokens)`;
  const rationale = empty
    ? 'Empty completion: nothing to grade as code.'
    : `Offline heuristics (cannot run the code): ${syntaxNote}; ${def.note}; ` +
      `${found.length}/${terms.words.length} prompt words used; ${lex.keywordsFound} ${input.language} keywords; ` +
      `${lex.tokens} tokens; repetition ${f2(repetition)}; comments/docstrings ${f2(docs)}; printable ${f2(lex.charSanity)}.`;
  return { breakdown, signals, rationale };
}
