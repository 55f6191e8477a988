import type { LoadedConfig } from '@rfai/config';
import { Rng } from '@rfai/core';
import type { DatasetRecord } from '@rfai/datasets';
import { generate } from '@rfai/models';
import type { Teacher } from '@rfai/teacher-clients';
import { gradeAll } from './grading';
import { encodePrompt, solutionPrefix, taskFields } from './prompt-format';
import type { Student } from './student';

/**
 * --dry-run: everything is loaded and validated; one batch is generated and
 * graded, and a report printed. Nothing is written.
 */
export async function dryRun(o: {
  loaded: LoadedConfig;
  student: Student;
  teacher: Teacher;
  train: DatasetRecord[];
  log: (line: string) => void;
  startedAt: number;
}): Promise<number> {
  const c = o.loaded.config;
  const G = c.rfai.num_samples_per_prompt;
  const records = o.train.slice(0, c.training.batch_size);
  const maxPrompt = c.model.max_length - c.rfai.max_new_tokens;
  const prompts = records.flatMap((r) => Array.from({ length: G }, () => encodePrompt(r.prompt, r.language, o.student.promptStyle, o.student.tokenizer, maxPrompt, solutionPrefix(r))));
  const t0 = Date.now();
  const gens = generate(o.student.model, prompts, {
    maxNewTokens: c.rfai.max_new_tokens,
    temperature: c.rfai.temperature,
    topK: c.rfai.top_k,
    topP: c.rfai.top_p,
    stopStrings: c.rfai.stop,
    tokenizer: o.student.tokenizer,
    rng: new Rng(c.training.seed),
  });
  const genSeconds = (Date.now() - t0) / 1000;
  const t1 = Date.now();
  const grades = await gradeAll(
    o.teacher,
    gens.map((g, i) => ({ prompt: records[Math.floor(i / G)].prompt, language: records[Math.floor(i / G)].language, completion: g.text, ...taskFields(records[Math.floor(i / G)]) })),
  );
  const gradeSeconds = (Date.now() - t1) / 1000;
  const scores = grades.map((g) => g.score?.score).filter((s): s is number => s !== undefined);
  const failed = grades.length - scores.length;
  const mean = scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length);
  const tokens = gens.reduce((a, g) => a + g.ids.length, 0);
  process.stdout.write(
    `dry run OK: generated ${gens.length} samples (${records.length} prompts x ${G}, ${tokens} tokens) in ${genSeconds.toFixed(2)}s, ` +
      `graded ${scores.length}/${grades.length} in ${gradeSeconds.toFixed(2)}s (mean score ${scores.length ? mean.toFixed(3) : 'n/a'}` +
      `${failed ? `, ${failed} failed: ${grades.find((g) => g.error)?.error}` : ''}); startup to here ${((Date.now() - o.startedAt) / 1000).toFixed(1)}s\n`,
  );
  const first = gens[0];
  if (first) o.log(`first sample (${records[0].language}, ${first.finishReason}): ${JSON.stringify(first.text.slice(0, 200))}`);
  return failed === grades.length && grades.length > 0 ? 1 : 0;
}
