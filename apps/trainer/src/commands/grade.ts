/**
 * `nx run trainer:grade -- --in FILE.jsonl --out FILE.jsonl [--config FILE] [--set key=value ...]`
 *
 * Grades completions with the configured teacher (offline by default: hidden tests executed in the sandbox). Each
 * input line is a dataset record (`prompt`, `language`, optional `tests`, `entry_point`, ...) plus `completion`;
 * each output line is the record with `score`, `breakdown`, `tests_passed`, `tests_run`, `status`, `decided_by` and
 * `rationale` added (an ungraded line gets `score: null` and `error`, never an invented score). Progress goes to
 * stderr, the summary line to stdout. The output is written to a temporary file and renamed, so it is never half
 * written. Exit 0 when every line was graded, 1 when some could not be, 2 for bad usage or input.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { ConfigError, defaultConfigPath, loadConfig, resolveUserPath } from '@rfai/config';
import { DatasetError, readLines, validateRecord } from '@rfai/datasets';
import { createTeacher, TeacherError, type ScoreRequest, type TeacherScore } from '@rfai/teacher-clients';
import { collect, parseArgs } from '../cli-args';
import { teacherOptions, UsageError } from '../train/setup';
import { gradeAll } from '../train/grading';

const log = (line: string) => process.stderr.write(line.endsWith('\n') ? line : line + '\n');

/** One input line: the record as read, and what the teacher needs. */
interface InputLine {
  line: number;
  record: Record<string, unknown>;
  request: ScoreRequest;
}

/**
 * Reads and checks every line of the input before grading anything.
 * @throws UsageError listing each bad line as FILE:LINE: problem
 */
export async function readGradeInput(file: string): Promise<InputLine[]> {
  if (!existsSync(file)) throw new UsageError(`--in: ${file} does not exist.`);
  const out: InputLine[] = [];
  const problems: string[] = [];
  for await (const { line, text } of readLines(file)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      problems.push(`${file}:${line}: not JSON (${(e as Error).message})`);
      continue;
    }
    const check = validateRecord(value);
    if (!check.ok) {
      problems.push(`${file}:${line}: ${check.message}`);
      continue;
    }
    const record = value as Record<string, unknown>;
    if (typeof record.completion !== 'string') {
      problems.push(`${file}:${line}: 'completion' must be a string (the code to grade), found ${record.completion === undefined ? 'nothing' : typeof record.completion}`);
      continue;
    }
    const tests = record.tests;
    out.push({
      line,
      record,
      request: {
        prompt: record.prompt as string,
        language: check.record.language,
        completion: record.completion,
        ...(typeof record.reference === 'string' ? { reference: record.reference } : {}),
        ...(typeof tests === 'string' || Array.isArray(tests) ? { tests: tests as string[] } : {}),
        ...(typeof record.entry_point === 'string' ? { entry_point: record.entry_point } : {}),
        ...(typeof record.prefix === 'string' && record.prefix !== '' ? { prefix: record.prefix } : {}),
        ...(typeof record.id === 'string' ? { id: record.id } : {}),
      },
    });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    throw new UsageError(`${problems.length} bad line${problems.length === 1 ? '' : 's'} in ${file}:\n  ${shown.join('\n  ')}${problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : ''}`);
  }
  if (out.length === 0) throw new UsageError(`--in: ${file} has no records to grade.`);
  return out;
}

/** The output record of one graded (or ungraded) line. */
export function gradedRecord(input: Record<string, unknown>, score: TeacherScore | null, error: string | null): Record<string, unknown> {
  if (!score) return { ...input, score: null, error };
  const e = score.execution;
  return {
    ...input,
    score: score.score,
    breakdown: score.breakdown,
    tests_passed: e?.tests_passed ?? 0,
    tests_run: e?.tests_run ?? 0,
    status: e?.status ?? 'not_run',
    decided_by: e?.decided_by ?? 'judge',
    rationale: score.rationale,
    teacher: `${score.teacher}/${score.model}`,
  };
}

export async function runGrade(argv: string[]): Promise<number> {
  const program = new Command('grade')
    .description('Grade completions (dataset records plus `completion`) with the configured teacher; write each record back with its score and test outcome.')
    .requiredOption('--in <file>', 'JSONL input: dataset records with a `completion` field')
    .requiredOption('--out <file>', 'JSONL output (written atomically)')
    .option('--config <file>', 'config file whose teacher section grades (default: config.yaml)')
    .option('--set <key=value>', 'override a config key (repeatable), e.g. --set teacher.execution=required', collect, [] as string[])
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const usage = parseArgs(program, argv);
  if (usage !== null) return usage;
  const o = program.opts<{ in: string; out: string; config?: string; set: string[] }>();
  const inFile = resolveUserPath(o.in);
  const outFile = resolveUserPath(o.out);
  let inputs: InputLine[];
  let teacher;
  try {
    const loaded = loadConfig(o.config ? resolveUserPath(o.config) : defaultConfigPath(), { overrides: o.set });
    inputs = await readGradeInput(inFile);
    if (!existsSync(path.dirname(outFile))) throw new UsageError(`--out: folder ${path.dirname(outFile)} does not exist.`);
    teacher = createTeacher(teacherOptions(loaded, log));
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError || e instanceof DatasetError || e instanceof TeacherError) {
      log(e.message);
      return 2;
    }
    throw e;
  }
  try {
    const t0 = performance.now();
    log(`grading ${inputs.length} completions from ${inFile} with ${teacher.provider}/${teacher.model}`);
    const grades = await gradeAll(teacher, inputs.map((i) => i.request));
    const out = inputs.map((inp, k) => gradedRecord(inp.record, grades[k].score, grades[k].error));
    const tmp = `${outFile}.tmp-${process.pid}`;
    writeFileSync(tmp, out.map((r) => JSON.stringify(r)).join('\n') + '\n');
    renameSync(tmp, outFile);
    const graded = grades.filter((g) => g.score !== null);
    const withTests = inputs.filter((i) => i.request.tests !== undefined).length;
    const passed = graded.filter((g) => {
      const e = g.score?.execution;
      return e?.decided_by === 'execution' && e.tests_run > 0 && e.tests_passed === e.tests_run;
    }).length;
    const mean = graded.reduce((a, g) => a + (g.score as TeacherScore).score, 0) / Math.max(1, graded.length);
    const seconds = (performance.now() - t0) / 1000;
    process.stdout.write(
      `graded ${graded.length}/${inputs.length}: mean score ${mean.toFixed(3)}, all tests passed ${passed}/${withTests} with tests, ` +
        `${inputs.length - graded.length} ungraded; ${(inputs.length / seconds).toFixed(1)} samples/s -> ${outFile}\n`,
    );
    return graded.length === inputs.length ? 0 : 1;
  } finally {
    await teacher.close();
  }
}
