// Where the time of one RFAI step goes at a real model shape, kernel by kernel (issue 17).
//
// Run: `npx tsx tools/bench/step-profile.ts --model=qwen2.5-0.5b --rows=2 --prompt=60 --completion=32 --lora-r=16
//   [--threads=1] [--parts=prefill,decode,reference,backward] [--profile=1] [--layout=auto|packed|passes]
//   [--save-elements=N] [--checkpointing=0]`
// Builds the model (seeded random weights, LoRA r on q,k,v,o; the reference is the base with adapters off), then
// times, each on its own: the shared prefill of one prompt, one decode step of `rows` rows against a cache of
// prompt + completion/2 positions (the LM head of the last position included; also with the separate operations
// instead of the fused decode kernels, and other variants), the reference log-probs
// (tokenLogProbsNoGrad, adapters off) and one forward + backward of the policy's log-probs with gradient
// checkpointing. With --profile=1 each part's kernels are summed by name (tf.profile: wall time per kernel call,
// on wasm the kernels are synchronous). Prints one JSON object (stdout); CPU seconds of the process alongside wall.
import * as os from 'node:os';
import { initBackend, tf } from '../../packages/core/src/index';
import { setSimdTranspose } from '../../packages/core/src/wasm-transpose';
import {
  applyLora,
  attentionLayout,
  CausalLM,
  createModel,
  disposeCache,
  packSequences,
  referenceConfig,
  presetConfig,
  tokenLogProbs,
  tokenLogProbsNoGrad,
  type KVCache,
} from '../../packages/models/src/index';
import { arg } from './models-common';

/** Bytes of the wasm heap (it only grows: its peak), in MB, or null off wasm. */
function heapMb(): number | null {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return b.wasm?.HEAPU8 ? Math.round(b.wasm.HEAPU8.buffer.byteLength / 2 ** 20) : null;
}

interface PartResult {
  wall_s: number;
  cpu_s: number;
  kernels?: Array<{ name: string; ms: number; calls: number }>;
  kernel_ms_total?: number;
}

async function timed(name: string, fn: () => void, profile: boolean, reps = 1): Promise<PartResult> {
  fn(); // warm-up (XNNPACK packing caches, kernel setup)
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let kernels: PartResult['kernels'];
  let total = 0;
  if (profile) {
    const info = await tf.profile(() => {
      for (let i = 0; i < reps; i++) fn();
    });
    const by = new Map<string, { ms: number; calls: number }>();
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
      const e = by.get(key) ?? { ms: 0, calls: 0 };
      e.ms += ms / reps;
      e.calls += 1 / reps;
      by.set(key, e);
      total += ms / reps;
    }
    kernels = [...by.entries()]
      .map(([n, e]) => ({ name: n, ms: Math.round(e.ms * 10) / 10, calls: Math.round(e.calls) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 25);
  } else {
    for (let i = 0; i < reps; i++) fn();
  }
  const wall = (performance.now() - t0) / 1000 / reps;
  const cu = process.cpuUsage(c0);
  const r: PartResult = { wall_s: +wall.toFixed(3), cpu_s: +((cu.user + cu.system) / 1e6 / reps).toFixed(3) };
  if (kernels) {
    r.kernels = kernels;
    r.kernel_ms_total = Math.round(total);
  }
  process.stderr.write(`${name}: ${r.wall_s} s wall, ${r.cpu_s} s cpu${kernels ? `, kernels ${r.kernel_ms_total} ms` : ''}\n`);
  return r;
}

async function main() {
  const modelName = arg('model') ?? 'qwen2.5-0.5b';
  const rows = Number(arg('rows') ?? 2);
  const P = Number(arg('prompt') ?? 60);
  const C = Number(arg('completion') ?? 32);
  const r = Number(arg('lora-r') ?? 16);
  const threads = Number(arg('threads') ?? 1);
  const profile = arg('profile') === '1';
  const parts = (arg('parts') ?? 'prefill,decode,reference,backward').split(',');
  const promptLayout = (arg('layout') ?? 'auto') as 'auto' | 'packed' | 'passes';
  const saveElements = arg('save-elements') === undefined ? undefined : Number(arg('save-elements'));
  const info = await initBackend({ backend: (arg('backend') ?? 'wasm') as 'wasm' | 'cpu', threads });
  const config = modelName === 'qwen2.5-0.5b' || modelName === 'qwen3-0.6b' ? referenceConfig(modelName) : presetConfig(modelName as 'tiny', arg('tokenizer') === 'qwen' ? 'qwen' : 'byte');
  const model: CausalLM = createModel(config, 1);
  model.gradientCheckpointing = arg('checkpointing') !== '0';
  if (r > 0) applyLora(model, { r, alpha: 2 * r, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], seed: 1 });
  const V = config.vocab_size;
  const prompt = Array.from({ length: P }, (_, j) => (j * 17 + 5) % V);
  const comps = Array.from({ length: rows }, (_, i) => Array.from({ length: C }, (_, j) => (i * 7 + j * 29 + 3) % V));
  const out: Record<string, unknown> = {
    benchmark: 'step-profile',
    model: modelName,
    backend: info.name,
    threads: info.threads,
    rows,
    prompt: P,
    completion: C,
    lora_r: r,
    prompt_layout: promptLayout,
    save_elements: saveElements ?? null,
    load_avg_start: os.loadavg().map((x) => +x.toFixed(2)),
  };

  if (parts.includes('prefill')) {
    out.prefill = await timed('prefill', () => {
      tf.tidy(() => {
        const { positions, bias } = attentionLayout([prompt.map(() => 1)], P);
        const { hidden, present } = model.hiddenStates({ ids: tf.tensor2d([prompt], [1, P], 'int32'), positions, bias: tf.tensor4d(bias, [1, 1, P, P]) });
        const last = tf.slice(hidden, [P - 1, 0], [1, -1]) as tf.Tensor2D;
        model.logits(last).dataSync();
        disposeCache(present);
      });
    }, profile);
  }
  if (parts.includes('decode')) {
    // A cache of S-1 positions for `rows` rows, then one step.
    const S = P + Math.floor(C / 2);
    const KV = config.num_key_value_heads;
    const D = config.head_dim ?? config.hidden_size / config.num_attention_heads;
    const cache: KVCache = {
      layers: Array.from({ length: config.num_hidden_layers }, (_, l) => ({
        k: tf.randomNormal([rows * KV, S - 1, D], 0, 1, 'float32', l) as tf.Tensor3D,
        v: tf.randomNormal([rows * KV, S - 1, D], 0, 1, 'float32', l + 100) as tf.Tensor3D,
      })),
    };
    const mask = Array.from({ length: rows }, () => new Array<number>(S).fill(1));
    const { positions, bias } = attentionLayout(mask, 1);
    /** One decode step of `rows` rows against the cache; `withHead`: through the LM head too. */
    const decodeStep = (withHead: boolean) => () => {
      tf.tidy(() => {
        const { hidden, present } = model.hiddenStates({
          ids: tf.tensor2d(Array.from({ length: rows }, (_, i) => [i + 3]), [rows, 1], 'int32'),
          positions,
          bias: tf.tensor4d(bias, [rows, 1, 1, S]),
          past: cache,
        });
        (withHead ? model.logits(hidden) : hidden).dataSync();
        disposeCache(present);
      });
    };
    out.decode_step = await timed('decode step', decodeStep(true), profile, 3);
    out.decode_body_only = await timed('decode step without LM head', decodeStep(false), false, 3);
    // The same step on tf.matMul only (CausalLM.fewRowsProducts off), then on the few-rows kernel again.
    CausalLM.fewRowsProducts = false;
    out.decode_step_matmul_only = await timed('decode step, tf.matMul only', decodeStep(true), false, 3);
    CausalLM.fewRowsProducts = true;
    out.decode_step_again = await timed('decode step again', decodeStep(true), false, 3);
    // The separate operations instead of the fused decode kernels (fused-decode.ts).
    CausalLM.fusedDecode = false;
    out.decode_step_separate_ops = await timed('decode step, separate operations (no fused kernels)', decodeStep(true), false, 3);
    // Decode attention as batched products instead of broadcast multiply + sum (separate operations).
    CausalLM.decodeAttention = 'matmul';
    out.decode_step_attention_matmul = await timed('decode step, attention by batched products', decodeStep(true), false, 3);
    CausalLM.decodeAttention = 'broadcast';
    CausalLM.fusedDecode = true;
    disposeCache(cache);
  }
  const packed = packSequences(Array.from({ length: rows }, () => prompt), comps, 0);
  if (parts.includes('reference')) {
    out.reference = await timed('reference log-probs', () => {
      model.adaptersEnabled = false;
      try {
        const res = tokenLogProbsNoGrad(model, packed, { promptLayout });
        tf.dispose([res.logprobs, res.mask]);
      } finally {
        model.adaptersEnabled = true;
      }
    }, profile);
  }
  if (parts.includes('backward')) {
    const vars = [...model.trainableParams().values()];
    out.forward_backward = await timed('forward+backward', () => {
      model.training = true;
      const { value, grads } = tf.variableGrads(() => {
        const lp = tokenLogProbs(model, packed, { entropy: true, promptLayout, saveElements });
        return tf.tidy(() => tf.neg(tf.add(tf.sum(lp.logprobs), tf.mul(0.01, tf.sum(lp.entropy!))))) as tf.Scalar;
      }, vars);
      model.training = false;
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    }, profile);
  }
  // --ab-transpose=R: forward + backward with the wasm SIMD transpose off and on, interleaved over R rounds.
  const abT = Number(arg('ab-transpose') ?? 0);
  if (abT > 0) {
    const vars = [...model.trainableParams().values()];
    const runs: Record<string, number[][]> = { simd_off: [], simd_on: [] };
    for (let round = 0; round < abT; round++) {
      for (const on of [false, true]) {
        setSimdTranspose(on);
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const { value, grads } = tf.variableGrads(() => {
          const lp = tokenLogProbs(model, packed, { entropy: true, promptLayout, saveElements });
          return tf.tidy(() => tf.neg(tf.add(tf.sum(lp.logprobs), tf.mul(0.01, tf.sum(lp.entropy!))))) as tf.Scalar;
        }, vars);
        value.dataSync();
        tf.dispose([value, ...Object.values(grads)]);
        const cu = process.cpuUsage(c0);
        const r = [+((performance.now() - t0) / 1000).toFixed(3), +((cu.user + cu.system) / 1e6).toFixed(3)];
        runs[on ? 'simd_on' : 'simd_off'].push(r);
        process.stderr.write(`round ${round} simd transpose ${on ? 'on' : 'off'}: forward+backward ${r} (wall, cpu s); load ${os.loadavg()[0].toFixed(2)}\n`);
      }
    }
    setSimdTranspose(true);
    out.ab_transpose = runs;
  }
  // --ab=variant;variant (each `layout:packed|passes,save:N`): reference + forward/backward of each variant,
  // interleaved over --rounds rounds (same load for all), wall and CPU seconds of every run.
  const ab = arg('ab');
  if (ab) {
    const variants = ab.split(';').map((v) => Object.fromEntries(v.split(',').map((kv) => kv.split(':'))) as Record<string, string>);
    const rounds = Number(arg('rounds') ?? 2);
    const vars = [...model.trainableParams().values()];
    const results: Record<string, { reference: number[][]; forward_backward: number[][] }> = {};
    const clock = (fn: () => void): number[] => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      fn();
      const cu = process.cpuUsage(c0);
      return [+((performance.now() - t0) / 1000).toFixed(3), +((cu.user + cu.system) / 1e6).toFixed(3)];
    };
    for (let round = 0; round < rounds; round++) {
      for (const v of variants) {
        const key = Object.entries(v).map(([k, x]) => `${k}:${x}`).join(',');
        const layout = (v.layout ?? 'auto') as 'auto' | 'packed' | 'passes';
        const save = v.save === undefined ? undefined : Number(v.save);
        const e = (results[key] ??= { reference: [], forward_backward: [] });
        e.reference.push(clock(() => {
          model.adaptersEnabled = false;
          const res = tokenLogProbsNoGrad(model, packed, { promptLayout: layout });
          model.adaptersEnabled = true;
          tf.dispose([res.logprobs, res.mask]);
        }));
        e.forward_backward.push(clock(() => {
          const { value, grads } = tf.variableGrads(() => {
            const lp = tokenLogProbs(model, packed, { entropy: true, promptLayout: layout, saveElements: save });
            return tf.tidy(() => tf.neg(tf.add(tf.sum(lp.logprobs), tf.mul(0.01, tf.sum(lp.entropy!))))) as tf.Scalar;
          }, vars);
          value.dataSync();
          tf.dispose([value, ...Object.values(grads)]);
        }));
        process.stderr.write(`round ${round} ${key}: reference ${e.reference.at(-1)} forward+backward ${e.forward_backward.at(-1)} (wall, cpu s); load ${os.loadavg()[0].toFixed(2)}, heap ${heapMb()} MB\n`);
      }
    }
    out.ab = results;
  }
  out.load_avg_end = os.loadavg().map((x) => +x.toFixed(2));
  out.tensors_mb = Math.round(tf.memory().numBytes / 2 ** 20);
  out.wasm_heap_mb = heapMb();
  process.stdout.write(JSON.stringify(out) + '\n');
  model.dispose();
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
