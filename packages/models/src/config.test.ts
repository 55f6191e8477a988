import { eosTokenIds, headDim, parseModelConfig, presetConfig, PRESETS } from './config';
import { createModel } from './create';

const base = {
  model_type: 'qwen2',
  vocab_size: 10,
  hidden_size: 8,
  intermediate_size: 16,
  num_hidden_layers: 1,
  num_attention_heads: 2,
};

describe('parseModelConfig', () => {
  it('fills Hugging Face defaults and keeps unknown fields', () => {
    const c = parseModelConfig({ ...base, sliding_window: 4096 });
    expect(c).toMatchObject({ num_key_value_heads: 2, head_dim: 4, rms_norm_eps: 1e-6, rope_theta: 10000, tie_word_embeddings: false });
    expect(c.sliding_window).toBe(4096);
    expect(headDim(c)).toBe(4);
    expect(eosTokenIds({ ...c, eos_token_id: [1, 2] })).toEqual([1, 2]);
    expect(eosTokenIds(c)).toEqual([]);
  });

  it.each([
    [{ ...base, model_type: 'mistral' }, /model_type "mistral" is not supported/],
    [{ ...base, model_type: undefined }, /"model_type" is missing/],
    [{ ...base, hidden_size: 0 }, /"hidden_size" must be a positive integer, found 0/],
    [{ ...base, vocab_size: 'x' }, /"vocab_size" must be a positive integer, found "x"/],
    [{ ...base, num_key_value_heads: 3, num_attention_heads: 4 }, /num_attention_heads \(4\) must be a multiple of num_key_value_heads \(3\)/],
    [{ ...base, num_attention_heads: 3 }, /hidden_size \(8\) is not divisible by num_attention_heads \(3\)/],
    [{ ...base, head_dim: 5 }, /head_dim must be even/],
    [{ ...base, rope_scaling: { type: 'linear', factor: 2 } }, /rope_scaling .* is not implemented/],
    [{ ...base, hidden_act: 'gelu' }, /hidden_act "gelu" is not implemented/],
    [{ ...base, use_sliding_window: true }, /use_sliding_window true is not implemented/],
    [{ ...base, rms_norm_eps: -1 }, /"rms_norm_eps" must be a positive number/],
    [{ ...base, tie_word_embeddings: 'yes' }, /"tie_word_embeddings" must be true or false/],
    [{ ...base, eos_token_id: [1, -2] }, /"eos_token_id" must be a token id or a list of ids/],
    [[1], /must be a JSON object/],
  ])('rejects %j', (raw, msg) => {
    expect(() => parseModelConfig(raw, 'x/config.json')).toThrow(msg);
  });

  it('accepts rope_scaling null and {rope_type: default}', () => {
    expect(parseModelConfig({ ...base, rope_scaling: { rope_type: 'default' } }).model_type).toBe('qwen2');
    expect(parseModelConfig({ ...base, rope_scaling: null }).model_type).toBe('qwen2');
  });
});

describe('presets', () => {
  it('tiny has the measured reference shape (qwen3, byte vocab, tied)', () => {
    expect(PRESETS.tiny).toMatchObject({
      model_type: 'qwen3',
      hidden_size: 128,
      num_hidden_layers: 4,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      head_dim: 32,
      intermediate_size: 384,
      tie_word_embeddings: true,
      vocab_size: 259,
      rope_theta: 10000,
      max_position_embeddings: 1024,
      eos_token_id: 256,
    });
    expect(presetConfig('small', 'qwen')).toMatchObject({ vocab_size: 151936, eos_token_id: 151645, hidden_size: 256 });
    expect(() => presetConfig('huge')).toThrow(/unknown model preset "huge"; choose one of tiny, small, base/);
  });

  it('createModel is seeded: same seed same bytes, N(0, 0.02) weights, unit norms', () => {
    const a = createModel(PRESETS.tiny, 1);
    const b = createModel(PRESETS.tiny, 1);
    const c = createModel(PRESETS.tiny, 2);
    const key = 'model.layers.2.mlp.gate_proj.weight';
    const wa = Array.from(a.weight(key).dataSync());
    expect(Array.from(b.weight(key).dataSync())).toEqual(Array.from(wa));
    expect(Array.from(c.weight(key).dataSync())).not.toEqual(Array.from(wa));
    const mean = wa.reduce((s, v) => s + v, 0) / wa.length;
    const std = Math.sqrt(wa.reduce((s, v) => s + (v - mean) ** 2, 0) / wa.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(Math.abs(std - 0.02)).toBeLessThan(0.001);
    expect(Array.from(a.weight('model.layers.0.self_attn.q_norm.weight').dataSync())).toEqual(new Array(32).fill(1));
    expect(a.numParameters).toBe(259 * 128 + 4 * (128 + 128 * 128 + 64 * 128 * 2 + 32 * 2 + 128 * 128 + 128 + 3 * 128 * 384) + 128);
    [a, b, c].forEach((m) => m.dispose());
  });
});
