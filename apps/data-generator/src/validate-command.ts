/**
 * `validate FILE...`: checks dataset files and prints every problem with its
 * file and line number.
 */
import { DatasetError, validateDatasetFile, type ValidationReport } from '@rfai/datasets';

/** The result of {@link runValidate}: one report per readable file, and the files that could not be read. */
export interface ValidateResult {
  reports: ValidationReport[];
  unreadable: { file: string; message: string }[];
  /** True when every file was read and had no problem. */
  ok: boolean;
}

/** Validates each file; never throws for bad content or a missing file. */
export async function runValidate(files: readonly string[], opts: { maxProblems?: number } = {}): Promise<ValidateResult> {
  const reports: ValidationReport[] = [];
  const unreadable: { file: string; message: string }[] = [];
  for (const file of files) {
    try {
      reports.push(await validateDatasetFile(file, { maxProblems: opts.maxProblems }));
    } catch (err) {
      if (!(err instanceof DatasetError)) throw err;
      unreadable.push({ file, message: err.message });
    }
  }
  const ok = unreadable.length === 0 && reports.every((r) => r.totalProblems === 0);
  return { reports, unreadable, ok };
}

/** Formats the problems (for stderr) and the per-file summary (for stdout). */
export function formatValidate(result: ValidateResult, display: (file: string) => string = (f) => f): { problems: string; summary: string } {
  const problems: string[] = [];
  const summary: string[] = [];
  for (const u of result.unreadable) problems.push(`${display(u.file)}: ${u.message}`);
  for (const r of result.reports) {
    for (const p of r.problems) problems.push(`${display(p.file)}:${p.line}: ${p.kind}: ${p.message}`);
    if (r.totalProblems > r.problems.length) problems.push(`${display(r.file)}: ... and ${r.totalProblems - r.problems.length} more problems`);
    const langs = Object.entries(r.byLanguage)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    summary.push(
      `${display(r.file)}: ${r.valid} valid of ${r.lines} lines, ${r.totalProblems} problem${r.totalProblems === 1 ? '' : 's'}` +
        (langs ? ` (${langs})` : ''),
    );
  }
  return { problems: problems.join('\n'), summary: summary.join('\n') };
}
