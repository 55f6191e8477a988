import type { Tokenizer } from '@rfai/models';

/** How a dataset prompt becomes model input (config `model.chat_template`). */
export type PromptStyle = 'chat' | 'plain';

/** The system message of the chat format. */
export const SYSTEM_PROMPT = 'You are an expert programmer. Answer with a complete, correct solution as code only.';

/**
 * Chooses the prompt style: `auto` uses the chat template for Hugging Face
 * tokenizers (instruct checkpoints carry one; others fall back to ChatML) and
 * the plain format for the built-in byte tokenizer, which has never seen chat
 * markup.
 */
export function resolvePromptStyle(setting: 'auto' | 'chat' | 'plain', tokenizer: Tokenizer): PromptStyle {
  if (setting === 'chat' || setting === 'plain') return setting;
  return tokenizer.kind === 'huggingface' ? 'chat' : 'plain';
}

/**
 * The text of one prompt in the chosen style. `prefix` (a dataset row's `prefix`: the start of the solution, e.g.
 * `def f(x):\n    return `) ends the text, so the student writes only the rest; the teacher grades prefix + completion.
 */
export function formatPrompt(prompt: string, language: string, style: PromptStyle, tokenizer: Tokenizer, prefix = ''): string {
  if (style === 'plain') return `### Task (${language})\n${prompt.trim()}\n### Solution\n${prefix}`;
  return (
    tokenizer.applyChatTemplate(
      [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: `${prompt.trim()}\n\nLanguage: ${language}.` },
      ],
      { addGenerationPrompt: true, extra: { enable_thinking: false } },
    ) + prefix
  );
}

/**
 * Token ids of a formatted prompt of at most `maxPromptTokens`. A prompt too
 * long for the budget keeps its beginning (where the task names what to
 * write) and is cut at a word boundary with "...", so the format's answer cue
 * at the end survives; a format that alone exceeds the budget keeps its last
 * tokens.
 */
export function encodePrompt(
  prompt: string,
  language: string,
  style: PromptStyle,
  tokenizer: Tokenizer,
  maxPromptTokens: number,
  prefix = '',
): number[] {
  let text = prompt.trim();
  let ids = tokenizer.encode(formatPrompt(text, language, style, tokenizer, prefix));
  for (let attempt = 0; ids.length > maxPromptTokens && attempt < 8 && text.length > 0; attempt++) {
    // Tokens are at least one character, so cutting the excess in characters (plus a margin) converges fast.
    const excess = ids.length - maxPromptTokens;
    let cut = Math.max(0, text.length - Math.max(excess, Math.ceil(excess * (text.length / Math.max(1, ids.length)))) - 4);
    const space = text.lastIndexOf(' ', cut);
    if (space > cut * 0.7) cut = space;
    text = cut > 0 ? `${text.slice(0, cut).trimEnd()} ...` : '';
    ids = tokenizer.encode(formatPrompt(text, language, style, tokenizer, prefix));
  }
  return ids.length > maxPromptTokens ? ids.slice(ids.length - maxPromptTokens) : ids;
}

/** A dataset row's `prefix` (the start of the solution the prompt ends with), or '' when it has none. */
export function solutionPrefix(row: object): string {
  const prefix = (row as { prefix?: unknown }).prefix;
  return typeof prefix === 'string' ? prefix : '';
}

/** The grading request fields a dataset row adds to a completion: hidden tests, entry point, solution prefix. */
export function taskFields(row: object): { tests?: string | string[]; entry_point?: string; prefix?: string } {
  const r = row as { tests?: unknown; entry_point?: unknown; prefix?: unknown };
  return {
    ...(typeof r.tests === 'string' || Array.isArray(r.tests) ? { tests: r.tests as string | string[] } : {}),
    ...(typeof r.entry_point === 'string' ? { entry_point: r.entry_point } : {}),
    ...(typeof r.prefix === 'string' && r.prefix !== '' ? { prefix: r.prefix } : {}),
  };
}
