// Error classes of @rfai/random. Every error thrown by this package is a RandomError.

/** Base class of every error thrown by @rfai/random. */
export class RandomError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An argument given to Rng is out of range or of the wrong kind: `"<option>: expected <what>, found <value>"`. */
export class RngOptionError extends RandomError {
  /** The argument's name, e.g. 'Rng seed' or 'Rng.int n'. */
  readonly option: string;
  /** The value that was given. */
  readonly value: unknown;

  constructor(option: string, expected: string, value: unknown) {
    super(`${option}: expected ${expected}, found ${shown(value)}`);
    this.option = option;
    this.value = value;
  }
}

/** A serialised RNG state cannot be restored. */
export class RngStateError extends RandomError {}

/** A value as an error message shows it: strings quoted, at most 8 array items, other objects as JSON. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return `[${value.slice(0, 8).map(shown).join(', ')}${value.length > 8 ? ', ...' : ''}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (value === null || typeof value !== 'object' || value instanceof RegExp) return String(value);
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value); // e.g. a circular object
  }
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}
