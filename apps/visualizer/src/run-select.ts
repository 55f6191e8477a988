// Choosing runs by name for --run and --compare.
import { UsageError } from './errors';

/** Splits a comma-separated option value into trimmed, non-empty names. */
export function parseNameList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Returns the runs named in `wanted`, in that order.
 * @throws UsageError naming the unknown run(s), the option and the runs available.
 */
export function selectRuns<T extends { name: string }>(runs: readonly T[], wanted: readonly string[], option: string): T[] {
  const byName = new Map(runs.map((r) => [r.name, r] as const));
  const missing = wanted.filter((w) => !byName.has(w));
  if (missing.length > 0) {
    const avail = runs.length ? runs.map((r) => r.name).join(', ') : '(none)';
    throw new UsageError(
      option,
      `${option}: no run named ${missing.map((m) => JSON.stringify(m)).join(', ')}. Runs found: ${avail}. Run names are folder paths relative to the log directory.`,
    );
  }
  return [...new Set(wanted)].map((w) => byName.get(w)!);
}
