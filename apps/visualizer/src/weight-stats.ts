// Parameter counts and per-tensor statistics of a weights file (full model or PEFT LoRA adapter).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openWeights, type WeightSource } from '@rfai/checkpoint-io';
import { loraProductNorm, tensorStats, type TensorStats } from './tensor-stats';

/** Norms of one LoRA-adapted module. */
export interface LoraModuleStats {
  /** Module path, e.g. `base_model.model.model.layers.0.self_attn.q_proj`. */
  module: string;
  /** Rank r (rows of lora_A). */
  rank: number;
  /** Frobenius norms of lora_A [r, in] and lora_B [out, r]. */
  normA: number;
  normB: number;
  /** Frobenius norm of the weight update the adapter adds: (lora_alpha / r) · ||B·A||; null when alpha is unknown. */
  deltaNorm: number | null;
}

/** What a checkpoint's weights hold. */
export interface WeightStats {
  /** `full` for model.safetensors (or shards), `lora` for adapter_model.safetensors. */
  kind: 'full' | 'lora';
  /** Weight file (or index) read, relative to the checkpoint folder. */
  file: string;
  tensors: number;
  /** Total elements over all tensors. */
  parameters: number;
  /** Bytes of tensor data as stored. */
  bytes: number;
  /** Tensors and parameters by stored dtype. */
  byDtype: Record<string, { tensors: number; parameters: number }>;
  /** Per-tensor statistics in file order (float tensors converted to float32 first). */
  perTensor: TensorStats[];
  /** LoRA modules (kind `lora` only), in file order. */
  lora: LoraModuleStats[] | null;
}

/** Which weights a checkpoint folder holds: a PEFT adapter pair wins over model weights (that is what was trained). */
export function weightsKind(dir: string): { kind: 'full' | 'lora'; stem: string; file: string } | null {
  if (existsSync(join(dir, 'adapter_model.safetensors'))) return { kind: 'lora', stem: 'adapter_model', file: 'adapter_model.safetensors' };
  if (existsSync(join(dir, 'model.safetensors'))) return { kind: 'full', stem: 'model', file: 'model.safetensors' };
  if (existsSync(join(dir, 'model.safetensors.index.json'))) return { kind: 'full', stem: 'model', file: 'model.safetensors.index.json' };
  return null;
}

/**
 * Reads every tensor of the checkpoint's weights once and computes their statistics.
 * `loraAlpha` (adapter_config.json's lora_alpha) scales the LoRA update norms.
 * @throws CheckpointError from @rfai/checkpoint-io for missing or malformed files.
 */
export async function weightStats(dir: string, loraAlpha: number | null): Promise<WeightStats | null> {
  const which = weightsKind(dir);
  if (!which) return null;
  const src: WeightSource = await openWeights(dir, { name: which.stem });
  try {
    const perTensor: TensorStats[] = [];
    const byDtype: WeightStats['byDtype'] = {};
    let parameters = 0;
    let bytes = 0;
    const floats = new Map<string, { data: Float32Array; shape: number[] }>();
    for (const name of src.names()) {
      const info = src.info(name);
      const numel = info.shape.reduce((a, b) => a * b, 1);
      parameters += numel;
      bytes += info.byteLength;
      const d = (byDtype[info.dtype] ??= { tensors: 0, parameters: 0 });
      d.tensors++;
      d.parameters += numel;
      const isFloat = info.dtype === 'F32' || info.dtype === 'F16' || info.dtype === 'BF16' || info.dtype === 'F64';
      if (isFloat) {
        const data = await src.readFloat32(name);
        perTensor.push(tensorStats(name, info.dtype, info.shape, data));
        if (which.kind === 'lora' && /\.lora_[AB]\.weight$/.test(name)) floats.set(name, { data, shape: info.shape });
      } else {
        const t = await src.read(name);
        perTensor.push(tensorStats(name, info.dtype, info.shape, t.data as ArrayLike<number | bigint>));
      }
    }
    let lora: LoraModuleStats[] | null = null;
    if (which.kind === 'lora') {
      lora = [];
      for (const [name, a] of floats) {
        if (!name.endsWith('.lora_A.weight')) continue;
        const module = name.slice(0, -'.lora_A.weight'.length);
        const b = floats.get(`${module}.lora_B.weight`);
        if (!b) continue;
        const rank = a.shape[0];
        const normA = perTensor.find((t) => t.name === name)!.l2;
        const normB = perTensor.find((t) => t.name === `${module}.lora_B.weight`)!.l2;
        const prod = loraProductNorm(a.data, a.shape, b.data, b.shape);
        lora.push({ module, rank, normA, normB, deltaNorm: loraAlpha === null ? null : (loraAlpha / rank) * prod });
      }
    }
    return { kind: which.kind, file: which.file, tensors: perTensor.length, parameters, bytes, byDtype, perTensor, lora };
  } finally {
    await src.close();
  }
}
