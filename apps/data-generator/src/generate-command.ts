/**
 * `generate`: writes train and eval JSONL files from the built-in task bank,
 * or, with --teacher, from prompts a teacher model writes.
 */
import { join } from 'node:path';
import {
  DatasetGenerationError,
  generateShortTasks,
  generateTasks,
  normalizedPromptKey,
  summarizeRecords,
  writeJsonl,
  type DatasetRecord,
  type SplitSummary,
  type ShortFamily,
} from '@rfai/datasets';
import { generateWithTeacher, type PromptWriter } from './teacher-prompts';

/** Options of the generate command (already parsed and checked). */
export interface GenerateCommandOptions {
  /** Output folder (absolute). */
  out: string;
  /** Training prompts. */
  train: number;
  /** Evaluation prompts. */
  eval: number;
  /** Languages. */
  languages: string[];
  /** Seed. */
  seed: number;
  /** File name of the training split inside `out`. */
  trainFile: string;
  /** File name of the evaluation split inside `out`. */
  evalFile: string;
  /** 'bank' (default): the task bank; 'short': the short-function grammar, with a warm-up split. */
  family?: 'bank' | 'short';
  /** Warm-up prompts of the short family. */
  sft?: number;
  /** Task kinds of the short family (default all). */
  kinds?: ShortFamily[];
  /** Share of the short family's two-step compositions held out of the warm-up (default 0.5). */
  heldOutShare?: number;
  /** Warm-up tasks also written to the RL file without their reference (short family). Default 0. */
  review?: number;
  /** File name of the warm-up split inside `out` (short family). Default 'sft.jsonl'. */
  sftFile?: string;
  /** When set, prompts come from this teacher instead of the bank. */
  teacher?: { writer: PromptWriter; concurrency: number; describe: string };
  /** Progress callback for teacher mode. */
  onProgress?: (done: number, total: number) => void;
}

/** What the command wrote. */
export interface GenerateCommandResult {
  /** Paths written. */
  trainPath: string;
  evalPath: string;
  /** The warm-up split (short family only). */
  sftPath?: string;
  /** Counts per split. */
  train: SplitSummary;
  eval: SplitSummary;
  sft?: SplitSummary;
  /** Teacher answers rejected, by reason (teacher mode only). */
  rejected?: Record<string, number>;
}

/** Runs the generate command: builds both splits and writes them. */
export async function runGenerate(opts: GenerateCommandOptions): Promise<GenerateCommandResult> {
  let train: DatasetRecord[];
  let evalRecords: DatasetRecord[];
  let rejected: Record<string, number> | undefined;
  let sft: DatasetRecord[] | undefined;
  if (opts.family === 'short') {
    if (opts.teacher) throw new DatasetGenerationError('--family short and --teacher do not combine: the short family comes from a grammar');
    const split = generateShortTasks({ sft: opts.sft ?? 3000, train: opts.train, eval: opts.eval, seed: opts.seed, families: opts.kinds, heldOutShare: opts.heldOutShare, review: opts.review });
    train = split.train;
    evalRecords = split.eval;
    sft = split.sft;
  } else if (opts.teacher) {
    const seen = new Set<string>();
    const common = { languages: opts.languages, concurrency: opts.teacher.concurrency, seen, onProgress: opts.onProgress };
    const evalPart = await generateWithTeacher(opts.teacher.writer, { ...common, count: opts.eval, idPrefix: 'teacher-eval' });
    const trainPart = await generateWithTeacher(opts.teacher.writer, { ...common, count: opts.train, idPrefix: 'teacher-train' });
    train = trainPart.records;
    evalRecords = evalPart.records;
    rejected = { ...evalPart.rejected };
    for (const [k, v] of Object.entries(trainPart.rejected)) rejected[k] = (rejected[k] ?? 0) + v;
  } else {
    const generated = generateTasks({ train: opts.train, eval: opts.eval, languages: opts.languages, seed: opts.seed });
    train = generated.train;
    evalRecords = generated.eval;
  }
  // Both modes guarantee this; check it anyway before writing anything.
  const evalKeys = new Set(evalRecords.map((r) => normalizedPromptKey(r.prompt, r.language)));
  const overlap = train.filter((r) => evalKeys.has(normalizedPromptKey(r.prompt, r.language)));
  if (overlap.length > 0) {
    throw new DatasetGenerationError(`${overlap.length} prompts appear in both train and eval (first: ${overlap[0].id}); this is a bug`);
  }
  const trainPath = join(opts.out, opts.trainFile);
  const evalPath = join(opts.out, opts.evalFile);
  await writeJsonl(trainPath, train);
  await writeJsonl(evalPath, evalRecords);
  if (sft) {
    const sftPath = join(opts.out, opts.sftFile ?? 'sft.jsonl');
    await writeJsonl(sftPath, sft);
    return { trainPath, evalPath, sftPath, train: summarizeRecords(train), eval: summarizeRecords(evalRecords), sft: summarizeRecords(sft), rejected };
  }
  return { trainPath, evalPath, train: summarizeRecords(train), eval: summarizeRecords(evalRecords), rejected };
}

function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** The human-readable summary printed after generation. */
export function formatGenerateSummary(result: GenerateCommandResult): string {
  const lines: string[] = [];
  const splits: Array<[string, string, SplitSummary]> = [
    ...(result.sftPath && result.sft ? [['sft', result.sftPath, result.sft] as [string, string, SplitSummary]] : []),
    ['train', result.trainPath, result.train],
    ['eval', result.evalPath, result.eval],
  ];
  for (const [name, path, s] of splits) {
    lines.push(`${name}: ${s.total} prompts -> ${path}`);
    lines.push(`  languages:    ${formatCounts(s.byLanguage)}`);
    lines.push(`  difficulty:   ${formatCounts(s.byDifficulty)}`);
    lines.push(`  categories:   ${formatCounts(s.byCategory)}`);
  }
  if (result.rejected && Object.keys(result.rejected).length > 0) {
    lines.push(`teacher answers rejected: ${formatCounts(result.rejected)}`);
  }
  return lines.join('\n');
}
