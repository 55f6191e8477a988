// `visualizer checkpoint DIR`: statistics of one checkpoint folder, as text or JSON.
import { processIo, type Io } from './io';
import { checkpointStats, type CheckpointStats } from './checkpoint-stats';
import { resolveUserPath } from '@rfai/config';
import { formatBytes, formatValue } from './summary';
import { plainTable } from './summary-text';

/** Options of the checkpoint command, as commander parses them. */
export interface CheckpointCommandOptions {
  json: boolean;
  top: number;
  /** false with --no-verify. */
  verify: boolean;
}

/** Runs the checkpoint command; returns the exit code (1 when verification failed or a file was unreadable). */
export async function checkpointCommand(dir: string, opts: CheckpointCommandOptions, io: Io = processIo): Promise<number> {
  const abs = resolveUserPath(dir);
  const stats = await checkpointStats(abs, { verify: opts.verify });
  if (opts.json) io.out(JSON.stringify(stats, null, 2) + '\n');
  else io.out(checkpointText(stats, opts.top));
  const failed = stats.problems.length > 0 || (stats.verification !== null && !stats.verification.ok);
  for (const p of stats.problems) io.err(`visualizer: ${p}\n`);
  return failed ? 1 : 0;
}

const int = (n: number) => n.toLocaleString('en-US');

function kv(obj: Record<string, unknown>): string {
  return Object.entries(obj)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(', ');
}

/** Renders checkpoint statistics as text; `top` limits the per-tensor table. */
export function checkpointText(s: CheckpointStats, top: number): string {
  const out: string[] = [];
  out.push(`Checkpoint ${s.dir}  (${formatBytes(s.totalBytes)} in ${s.files.length} files)`);
  const t = s.trainerState;
  if (t) {
    const bits = [`step ${t.step}`, `kind ${t.kind}`, `saved ${t.savedAt}`];
    if (t.epoch !== null) bits.push(`epoch ${t.epoch}`);
    bits.push(`eval score ${t.evalScore === null ? 'none recorded' : formatValue(t.evalScore)}`);
    bits.push(`config hash ${t.configHash ?? 'none'}`);
    out.push(`  ${bits.join(', ')}`);
  } else {
    out.push(`  trainer_state.json unusable: ${s.trainerStateProblem}`);
  }
  out.push('');
  out.push(s.modelConfig ? `Model config (config.json): ${kv(s.modelConfig)}` : 'Model config: no config.json');
  if (s.adapterConfig) out.push(`LoRA adapter (adapter_config.json): ${kv(s.adapterConfig)}`);

  const w = s.weights;
  out.push('');
  if (!w) {
    out.push('Weights: none readable (expected model.safetensors, model.safetensors.index.json or adapter_model.safetensors)');
  } else {
    const dtypes = Object.entries(w.byDtype)
      .map(([d, x]) => `${d}: ${x.tensors} tensors`)
      .join(', ');
    out.push(`Weights (${w.file}): ${int(w.parameters)} ${w.kind === 'lora' ? 'adapter ' : ''}parameters in ${w.tensors} tensors, ${formatBytes(w.bytes)} (${dtypes})`);
    if (w.lora && w.lora.length > 0) {
      const lt = plainTable(['module', 'r', '||A||', '||B||', '||ΔW|| = α/r·||BA||']);
      for (const m of w.lora) lt.push([m.module, String(m.rank), formatValue(m.normA), formatValue(m.normB), m.deltaNorm === null ? 'n/a (no lora_alpha)' : formatValue(m.deltaNorm)]);
      out.push(`LoRA adapter norms (${w.lora.length} modules):`);
      out.push(lt.toString());
    }
    const sorted = [...w.perTensor].sort((a, b) => b.nonFinite - a.nonFinite || b.l2 - a.l2);
    const shown = sorted.slice(0, top);
    out.push(`Per-tensor norms (${shown.length === sorted.length ? 'all' : `largest ${shown.length} of ${sorted.length}; --top N for more`}; tensors with NaN/Inf first):`);
    const tt = plainTable(['tensor', 'dtype', 'shape', 'L2 norm', 'RMS', 'min', 'max', 'NaN/Inf']);
    for (const x of shown) {
      tt.push([x.name, x.dtype, `[${x.shape.join(', ')}]`, formatValue(x.l2), formatValue(x.rms), formatValue(x.min), formatValue(x.max), String(x.nonFinite)]);
    }
    out.push(tt.toString());
  }

  out.push('');
  const o = s.optimizer;
  out.push(
    o
      ? `Optimizer (${o.file}): step ${o.step === null ? 'not recorded' : o.step}, ${o.tensors} tensors, ${int(o.parameters)} values, ${formatBytes(o.bytes)}`
      : 'Optimizer: no optimizer.safetensors',
  );

  out.push('');
  const ts = s.trainingStats;
  if (!ts) {
    out.push('Training stats: no training_stats.json');
  } else {
    const h = ts.history;
    const head = h ? `${h.entries} history records${h.firstStep !== null ? ` (step ${h.firstStep} to ${h.lastStep})` : ''}` : 'no history';
    out.push(`Training stats (training_stats.json): ${head}${ts.evals ? `, ${ts.evals.entries} evals` : ''}`);
    if (h && Object.keys(h.metrics).length > 0) {
      const mt = plainTable(['metric', 'first', 'last', 'min', 'max', 'mean']);
      for (const [k, m] of Object.entries(h.metrics)) mt.push([k, formatValue(m.first), formatValue(m.last), formatValue(m.min), formatValue(m.max), formatValue(m.mean)]);
      out.push(mt.toString());
    }
    const ev = (label: string, e: Record<string, number> | null) => {
      if (!e || Object.keys(e).length === 0) return;
      const main = Object.entries(e).filter(([k]) => !k.startsWith('per_language.'));
      out.push(`  ${label}: ${main.map(([k, v]) => `${k} ${formatValue(v)}`).join(', ')}`);
    };
    ev('best eval', ts.bestEval);
    ev('eval before training', ts.evalBefore);
    ev('eval after training', ts.evalAfter);
    if (ts.evals && Object.keys(ts.evals.last).length > 0) ev('last eval', ts.evals.last);
  }

  out.push('');
  const v = s.verification;
  if (!v) {
    out.push('Manifest verification: not possible without a valid trainer_state.json');
  } else {
    const how = v.sha256 ? 'sizes and sha256' : 'sizes only (--no-verify)';
    const listed = v.files.filter((f) => f.status !== 'extra').length;
    if (v.ok) out.push(`Manifest verification (${how}): OK, ${listed} files match trainer_state.json`);
    else out.push(`Manifest verification (${how}): FAILED`);
    const bad = v.files.filter((f) => f.status !== 'ok');
    if (bad.length > 0) {
      const vt = plainTable(['file', 'status', 'expected bytes', 'found bytes']);
      const label = { missing: 'missing', size: 'size differs', sha256: 'sha256 differs', extra: 'not in manifest', ok: 'ok' } as const;
      for (const f of bad) vt.push([f.file, label[f.status], f.expectedSize === null ? '-' : String(f.expectedSize), f.foundSize === null ? '-' : String(f.foundSize)]);
      out.push(vt.toString());
    }
    if (v.problem) out.push(`  ${v.problem}`);
  }
  if (s.problems.length > 0) {
    out.push('');
    out.push('Problems:');
    for (const p of s.problems) out.push(`  ${p}`);
  }
  return out.join('\n') + '\n';
}
