/** Console wording shared by the trainer's steps. */
import type { EvalReport } from './evaluate';

/** A figure with three decimals, or 'n/a'. */
export function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : 'n/a';
}

/** One eval pass in a console line: executed pass@1 first (what a pass means), then the scores. */
export function evalLine(rep: EvalReport): string {
  const parts: string[] = [];
  if (rep.executable > 0) {
    parts.push(`executed pass@1 ${fmt(rep.exec_pass_at_1)}` + (rep.exec_pass_at_1_warmup !== undefined ? ` (warm-up tasks ${fmt(rep.exec_pass_at_1_warmup)})` : ''));
    if (rep.sampled) parts.push(`pass@${rep.sampled.k} ${fmt(rep.sampled.exec_pass_at_k)}`);
  }
  parts.push(`score ${fmt(rep.score_mean)}`);
  if (rep.sampled) parts.push(`sampled score ${fmt(rep.sampled.score_mean)}`);
  return parts.join(', ');
}
