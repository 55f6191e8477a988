// Internal argument checks shared by the modules of this package (not exported from index.ts).
import { PGOptionError } from './errors';

/** Throws PGOptionError unless `value` is a finite number in [min, max] (bounds optional, inclusive unless open). */
export function checkNumber(
  option: string,
  value: unknown,
  range: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean } = {},
): number {
  const { min, max, minOpen = false, maxOpen = false } = range;
  const lo = min === undefined ? '' : `${minOpen ? '>' : '>='} ${min}`;
  const hi = max === undefined ? '' : `${maxOpen ? '<' : '<='} ${max}`;
  const expected = `a finite number${lo || hi ? ' ' : ''}${[lo, hi].filter(Boolean).join(' and ')}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new PGOptionError(option, expected, value);
  if (min !== undefined && (minOpen ? value <= min : value < min)) throw new PGOptionError(option, expected, value);
  if (max !== undefined && (maxOpen ? value >= max : value > max)) throw new PGOptionError(option, expected, value);
  return value;
}

/** Throws PGOptionError unless `value` is one of `allowed`. */
export function checkEnum<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new PGOptionError(option, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as T;
}

/** Throws PGOptionError unless `value` is a boolean. */
export function checkBoolean(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new PGOptionError(option, 'true or false', value);
  return value;
}

/** True when two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
