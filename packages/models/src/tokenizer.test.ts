import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfImpl } from '@huggingface/tokenizers';
import { ByteTokenizer, CHATML_TEMPLATE, HfTokenizer, loadTokenizer, qwenTokenizer, tokenizerFromSpec, tokenizerSpec } from './tokenizer';

const root = mkdtempSync(join(tmpdir(), 'rfai-tok-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ByteTokenizer', () => {
  const tok = new ByteTokenizer();

  it('encodes UTF-8 bytes and special-token strings', () => {
    expect(tok.encode('hé')).toEqual([104, 0xc3, 0xa9]);
    expect(tok.encode('<|im_start|>a<|im_end|><|endoftext|>')).toEqual([257, 97, 258, 256]);
    expect(tok.vocabSize).toBe(259);
    expect(tok.eosTokenId).toBe(256);
    expect(tok.padTokenId).toBe(256);
  });

  it('decodes, optionally skipping specials; invalid UTF-8 becomes U+FFFD', () => {
    const text = 'def f():\n    return "π"';
    expect(tok.decode(tok.encode(text))).toBe(text);
    expect(tok.decode([257, 104, 105, 258])).toBe('<|im_start|>hi<|im_end|>');
    expect(tok.decode([257, 104, 105, 258], { skipSpecialTokens: true })).toBe('hi');
    expect(tok.decode([0xc3])).toBe('\ufffd');
    expect(tok.decode([104, 0xff, 105])).toBe('h\ufffdi');
    expect(() => tok.decode([259])).toThrow(/id 259 is outside the vocabulary \[0, 259\)/);
  });

  it('applies the ChatML template', () => {
    expect(tok.applyChatTemplate([{ role: 'system', content: 'S' }, { role: 'user', content: 'U' }])).toBe(
      '<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(tok.applyChatTemplate([{ role: 'user', content: 'U' }], { addGenerationPrompt: false })).toBe('<|im_start|>user\nU<|im_end|>\n');
  });

  it('its saved tokenizer.json gives the same ids through @huggingface/tokenizers, and loadTokenizer reads it back', () => {
    const files = tok.files();
    const impl = new HfImpl(JSON.parse(files['tokenizer.json']), JSON.parse(files['tokenizer_config.json']));
    const text = 'x = "héllo"\n\t<|im_end|>~\u0000';
    expect(impl.encode(text, { add_special_tokens: false }).ids).toEqual(tok.encode(text));
    expect(impl.decode(tok.encode(text))).toBe(text);
    const dir = join(root, 'byte');
    mkdirSync(dir);
    for (const [n, t] of Object.entries(files)) writeFileSync(join(dir, n), t);
    expect(loadTokenizer(dir)).toBeInstanceOf(ByteTokenizer);
  });
});

describe('Hugging Face tokenizers', () => {
  it('tokenizerSpec / tokenizerFromSpec: what another process reloads (byte; the folder of a loaded one; none for one built in memory)', () => {
    expect(tokenizerSpec(new ByteTokenizer())).toEqual({ kind: 'byte' });
    expect(tokenizerFromSpec({ kind: 'byte' })).toBeInstanceOf(ByteTokenizer);
    const q = qwenTokenizer();
    const spec = tokenizerSpec(q);
    expect(spec).not.toBeNull();
    const again = tokenizerFromSpec(spec!);
    expect(again).toBeInstanceOf(HfTokenizer);
    expect(again.encode('def f(x):\n    return x + 1')).toEqual(q.encode('def f(x):\n    return x + 1'));
    expect(again.eosTokenId).toBe(q.eosTokenId);
    const files = new ByteTokenizer().files();
    const inMemory = new HfTokenizer(JSON.parse(files['tokenizer.json']), JSON.parse(files['tokenizer_config.json']), 'label');
    expect(tokenizerSpec(inMemory)).toBeNull();
  });
  it('qwenTokenizer: Qwen3 vocabulary, eos/pad ids, chat template', () => {
    const q = qwenTokenizer();
    expect(q.eosTokenId).toBe(151645);
    expect(q.padTokenId).toBe(151643);
    expect(q.vocabSize).toBe(151669);
    const ids = q.encode('def f(x):\n    return x + 1');
    expect(ids).toEqual([750, 282, 2075, 982, 262, 470, 856, 488, 220, 16]);
    expect(q.decode(ids)).toBe('def f(x):\n    return x + 1');
    expect(q.encode('<|im_end|>')).toEqual([151645]);
    expect(q.specialTokenIds.has(151645)).toBe(true);
    expect(q.applyChatTemplate([{ role: 'user', content: 'hi' }])).toBe('<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n');
    expect(qwenTokenizer()).toBe(q);
  });

  it('loadTokenizer: missing tokenizer.json, bad JSON, no eos token', () => {
    const dir = join(root, 'hf');
    mkdirSync(dir);
    expect(() => loadTokenizer(dir)).toThrow(/no tokenizer.json; rfai needs the fast-tokenizer file/);
    writeFileSync(join(dir, 'tokenizer.json'), '{nope');
    expect(() => loadTokenizer(dir)).toThrow(/tokenizer.json: invalid JSON/);
    const byteFiles = new ByteTokenizer().files();
    writeFileSync(join(dir, 'tokenizer.json'), byteFiles['tokenizer.json']);
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ chat_template: CHATML_TEMPLATE }));
    expect(() => loadTokenizer(dir)).toThrow(/tokenizer_config.json has no usable "eos_token"/);
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ eos_token: { content: '<|im_end|>' } }));
    const t = loadTokenizer(dir);
    expect(t).toBeInstanceOf(HfTokenizer);
    expect(t.eosTokenId).toBe(258);
    expect(t.padTokenId).toBe(258);
    expect(t.applyChatTemplate([{ role: 'user', content: 'a' }])).toBe('<|im_start|>user\na<|im_end|>\n<|im_start|>assistant\n');
  });
});
