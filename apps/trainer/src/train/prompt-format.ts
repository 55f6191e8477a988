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

/** The text of one prompt in the chosen style. */
export function formatPrompt(prompt: string, language: string, style: PromptStyle, tokenizer: Tokenizer): string {
  if (style === 'plain') return `### Task (${language})\n${prompt.trim()}\n### Solution\n`;
  return tokenizer.applyChatTemplate(
    [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: `${prompt.trim()}\n\nLanguage: ${language}.` },
    ],
    { addGenerationPrompt: true, extra: { enable_thinking: false } },
  );
}

/**
 * Token ids of a formatted prompt, keeping the last `maxPromptTokens` (the
 * end of a prompt, where the task and the answer cue are, matters most).
 */
export function encodePrompt(
  prompt: string,
  language: string,
  style: PromptStyle,
  tokenizer: Tokenizer,
  maxPromptTokens: number,
): number[] {
  const ids = tokenizer.encode(formatPrompt(prompt, language, style, tokenizer));
  return ids.length > maxPromptTokens ? ids.slice(ids.length - maxPromptTokens) : ids;
}
