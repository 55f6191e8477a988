/**
 * Batched autoregressive generation with a KV cache: prompts are left-padded, the prefix is run once, then one
 * token per row per step; finished rows are dropped from the batch (and the cache) as they finish.
 */
import { tf, type Rng } from '@rfai/core';
import { eosTokenIds } from './config';
import { attentionLayout, disposeCache, type CausalLM, type KVCache } from './decoder';
import { ModelUsageError } from './errors';
import { argmax, logProbOf, sampleToken, type SamplingParams } from './sampling';
import { groupByKey } from './scoring';
import type { Tokenizer } from './tokenizer';

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** Upper bound on new tokens per row (required, >= 1). */
  maxNewTokens: number;
  /** Softmax temperature, > 0; default 1. 0 means greedy. */
  temperature?: number;
  /** Top-k filter; 0 (default) = off. */
  topK?: number;
  /** Nucleus filter in (0, 1]; 1 (default) = off. */
  topP?: number;
  /** Pick the most likely token every step (ignores temperature/top-k/top-p and rng). Default false. */
  greedy?: boolean;
  /** Stop a row when its decoded completion contains one of these; the text is cut before it. */
  stopStrings?: string[];
  /** Decodes completions; its eos and pad ids are used. */
  tokenizer: Tokenizer;
  /** Seeded generator for sampling (required unless greedy or temperature 0). One uniform() per sampled token. */
  rng?: Rng;
  /**
   * One seeded generator per prompt, used instead of `rng`: row i draws only from rowRngs[i], so a row's tokens do
   * not depend on which other rows share its batch (generation split over processes gives the rows one process
   * would). Same length as the prompts.
   */
  rowRngs?: Rng[];
  /** Ids that end a row; default the tokenizer's eos plus config.json's eos_token_id(s). */
  eosTokenIds?: number[];
  /** Use the KV cache (default true). false recomputes the whole prefix every token (slow; for tests/benchmarks). */
  useCache?: boolean;
}

/** Why a row stopped. */
export type FinishReason = 'eos' | 'stop' | 'length';

/** One generated completion. */
export interface GenerationResult {
  /** The prompt as given. */
  promptIds: number[];
  /** Generated ids; ends with the eos id when finishReason is 'eos'; includes the token that completed a stop string. */
  ids: number[];
  /** Completion text: special tokens skipped, cut before the stop string when finishReason is 'stop'. */
  text: string;
  /**
   * Log-prob of each id in `ids` under the UNMODIFIED model (temperature 1, no top-k/top-p), i.e. log pi_old
   * of the policy the trainer optimises, not of the filtered sampling distribution.
   */
  logprobs: number[];
  /** 'eos', 'stop' (stop string) or 'length' (maxNewTokens reached). */
  finishReason: FinishReason;
}

interface Row {
  prompt: number[];
  ids: number[];
  logprobs: number[];
  done: FinishReason | null;
  text: string;
}

function checkOptions(model: CausalLM, prompts: number[][], o: GenerateOptions): SamplingParams & { greedy: boolean } {
  if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 1) {
    throw new ModelUsageError(`generate: maxNewTokens must be an integer >= 1, found ${o.maxNewTokens}`);
  }
  const temperature = o.temperature ?? 1;
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new ModelUsageError(`generate: temperature must be a finite number >= 0, found ${o.temperature}`);
  }
  const topK = o.topK ?? 0;
  if (!Number.isInteger(topK) || topK < 0) {
    throw new ModelUsageError(`generate: topK must be an integer >= 0 (0 = off), found ${o.topK}`);
  }
  const topP = o.topP ?? 1;
  if (!(topP > 0 && topP <= 1)) throw new ModelUsageError(`generate: topP must be in (0, 1], found ${o.topP}`);
  const greedy = o.greedy === true || temperature === 0;
  if (o.rowRngs && o.rowRngs.length !== prompts.length) {
    throw new ModelUsageError(`generate: rowRngs must hold one generator per prompt (${prompts.length}), found ${o.rowRngs.length}`);
  }
  if (!greedy && !o.rng && !o.rowRngs) {
    throw new ModelUsageError('generate: sampling needs a seeded rng (opts.rng = new Rng(seed)), or set greedy: true');
  }
  if (prompts.length === 0) throw new ModelUsageError('generate: no prompts given');
  const V = model.config.vocab_size;
  prompts.forEach((p, i) => {
    if (p.length === 0) throw new ModelUsageError(`generate: prompt ${i} is empty; give at least one token`);
    for (const id of p) {
      if (!Number.isInteger(id) || id < 0 || id >= V) {
        throw new ModelUsageError(`generate: prompt ${i} holds id ${id}, outside the model's vocabulary [0, ${V})`);
      }
    }
  });
  return { temperature, topK, topP, greedy };
}

/**
 * Generates a completion for every prompt (batched, left-padded, KV-cached). Synchronous; seeded and
 * reproducible: the same model, prompts, options and rng state give the same ids. Leaves no tensors behind.
 *
 * @param model the policy (adapters as currently enabled)
 * @param promptIds token ids of each prompt (already chat-templated if wanted)
 * @throws ModelUsageError for bad options or prompt ids outside the vocabulary
 */
export function generate(model: CausalLM, promptIds: number[][], opts: GenerateOptions): GenerationResult[] {
  const sp = checkOptions(model, promptIds, opts);
  const steps = decode(model, promptIds, opts, sp);
  for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value;
}

/** Options of {@link generateAsync}: those of {@link generate}, plus a callback for each finished row. */
export interface GenerateAsyncOptions extends GenerateOptions {
  /**
   * Called once per row as soon as it finishes (eos, stop string or length), with its index in `promptIds` and its
   * final result, while the other rows are still generating: a caller can send it to a grader right away.
   */
  onFinished?: (row: number, result: GenerationResult) => void;
}

/**
 * {@link generate} that gives the event loop a turn after every token step (`setImmediate`), so timers, sockets
 * and child processes make progress while the model decodes (a remote teacher's requests are sent and answered, a
 * sandbox's programs report). Same ids, log-probs and rng use as {@link generate} for the same inputs.
 */
export async function generateAsync(model: CausalLM, promptIds: number[][], opts: GenerateAsyncOptions): Promise<GenerationResult[]> {
  const sp = checkOptions(model, promptIds, opts);
  const steps = decode(model, promptIds, opts, sp);
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) return r.value;
    if (opts.onFinished) for (const [row, result] of r.value) opts.onFinished(row, result);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The final result of a row. */
function resultOf(r: Row, tok: Tokenizer): GenerationResult {
  const finishReason = r.done ?? 'length';
  const text = finishReason === 'stop' ? r.text : tok.decode(r.ids, { skipSpecialTokens: true });
  return { promptIds: r.prompt, ids: r.ids, text, logprobs: r.logprobs, finishReason };
}

/**
 * The decoding loop as a generator: yields after every token step the rows that finished in it (index and result),
 * and returns every row's result. Tensors are released however the caller stops iterating.
 */
function* decode(
  model: CausalLM,
  promptIds: number[][],
  opts: GenerateOptions,
  sp: SamplingParams & { greedy: boolean },
): Generator<Array<[number, GenerationResult]>, GenerationResult[], void> {
  const tok = opts.tokenizer;
  const eos = new Set(opts.eosTokenIds ?? [tok.eosTokenId, ...eosTokenIds(model.config)]);
  const stops = (opts.stopStrings ?? []).filter((s) => s.length > 0);
  const useCache = opts.useCache ?? true;
  const V = model.config.vocab_size;
  // Padded slots are masked out, so any in-vocabulary id works there; the tokenizer's pad may exceed a small V.
  const pad = tok.padTokenId < V ? tok.padTokenId : 0;
  const rows: Row[] = promptIds.map((p) => ({ prompt: p.slice(), ids: [], logprobs: [], done: null, text: '' }));
  const P = Math.max(...promptIds.map((p) => p.length));
  const maxLen = P + opts.maxNewTokens;

  // Per active row: the full token sequence and mask so far (left padded), and its index into `rows`.
  let active = rows.map((_, i) => i);
  let seqs = promptIds.map((p) => [...new Array<number>(P - p.length).fill(pad), ...p]);
  let masks = promptIds.map((p) => [...new Array<number>(P - p.length).fill(0), ...new Array<number>(p.length).fill(1)]);
  let cache: KVCache | null = null;

  const KV = model.config.num_key_value_heads;
  // Identical prompts (the G samples of a GRPO group) share one prefill: the prefix runs once per distinct prompt
  // and its cache rows and last logits are copied to every row that repeats it.
  const { source, first: uniq } = groupByKey(promptIds.map((p) => p.join(',')));
  const shared = useCache && uniq.length < promptIds.length;
  try {
    // First step feeds the whole (padded) prompt; later steps feed one token per row (or everything, no cache).
    let feed = P;
    for (let step = 0; step < opts.maxNewTokens; step++) {
      const prefillShared = step === 0 && shared;
      const fed = prefillShared ? uniq.map((i) => seqs[i]) : seqs;
      const B = fed.length;
      const S = seqs[0].length;
      const T = useCache ? feed : S;
      const { positions, bias } = attentionLayout(prefillShared ? uniq.map((i) => masks[i]) : masks, T);
      const past: KVCache | null = useCache ? cache : null;
      const out = tf.tidy(() => {
        const ids = tf.tensor2d(
          fed.flatMap((s) => s.slice(S - T)),
          [B, T],
          'int32',
        );
        const biasT = tf.tensor4d(bias, [B, 1, T, S]);
        // Only the last position's logits are needed: the last layer and the LM head run on it alone.
        const { hidden: last, present } = model.hiddenStates({ ids, positions, bias: biasT, past: past ?? undefined, outputFrom: T - 1 }); // [B, E]
        const logits = model.logits(last); // [B, V]
        const layers = useCache ? present.layers.flatMap((l) => [l.k, l.v]) : [];
        if (!prefillShared) return { logits, layers };
        // Copy each distinct prompt's results to its rows: logits row u, cache rows u*KV .. u*KV+KV-1.
        const rowIdx = tf.tensor1d(source, 'int32');
        const headIdx = tf.tensor1d(source.flatMap((u) => Array.from({ length: KV }, (_, h) => u * KV + h)), 'int32');
        return { logits: tf.gather(logits, rowIdx), layers: layers.map((t) => tf.gather(t, headIdx)) };
      });
      const logits = out.logits.dataSync() as Float32Array;
      out.logits.dispose();
      if (cache) disposeCache(cache);
      cache = null;
      if (useCache) {
        const layers: KVCache['layers'] = [];
        for (let i = 0; i < out.layers.length; i += 2) {
          layers.push({ k: out.layers[i] as tf.Tensor3D, v: out.layers[i + 1] as tf.Tensor3D });
        }
        cache = { layers };
      }

      // Choose a token for every active row (JS, on the read-back logits).
      const keep: number[] = [];
      const finished: Array<[number, GenerationResult]> = [];
      for (let j = 0; j < active.length; j++) {
        const row = rows[active[j]];
        const l = logits.subarray(j * V, (j + 1) * V);
        const id = sp.greedy ? argmax(l) : sampleToken(l, sp, opts.rowRngs ? opts.rowRngs[active[j]] : opts.rng!);
        row.ids.push(id);
        row.logprobs.push(logProbOf(l, id));
        seqs[j].push(id);
        masks[j].push(1);
        if (eos.has(id)) row.done = 'eos';
        else if (stops.length) {
          const text = tok.decode(row.ids, { skipSpecialTokens: true });
          let cut = -1;
          for (const s of stops) {
            const at = text.indexOf(s);
            if (at >= 0 && (cut < 0 || at < cut)) cut = at;
          }
          if (cut >= 0) {
            row.done = 'stop';
            row.text = text.slice(0, cut);
          }
        }
        if (!row.done && row.ids.length >= opts.maxNewTokens) row.done = 'length';
        if (!row.done) keep.push(j);
        else finished.push([active[j], resultOf(row, tok)]);
      }
      yield finished;
      if (keep.length === 0) break;
      if (keep.length < active.length) {
        // Drop finished rows from the batch and from the cache ([B*KV, S, D] rows b*KV .. b*KV+KV-1).
        if (cache) {
          const idx = tf.tensor1d(keep.flatMap((j) => Array.from({ length: KV }, (_, h) => j * KV + h)), 'int32');
          const old: KVCache = cache;
          cache = {
            layers: old.layers.map((l) => ({
              k: tf.gather(l.k, idx) as tf.Tensor3D,
              v: tf.gather(l.v, idx) as tf.Tensor3D,
            })),
          };
          idx.dispose();
          disposeCache(old);
        }
        active = keep.map((j) => active[j]);
        seqs = keep.map((j) => seqs[j]);
        masks = keep.map((j) => masks[j]);
      }
      feed = 1;
      if (seqs[0].length > maxLen) throw new Error('internal: sequence grew past maxLen');
    }
  } finally {
    if (cache) disposeCache(cache);
  }

  return rows.map((r) => resultOf(r, tok));
}
