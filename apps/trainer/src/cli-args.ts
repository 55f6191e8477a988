import { InvalidArgumentError } from 'commander';

/** commander collector for repeatable options such as `--set a=1 --set b=2`. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** commander parser for a positive integer option (usage error otherwise). */
export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, found "${v}"`);
  return n;
}
