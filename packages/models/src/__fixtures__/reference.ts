/**
 * TEST ONLY: an independent plain-JS float64 forward pass of llama / qwen2 / qwen3 written from transformers'
 * modeling files (not reusing the model code), used as ground truth by the tests.
 */
export interface RefConfig {
  model_type: string;
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim?: number;
  rms_norm_eps: number;
  rope_theta: number;
  tie_word_embeddings: boolean;
  attention_bias?: boolean;
}

type W = Map<string, { shape: number[]; data: ArrayLike<number> }>;

function matvec(w: { shape: number[]; data: ArrayLike<number> }, x: number[], b?: { data: ArrayLike<number> }): number[] {
  const [out, inn] = w.shape;
  const y = new Array<number>(out).fill(0);
  for (let o = 0; o < out; o++) {
    let s = b ? b.data[o] : 0;
    for (let i = 0; i < inn; i++) s += w.data[o * inn + i] * x[i];
    y[o] = s;
  }
  return y;
}

function rms(x: number[], w: ArrayLike<number>, eps: number): number[] {
  const ms = x.reduce((a, v) => a + v * v, 0) / x.length;
  const r = 1 / Math.sqrt(ms + eps);
  return x.map((v, i) => v * r * w[i]);
}

function rope(x: number[], pos: number, theta: number): number[] {
  const D = x.length;
  const half = D / 2;
  const out = new Array<number>(D);
  for (let i = 0; i < half; i++) {
    const ang = pos / Math.pow(theta, (2 * i) / D);
    const c = Math.cos(ang);
    const s = Math.sin(ang);
    // q*cos + rotate_half(q)*sin with rotate_half = concat(-x2, x1)
    out[i] = x[i] * c - x[i + half] * s;
    out[i + half] = x[i + half] * c + x[i] * s;
  }
  return out;
}

/** Logits [T][V] of one unpadded sequence, float64. */
export function referenceLogits(cfg: RefConfig, w: W, ids: number[]): number[][] {
  const E = cfg.hidden_size;
  const H = cfg.num_attention_heads;
  const KV = cfg.num_key_value_heads;
  const D = cfg.head_dim ?? E / H;
  const T = ids.length;
  const get = (k: string) => {
    const t = w.get(k);
    if (!t) throw new Error(`reference: missing ${k}`);
    return t;
  };
  const emb = get('model.embed_tokens.weight');
  let xs = ids.map((id) => Array.from({ length: E }, (_, e) => emb.data[id * E + e]));
  for (let l = 0; l < cfg.num_hidden_layers; l++) {
    const p = `model.layers.${l}`;
    const bias = (n: string) => w.get(`${p}.self_attn.${n}.bias`);
    const qs: number[][][] = [];
    const ks: number[][][] = [];
    const vs: number[][][] = [];
    for (let t = 0; t < T; t++) {
      const h = rms(xs[t], get(`${p}.input_layernorm.weight`).data, cfg.rms_norm_eps);
      const q = matvec(get(`${p}.self_attn.q_proj.weight`), h, bias('q_proj'));
      const k = matvec(get(`${p}.self_attn.k_proj.weight`), h, bias('k_proj'));
      const v = matvec(get(`${p}.self_attn.v_proj.weight`), h, bias('v_proj'));
      const qh: number[][] = [];
      const kh: number[][] = [];
      const vh: number[][] = [];
      for (let hh = 0; hh < H; hh++) {
        let qq = q.slice(hh * D, (hh + 1) * D);
        if (cfg.model_type === 'qwen3') qq = rms(qq, get(`${p}.self_attn.q_norm.weight`).data, cfg.rms_norm_eps);
        qh.push(rope(qq, t, cfg.rope_theta));
      }
      for (let hh = 0; hh < KV; hh++) {
        let kk = k.slice(hh * D, (hh + 1) * D);
        if (cfg.model_type === 'qwen3') kk = rms(kk, get(`${p}.self_attn.k_norm.weight`).data, cfg.rms_norm_eps);
        kh.push(rope(kk, t, cfg.rope_theta));
        vh.push(v.slice(hh * D, (hh + 1) * D));
      }
      qs.push(qh);
      ks.push(kh);
      vs.push(vh);
    }
    const next: number[][] = [];
    for (let t = 0; t < T; t++) {
      const ctx: number[] = [];
      for (let hh = 0; hh < H; hh++) {
        const kvh = Math.floor(hh / (H / KV));
        const sc: number[] = [];
        for (let s = 0; s <= t; s++) {
          let d = 0;
          for (let i = 0; i < D; i++) d += qs[t][hh][i] * ks[s][kvh][i];
          sc.push(d / Math.sqrt(D));
        }
        const m = Math.max(...sc);
        const ex = sc.map((v) => Math.exp(v - m));
        const z = ex.reduce((a, b) => a + b, 0);
        for (let i = 0; i < D; i++) {
          let acc = 0;
          for (let s = 0; s <= t; s++) acc += (ex[s] / z) * vs[s][kvh][i];
          ctx.push(acc);
        }
      }
      const attn = matvec(get(`${p}.self_attn.o_proj.weight`), ctx, w.get(`${p}.self_attn.o_proj.bias`));
      const x1 = xs[t].map((v, i) => v + attn[i]);
      const h2 = rms(x1, get(`${p}.post_attention_layernorm.weight`).data, cfg.rms_norm_eps);
      const g = matvec(get(`${p}.mlp.gate_proj.weight`), h2);
      const u = matvec(get(`${p}.mlp.up_proj.weight`), h2);
      const a = g.map((gv, i) => (gv / (1 + Math.exp(-gv))) * u[i]);
      const down = matvec(get(`${p}.mlp.down_proj.weight`), a);
      next.push(x1.map((v, i) => v + down[i]));
    }
    xs = next;
  }
  const head = cfg.tie_word_embeddings ? emb : get('lm_head.weight');
  return xs.map((x) => matvec(head, rms(x, get('model.norm.weight').data, cfg.rms_norm_eps)));
}

/** Deterministic pseudo-random numbers for fixtures (mulberry32), independent of @rfai/core's Rng. */
export function fixtureRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random fixture weights for every key/shape: normal-ish values with the given scale (norm weights near 1). */
export function randomWeights(shapes: Map<string, number[]>, seed: number, scale = 0.2): W {
  const r = fixtureRandom(seed);
  const out: W = new Map();
  for (const [k, shape] of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u = (r() + r() + r() - 1.5) * 2 * scale;
      data[i] = k.endsWith('norm.weight') ? 1 + u : u;
    }
    out.set(k, { shape, data });
  }
  return out;
}
