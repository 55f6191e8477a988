// Parameter groups: which weight decay and learning-rate scale each parameter gets.
import { InvalidOptionError } from './errors';

/**
 * Default rule for parameters that get no weight decay: biases and normalisation weights,
 * i.e. names whose last segment is `bias`, or `weight` of a module whose name contains
 * "norm" (case-insensitive): `model.layers.0.input_layernorm.weight`, `model.norm.weight`,
 * `self_attn.q_norm.weight`, `ln_f.bias`. Embeddings, projections and LoRA matrices decay.
 */
export const NO_DECAY_PATTERN = /(^|\.)(bias|[^.]*norm[^.]*\.weight)$/i;

/** A name matcher: a RegExp tested against the parameter name, or a predicate. */
export type NameMatcher = RegExp | ((name: string) => boolean);

/** A parameter group rule; the first rule whose `match` accepts a name decides its settings. */
export interface ParamGroupRule {
  /** Which parameters the rule covers. */
  match: NameMatcher;
  /** Weight decay for them. Default: the optimizer's weightDecay. */
  weightDecay?: number;
  /** Multiplier of the learning rate passed to step(). Default 1. */
  lrScale?: number;
}

/** Options shared by the optimizers for grouping parameters. */
export interface ParamGroupOptions {
  /** Explicit groups, checked in order before `noDecay`. Default none. */
  groups?: ParamGroupRule[];
  /** Parameters that get weight decay 0 unless a group rule matched. Default NO_DECAY_PATTERN; null: decay everything. */
  noDecay?: NameMatcher | null;
}

/** The settings a parameter ended up with. */
export interface ResolvedGroup {
  /** Weight decay applied to the parameter. */
  weightDecay: number;
  /** Multiplier of the step's learning rate. */
  lrScale: number;
  /** Why: 'group[i]', 'noDecay' or 'default'. */
  source: string;
}

function matches(m: NameMatcher, name: string): boolean {
  if (m instanceof RegExp) {
    m.lastIndex = 0;
    return m.test(name);
  }
  return m(name);
}

function checkNonNegative(option: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InvalidOptionError(option, 'a finite number >= 0', v);
  return v;
}

/** Validates group options; returns a resolver from parameter name to its settings. */
export function groupResolver(owner: string, baseWeightDecay: number, opts: ParamGroupOptions): (name: string) => ResolvedGroup {
  const groups = opts.groups ?? [];
  if (!Array.isArray(groups)) throw new InvalidOptionError(`${owner}.groups`, 'an array of { match, weightDecay?, lrScale? }', groups);
  groups.forEach((g, i) => {
    if (g == null || !(g.match instanceof RegExp || typeof g.match === 'function')) {
      throw new InvalidOptionError(`${owner}.groups[${i}].match`, 'a RegExp or a function (name) => boolean', g?.match);
    }
    if (g.weightDecay !== undefined) checkNonNegative(`${owner}.groups[${i}].weightDecay`, g.weightDecay);
    if (g.lrScale !== undefined) checkNonNegative(`${owner}.groups[${i}].lrScale`, g.lrScale);
  });
  const noDecay = opts.noDecay === undefined ? NO_DECAY_PATTERN : opts.noDecay;
  if (noDecay !== null && !(noDecay instanceof RegExp || typeof noDecay === 'function')) {
    throw new InvalidOptionError(`${owner}.noDecay`, 'a RegExp, a function (name) => boolean, or null', noDecay);
  }
  return (name) => {
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (matches(g.match, name)) return { weightDecay: g.weightDecay ?? baseWeightDecay, lrScale: g.lrScale ?? 1, source: `group[${i}]` };
    }
    if (noDecay !== null && matches(noDecay, name)) return { weightDecay: 0, lrScale: 1, source: 'noDecay' };
    return { weightDecay: baseWeightDecay, lrScale: 1, source: 'default' };
  };
}
