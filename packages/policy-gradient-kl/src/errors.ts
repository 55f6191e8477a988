// Errors thrown by @rfai/policy-gradient-kl. One base class; subclasses carry what the caller needs to act.

/** Base class of every error this package throws. Catch it to handle any policy-gradient input problem. */
export class PolicyGradientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * An option has a value outside its allowed range or set (for example `clipEpsilon: -0.1`, `estimator: 'ppo'`).
 * `option` is the option's name as passed (camelCase), `expected` says what is allowed, `found` is what was given.
 */
export class PGOptionError extends PolicyGradientError {
  constructor(
    readonly option: string,
    readonly expected: string,
    readonly found: unknown,
    hint = '',
  ) {
    super(`option ${option}: expected ${expected}, found ${describe(found)}${hint ? `. ${hint}` : ''}`);
  }
}

/**
 * A tensor or array has the wrong shape or length. `name` is the argument's name (for example `refLogprobs`),
 * `expected` and `found` are shapes (`[N, T]` as numbers).
 */
export class PGShapeError extends PolicyGradientError {
  constructor(
    readonly tensorName: string,
    readonly expected: readonly number[] | string,
    readonly found: readonly number[],
    hint = '',
  ) {
    super(
      `${tensorName}: expected shape ${typeof expected === 'string' ? expected : fmtShape(expected)}, ` +
        `found ${fmtShape(found)}${hint ? `. ${hint}` : ''}`,
    );
  }
}

/**
 * An input holds a value that cannot be used (an infinite reward, a NaN log-prob on a real completion token, a
 * non-integer group id). `name` is the argument, `index` the position ([sample] or [sample, token]), `value` the
 * offending value.
 */
export class PGValueError extends PolicyGradientError {
  constructor(
    readonly valueName: string,
    readonly index: readonly number[],
    readonly value: unknown,
    expected: string,
    hint = '',
  ) {
    super(
      `${valueName}[${index.join(', ')}]: expected ${expected}, found ${describe(value)}${hint ? `. ${hint}` : ''}`,
    );
  }
}

/**
 * A serialised state (EMA baseline, KL controller) given to `setState` / `fromState` is malformed. `key` is the
 * offending key of the state object.
 */
export class PGStateError extends PolicyGradientError {
  constructor(
    readonly stateName: string,
    readonly key: string,
    readonly expected: string,
    readonly found: unknown,
  ) {
    super(
      `${stateName} state key "${key}": expected ${expected}, found ${describe(found)}. ` +
        `Pass an object produced by ${stateName}.getState() (e.g. read back from trainer_state.json).`,
    );
  }
}

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `array of length ${v.length}`;
  if (typeof v === 'object') {
    try {
      return JSON.stringify(v);
    } catch {
      return String(v);
    }
  }
  return String(v);
}
