/**
 * Short function tasks generated from a small grammar: the embedded default task family, sized for a student that
 * writes a few dozen bytes.
 *
 * A task composes one or two *steps* on one argument: integer arithmetic (`adds 3`, `floor-divides by 2`),
 * string transforms (`reverses it`, `keeps the first 3 characters`), list transforms (`sorts it`, `adds 2 to each
 * element`, `sums it`), a conditional, or a small loop. Its Python reference fits in {@link SHORT_TASK_MAX_BYTES},
 * and it carries hidden tests (assertions on inputs the prompt never shows).
 *
 * The *composition* of a task is its family and the sequence of step kinds with the constants left out
 * (`int:add>mul`). Compositions are split into two disjoint sets by a fixed rule ({@link isWarmupComposition}):
 * *warm-up* compositions (every single step, and a share of the multi-step ones) and *held-out* compositions (the
 * rest, balanced over the step kinds). The warm-up
 * (supervised) file draws from the first set, the RL and eval files from the second, so eval measures instances of
 * compositions that the supervised warm-up never showed, and the RL file never holds an eval instance.
 */
import { mixSeed, Rng } from '@rfai/random';
import type { DatasetRecord } from './schema';

/** Longest reference (bytes of `def ...:\n    return ...\n`) a short task may have. */
export const SHORT_TASK_MAX_BYTES = 52;

/** The argument kind of a task family. */
export type ShortFamily = 'int' | 'arith' | 'str' | 'list' | 'cond' | 'loop';

const ALL_FAMILIES: readonly ShortFamily[] = ['int', 'arith', 'str', 'list', 'cond', 'loop'];

/** An expression with its precedence class: atoms need no parentheses when an operator is applied to them. */
interface Expr {
  code: string;
  atom: boolean;
}

const wrap = (e: Expr): string => (e.atom ? e.code : `(${e.code})`);

/** One step kind: its name in the composition key, how it reads, and how it rewrites the expression. */
interface StepKind {
  id: string;
  /** Constants the step draws (inclusive range), if any. */
  range?: readonly [number, number];
  /** Third-person clause, e.g. `adds 3`. */
  text: (k: number) => string;
  apply: (e: Expr, k: number) => Expr;
  /** Only as the last step (it changes the value's kind, e.g. a list to a number). */
  terminal?: boolean;
}

const INT_STEPS: readonly StepKind[] = [
  { id: 'add', range: [1, 9], text: (k) => `adds ${k}`, apply: (e, k) => ({ code: `${wrap(e)} + ${k}`, atom: false }) },
  { id: 'sub', range: [1, 9], text: (k) => `subtracts ${k}`, apply: (e, k) => ({ code: `${wrap(e)} - ${k}`, atom: false }) },
  { id: 'mul', range: [2, 9], text: (k) => `multiplies by ${k}`, apply: (e, k) => ({ code: `${wrap(e)} * ${k}`, atom: false }) },
  { id: 'div', range: [2, 9], text: (k) => `floor-divides by ${k}`, apply: (e, k) => ({ code: `${wrap(e)} // ${k}`, atom: false }) },
  { id: 'mod', range: [2, 9], text: (k) => `takes the remainder modulo ${k}`, apply: (e, k) => ({ code: `${wrap(e)} % ${k}`, atom: false }) },
  { id: 'sq', text: () => 'squares it', apply: (e) => ({ code: `${wrap(e)} ** 2`, atom: false }) },
  { id: 'neg', text: () => 'negates it', apply: (e) => ({ code: `-${wrap(e)}`, atom: false }) },
  { id: 'abs', text: () => 'takes the absolute value', apply: (e) => ({ code: `abs(${e.code})`, atom: true }) },
  { id: 'max', range: [-5, 9], text: (k) => `takes the larger of it and ${k}`, apply: (e, k) => ({ code: `max(${e.code}, ${k})`, atom: true }) },
  { id: 'min', range: [-5, 9], text: (k) => `takes the smaller of it and ${k}`, apply: (e, k) => ({ code: `min(${e.code}, ${k})`, atom: true }) },
];

/**
 * Integer steps whose constant is part of the operation's name (`doubles it` is `x * 2`), so the prompt holds no
 * number to copy: the `arith` family, the embedded default. A from-scratch student learns to copy a digit from its
 * prompt only after a long plateau (on the `int` family the tiny preset's loss on the constants stays near chance for
 * 700+ warm-up steps, and when it crosses depends on the seed), which does not fit a 10-minute default run; these
 * tasks keep the compositional part (which step is inner, how they nest) without it. A step's constant range picks
 * one of its phrasings, so instances of a composition differ in wording as well as in the function's name.
 */
function named(id: string, phrasings: readonly string[], apply: (e: Expr) => Expr): StepKind {
  return {
    id,
    ...(phrasings.length > 1 ? { range: [0, phrasings.length - 1] as const } : {}),
    text: (k) => phrasings[k] ?? phrasings[0],
    apply: (e) => apply(e),
  };
}

const ARITH_STEPS: readonly StepKind[] = [
  named('dbl', ['doubles it', 'multiplies it by two'], (e) => ({ code: `${wrap(e)} * 2`, atom: false })),
  named('tri', ['triples it', 'multiplies it by three'], (e) => ({ code: `${wrap(e)} * 3`, atom: false })),
  named('half', ['halves it, rounding down', 'floor-divides it by two'], (e) => ({ code: `${wrap(e)} // 2`, atom: false })),
  named('inc', ['increments it', 'adds one'], (e) => ({ code: `${wrap(e)} + 1`, atom: false })),
  named('dec', ['decrements it', 'subtracts one'], (e) => ({ code: `${wrap(e)} - 1`, atom: false })),
  named('sq', ['squares it'], (e) => ({ code: `${wrap(e)} ** 2`, atom: false })),
  named('cube', ['cubes it'], (e) => ({ code: `${wrap(e)} ** 3`, atom: false })),
  named('neg', ['negates it', 'flips its sign'], (e) => ({ code: `-${wrap(e)}`, atom: false })),
  named('abs', ['takes the absolute value', 'takes its magnitude'], (e) => ({ code: `abs(${e.code})`, atom: true })),
  named('par', ['takes the remainder modulo two', 'takes its parity'], (e) => ({ code: `${wrap(e)} % 2`, atom: false })),
  named('last', ['takes the remainder modulo ten', 'keeps its last decimal digit (Python modulo ten)'], (e) => ({ code: `${wrap(e)} % 10`, atom: false })),
  named('pos', ['takes the larger of it and zero', 'clamps it below at zero'], (e) => ({ code: `max(${e.code}, 0)`, atom: true })),
];

const WORDS = ['ab', 'xy', 'ok', 'hi', 'zz', 'no', 'yo', 'py'];

const STR_STEPS: readonly StepKind[] = [
  { id: 'rev', text: () => 'reverses it', apply: (e) => ({ code: `${wrap(e)}[::-1]`, atom: true }) },
  { id: 'up', text: () => 'upper-cases it', apply: (e) => ({ code: `${wrap(e)}.upper()`, atom: true }) },
  { id: 'low', text: () => 'lower-cases it', apply: (e) => ({ code: `${wrap(e)}.lower()`, atom: true }) },
  { id: 'rep', range: [2, 4], text: (k) => `repeats it ${k} times`, apply: (e, k) => ({ code: `${wrap(e)} * ${k}`, atom: false }) },
  { id: 'head', range: [1, 5], text: (k) => `keeps the first ${k} characters`, apply: (e, k) => ({ code: `${wrap(e)}[:${k}]`, atom: true }) },
  { id: 'tail', range: [1, 5], text: (k) => `drops the first ${k} characters`, apply: (e, k) => ({ code: `${wrap(e)}[${k}:]`, atom: true }) },
  {
    id: 'app',
    range: [0, WORDS.length - 1],
    text: (k) => `appends "${WORDS[k]}"`,
    apply: (e, k) => ({ code: `${e.code} + '${WORDS[k]}'`, atom: false }),
  },
  { id: 'len', text: () => 'takes its length', apply: (e) => ({ code: `len(${e.code})`, atom: true }), terminal: true },
];

const LIST_STEPS: readonly StepKind[] = [
  { id: 'sort', text: () => 'sorts it', apply: (e) => ({ code: `sorted(${e.code})`, atom: true }) },
  { id: 'rev', text: () => 'reverses it', apply: (e) => ({ code: `${wrap(e)}[::-1]`, atom: true }) },
  { id: 'inc', range: [1, 9], text: (k) => `adds ${k} to each element`, apply: (e, k) => ({ code: `[v + ${k} for v in ${e.code}]`, atom: true }) },
  { id: 'scale', range: [2, 9], text: (k) => `multiplies each element by ${k}`, apply: (e, k) => ({ code: `[v * ${k} for v in ${e.code}]`, atom: true }) },
  { id: 'keep', range: [0, 5], text: (k) => `keeps the elements greater than ${k}`, apply: (e, k) => ({ code: `[v for v in ${e.code} if v > ${k}]`, atom: true }) },
  { id: 'head', range: [1, 4], text: (k) => `keeps the first ${k} elements`, apply: (e, k) => ({ code: `${wrap(e)}[:${k}]`, atom: true }) },
  { id: 'sum', text: () => 'sums it', apply: (e) => ({ code: `sum(${e.code})`, atom: true }), terminal: true },
  { id: 'max', text: () => 'takes its largest element', apply: (e) => ({ code: `max(${e.code})`, atom: true }), terminal: true },
  { id: 'len', text: () => 'counts its elements', apply: (e) => ({ code: `len(${e.code})`, atom: true }), terminal: true },
];

/** Comparison operators of the conditional family. */
const COMPARISONS = [
  { op: '>', text: 'greater than' },
  { op: '<', text: 'less than' },
] as const;

/** Function names: short, so the reference fits the budget; varied, so the entry point is really checked. */
const NAMES = ['f', 'g', 'h', 'k', 'm', 'p', 'q', 't', 'calc', 'step', 'fn', 'op', 'go', 'run', 'fun', 'work'];

/** One generated task before it becomes a dataset record. */
export interface ShortTask {
  family: ShortFamily;
  /** The composition key, e.g. `int:add>mul` (no constants). */
  composition: string;
  name: string;
  param: string;
  prompt: string;
  /** Python reference: `def NAME(PARAM):\n    return EXPR\n`. */
  reference: string;
  /**
   * The start of the solution, `def NAME(PARAM):\n    return `: the prompt ends with it and the student writes the
   * expression (the grader runs prefix + completion), as in HumanEval-style completion tasks.
   */
  prefix: string;
  /** Hidden tests: one `assert NAME(input) == expected` per case, expected values computed by the grammar. */
  tests: string[];
  /** Number of steps (1 or 2). */
  steps: number;
}

/** Deterministic 32-bit FNV-1a hash of a string. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The step lists of the chain families, whose two-step compositions are split by {@link isWarmupComposition}. */
type ChainFamily = 'int' | 'arith' | 'str' | 'list';
const CHAIN_STEPS: Readonly<Record<ChainFamily, readonly StepKind[]>> = { int: INT_STEPS, arith: ARITH_STEPS, str: STR_STEPS, list: LIST_STEPS };

/**
 * Whether a two-step chain of a family can become a task at all: some choice of its steps' constants gives an
 * instance that {@link usableTask} accepts (with the shortest function name). `inc>dec` (the identity) or any chain
 * ending in `par` (two values) cannot, so the generator never draws them.
 */
function usableChain(family: ChainFamily, a: StepKind, b: StepKind): boolean {
  if (a.terminal || a.id === b.id) return false; // a terminal step ends a chain (randomSteps never draws these)
  const ks = (kind: StepKind) => (kind.range ? Array.from({ length: kind.range[1] - kind.range[0] + 1 }, (_, i) => kind.range![0] + i) : [0]);
  const name = NAMES.reduce((x, y) => (y.length < x.length ? y : x));
  return ks(a).some((ka) => ks(b).some((kb) => usableTask(chainTask(family, [{ kind: a, k: ka }, { kind: b, k: kb }], name))));
}

const heldOutOrders = new Map<ChainFamily, string[]>();

/**
 * The order in which a chain family's usable two-step compositions (`a>b`, {@link usableChain}) join the held-out
 * side as the share grows: each next one is, of those left, the one whose two step kinds are in the fewest held-out
 * compositions so far (then the fewest heads for `a` and ends for `b`; then a fixed hash order). A share's held-out
 * side is a prefix of this order, so every step kind is in as many held-out compositions as any other, give or take
 * one, and a larger share only adds compositions.
 */
function heldOutOrder(family: ChainFamily): string[] {
  const cached = heldOutOrders.get(family);
  if (cached) return cached;
  const kinds = CHAIN_STEPS[family];
  const left = kinds
    .flatMap((a) => kinds.filter((b) => usableChain(family, a, b)).map((b) => [a.id, b.id] as const))
    .sort((x, y) => hash(`split:${family}:${x[0]}>${x[1]}`) - hash(`split:${family}:${y[0]}>${y[1]}`));
  const uses = new Map<string, number>();
  const heads = new Map<string, number>();
  const ends = new Map<string, number>();
  const n = (m: Map<string, number>, id: string) => m.get(id) ?? 0;
  const key = ([a, b]: readonly [string, string]) => [Math.max(n(uses, a), n(uses, b)), n(uses, a) + n(uses, b), n(heads, a) + n(ends, b)];
  const order: string[] = [];
  while (left.length > 0) {
    let best = 0;
    for (let i = 1; i < left.length; i++) {
      const [x, y] = [key(left[i]), key(left[best])];
      const d = x.findIndex((v, j) => v !== y[j]);
      if (d >= 0 && x[d] < y[d]) best = i;
    }
    const [a, b] = left.splice(best, 1)[0];
    order.push(`${a}>${b}`);
    uses.set(a, n(uses, a) + 1).set(b, n(uses, b) + 1);
    heads.set(a, n(heads, a) + 1);
    ends.set(b, n(ends, b) + 1);
  }
  heldOutOrders.set(family, order);
  return order;
}

/**
 * Whether a composition belongs to the warm-up side of the split: every one-step composition does (so each step's
 * words are taught), and the rest of a fixed share of the multi-step ones, independent of the generation seed (files
 * generated with different seeds agree on the split).
 *
 * A chain family's two-step compositions are held out as the first round(heldOutShare * usable) of
 * {@link heldOutOrder}: every step kind is then in as many held-out compositions as any other, give or take one.
 * Balance matters to RL. A split by hash left arith's held-out side with `tri` in 9 of 23 compositions and `dbl` in
 * 2, and RL on it taught the student to write `x * 3` for "doubles it" on the warm-up's own tasks. A split that
 * balanced the kinds before dropping the compositions that cannot be tasks left `npos` in 3 held-out compositions
 * and `pos` in 1, and RL on it taught `min(x, 0)` for "takes the larger of it and zero". (Balanced, RL still moved
 * the tiny student's bias between the two, which its warm-up leaves at chance: arith has no `min(x, 0)` step since.)
 * Other compositions (the conditional and loop families, longer chains) are split by hash.
 */
export function isWarmupComposition(composition: string, steps: number, heldOutShare = 0.5): boolean {
  if (steps <= 1) return true;
  const m = /^(\w+):(\w+)>(\w+)$/.exec(composition);
  if (m && m[1] in CHAIN_STEPS) {
    const order = heldOutOrder(m[1] as ChainFamily);
    const at = order.indexOf(`${m[2]}>${m[3]}`);
    if (at >= 0) return at >= Math.round(heldOutShare * order.length);
    const ids = CHAIN_STEPS[m[1] as ChainFamily].map((k) => k.id);
    if (ids.includes(m[2]) && ids.includes(m[3])) return true; // never a task: either side would do
  }
  return (hash(`split:${composition}`) % 1000) / 1000 >= heldOutShare;
}

// ---------- evaluation of the grammar (the expected values of the hidden tests) ----------

type Value = number | string | number[];

/** Python's floor division and modulo (the tests are Python). */
const floorDiv = (a: number, b: number) => Math.floor(a / b);
const pyMod = (a: number, b: number) => a - b * Math.floor(a / b);

function evalInt(id: string, v: number, k: number): number {
  switch (id) {
    case 'add': return v + k;
    case 'sub': return v - k;
    case 'mul': return v * k;
    case 'div': return floorDiv(v, k);
    case 'mod': return pyMod(v, k);
    case 'sq': return v * v;
    case 'neg': return -v;
    case 'abs': return Math.abs(v);
    case 'max': return Math.max(v, k);
    case 'min': return Math.min(v, k);
  }
  throw new Error(`unknown int step ${id}`);
}

function evalArith(id: string, v: number): number {
  switch (id) {
    case 'dbl': return v * 2;
    case 'tri': return v * 3;
    case 'half': return floorDiv(v, 2);
    case 'inc': return v + 1;
    case 'dec': return v - 1;
    case 'sq': return v * v;
    case 'cube': return v * v * v;
    case 'neg': return -v;
    case 'abs': return Math.abs(v);
    case 'par': return pyMod(v, 2);
    case 'last': return pyMod(v, 10);
    case 'pos': return Math.max(v, 0);
  }
  throw new Error(`unknown arith step ${id}`);
}

function evalStr(id: string, v: Value, k: number): Value {
  const s = v as string;
  switch (id) {
    case 'rev': return [...s].reverse().join('');
    case 'up': return s.toUpperCase();
    case 'low': return s.toLowerCase();
    case 'rep': return s.repeat(k);
    case 'head': return s.slice(0, k);
    case 'tail': return s.slice(k);
    case 'app': return s + WORDS[k];
    case 'len': return s.length;
  }
  throw new Error(`unknown str step ${id}`);
}

function evalList(id: string, v: Value, k: number): Value {
  const xs = v as number[];
  switch (id) {
    case 'sort': return [...xs].sort((a, b) => a - b);
    case 'rev': return [...xs].reverse();
    case 'inc': return xs.map((x) => x + k);
    case 'scale': return xs.map((x) => x * k);
    case 'keep': return xs.filter((x) => x > k);
    case 'head': return xs.slice(0, k);
    case 'sum': return xs.reduce((a, b) => a + b, 0);
    case 'max': return Math.max(...xs);
    case 'len': return xs.length;
  }
  throw new Error(`unknown list step ${id}`);
}

/** A value as a Python literal. */
function py(v: Value): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v}'`;
  return `[${v.join(', ')}]`;
}

const INT_INPUTS = [-7, -3, 0, 1, 2, 5, 8, 13];
const STR_INPUTS = ['Hello', 'abc', 'Data Set', 'xY', 'Python3', 'a b c'];
const LIST_INPUTS = [[3, 1, 2], [5, -2, 7, 0, 4], [1], [6, 6, 1, 9], [-4, 8, 2, 10, 3, 5]];

// ---------- task builders ----------

interface Step {
  kind: StepKind;
  k: number;
}

function drawK(rng: Rng, kind: StepKind): number {
  if (!kind.range) return 0;
  const [lo, hi] = kind.range;
  return lo + rng.int(hi - lo + 1);
}

function phrase(steps: Step[]): string {
  const parts = steps.map((s) => s.kind.text(s.k));
  return parts.length === 1 ? parts[0] : parts.slice(0, -1).join(', then ') + ', then ' + parts[parts.length - 1];
}

function chainTask(family: 'int' | 'arith' | 'str' | 'list', steps: Step[], name: string): ShortTask {
  const numeric = family === 'int' || family === 'arith';
  const param = numeric ? 'x' : family === 'str' ? 's' : 'xs';
  const noun = numeric ? 'an integer' : family === 'str' ? 'a string' : 'a list of ints';
  let e: Expr = { code: param, atom: true };
  for (const s of steps) e = s.kind.apply(e, s.k);
  const reference = `def ${name}(${param}):\n    return ${e.code}\n`;
  const inputs: Value[] = numeric ? INT_INPUTS : family === 'str' ? STR_INPUTS : LIST_INPUTS;
  const evalStep =
    family === 'int'
      ? (id: string, v: Value, k: number) => evalInt(id, v as number, k)
      : family === 'arith'
        ? (id: string, v: Value) => evalArith(id, v as number)
        : family === 'str'
          ? evalStr
          : evalList;
  const tests: string[] = [];
  for (const input of inputs) {
    let v: Value = input;
    let ok = true;
    for (const s of steps) {
      if (Array.isArray(v) && v.length === 0 && s.kind.id === 'max') ok = false; // max([]) raises in Python
      if (!ok) break;
      v = evalStep(s.kind.id, v, s.k);
    }
    if (ok) tests.push(`assert ${name}(${py(input)}) == ${py(v)}`);
  }
  return {
    family,
    composition: `${family}:${steps.map((s) => s.kind.id).join('>')}`,
    name,
    param,
    prompt: `Write \`${name}(${param})\` for ${noun} ${param}: it ${phrase(steps)}.`,
    reference,
    prefix: `def ${name}(${param}):\n    return `,
    tests,
    steps: steps.length,
  };
}

function condTask(rng: Rng, name: string): ShortTask {
  const cmp = COMPARISONS[rng.int(COMPARISONS.length)];
  const pool = INT_STEPS.filter((s) => ['add', 'sub', 'mul'].includes(s.id));
  const a = pool[rng.int(pool.length)];
  const b = pool[rng.int(pool.length)];
  const t = rng.int(7);
  const ka = drawK(rng, a);
  const kb = drawK(rng, b);
  const x: Expr = { code: 'x', atom: true };
  const code = `${a.apply(x, ka).code} if x ${cmp.op} ${t} else ${b.apply(x, kb).code}`;
  const tests = INT_INPUTS.map((v) => {
    const yes = cmp.op === '>' ? v > t : v < t;
    const out = yes ? evalInt(a.id, v, ka) : evalInt(b.id, v, kb);
    return `assert ${name}(${v}) == ${out}`;
  });
  return {
    family: 'cond',
    composition: `cond:${cmp.op === '>' ? 'gt' : 'lt'}:${a.id}|${b.id}`,
    name,
    param: 'x',
    prompt: `Write \`${name}(x)\` for an integer x: if x is ${cmp.text} ${t}, it ${a.text(ka)}, otherwise it ${b.text(kb)}.`,
    reference: `def ${name}(x):\n    return ${code}\n`,
    prefix: `def ${name}(x):\n    return `,
    tests,
    steps: 2,
  };
}

function loopTask(rng: Rng, name: string): ShortTask {
  const pool = INT_STEPS.filter((s) => ['add', 'mul', 'sq', 'mod'].includes(s.id));
  const op = pool[rng.int(pool.length)];
  const k = drawK(rng, op);
  const term = op.apply({ code: 'i', atom: true }, k).code;
  const tests = [0, 1, 3, 5, 8].map((n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += evalInt(op.id, i, k);
    return `assert ${name}(${n}) == ${sum}`;
  });
  const what = op.id === 'sq' ? 'the square of i' : op.id === 'add' ? `i plus ${k}` : op.id === 'mul' ? `i times ${k}` : `i modulo ${k}`;
  return {
    family: 'loop',
    composition: `loop:${op.id}`,
    name,
    param: 'n',
    prompt: `Write \`${name}(n)\`: the sum of ${what} for every i from 0 to n - 1.`,
    reference: `def ${name}(n):\n    return sum(${term} for i in range(n))\n`,
    prefix: `def ${name}(n):\n    return `,
    tests,
    steps: 1,
  };
}

function randomSteps(rng: Rng, pool: readonly StepKind[], count: number): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    const choices = pool.filter((s) => (last ? true : !s.terminal) && (steps.length === 0 || s.id !== steps[steps.length - 1].kind.id));
    const kind = choices[rng.int(choices.length)];
    steps.push({ kind, k: drawK(rng, kind) });
  }
  return steps;
}

/** Every family, and its share of the draws when all are asked for. */
export const SHORT_FAMILIES: Readonly<Record<ShortFamily, number>> = { int: 0.3, arith: 0.15, str: 0.2, list: 0.2, cond: 0.08, loop: 0.07 };

/**
 * Draws one task from `families` (default: all, in the shares of {@link SHORT_FAMILIES}), or undefined when the draw
 * is too long for the budget or has too few tests.
 */
export function drawShortTask(rng: Rng, families: readonly ShortFamily[] = ALL_FAMILIES): ShortTask | undefined {
  const name = NAMES[rng.int(NAMES.length)];
  const total = families.reduce((t, f) => t + SHORT_FAMILIES[f], 0);
  let r = rng.next() * total;
  let family = families[families.length - 1];
  for (const f of families) {
    if (r < SHORT_FAMILIES[f]) {
      family = f;
      break;
    }
    r -= SHORT_FAMILIES[f];
  }
  let task: ShortTask;
  if (family === 'int') task = chainTask('int', randomSteps(rng, INT_STEPS, 1 + rng.int(2)), name);
  else if (family === 'arith') task = chainTask('arith', randomSteps(rng, ARITH_STEPS, 1 + rng.int(2)), name);
  else if (family === 'str') task = chainTask('str', randomSteps(rng, STR_STEPS, 1 + rng.int(2)), name);
  else if (family === 'list') task = chainTask('list', randomSteps(rng, LIST_STEPS, 1 + rng.int(2)), name);
  else if (family === 'cond') task = condTask(rng, name);
  else task = loopTask(rng, name);
  return usableTask(task) ? task : undefined;
}

/**
 * Whether a task can serve as a reward: its reference fits the budget, and its tests tell it from a constant (at least
 * 3 distinct expected values of at least 4) and from the identity (which may pass at most half: not `x * 5 // 5`).
 */
function usableTask(task: ShortTask): boolean {
  if (Buffer.byteLength(task.reference) > SHORT_TASK_MAX_BYTES) return false;
  const pairs = task.tests.map((t) => /^assert \w+\((.*)\) == (.*)$/.exec(t) as RegExpExecArray);
  if (task.tests.length < 4 || new Set(pairs.map((p) => p[2])).size < 3) return false;
  return pairs.filter((p) => p[1] !== p[2]).length * 2 >= pairs.length;
}

/** Options of {@link generateShortTasks}. */
export interface ShortTaskOptions {
  /** Rows of the supervised warm-up file (warm-up compositions, with references). */
  sft: number;
  /** Rows of the RL file (held-out compositions, tests but no reference). */
  train: number;
  /** Rows of the eval file (held-out compositions, instances in neither other file). */
  eval: number;
  /** Seed; the same seed gives the same files. Default 0. */
  seed?: number;
  /** Give up after this many draws in a row found no new instance (the grammar is finite). Default 20,000. */
  maxMisses?: number;
  /** Families to draw from. Default: all of {@link SHORT_FAMILIES}. */
  families?: readonly ShortFamily[];
  /**
   * Share of the multi-step compositions held out of the warm-up (for the RL and eval files), in (0, 1). Default 0.5.
   * A larger warm-up share shows the student more compositions, so it generalises better to the held-out ones.
   */
  heldOutShare?: number;
  /**
   * Warm-up instances also written to the RL file, without their reference (default 0): RFAI then keeps practising
   * the warm-up's compositions from executed rewards, which holds what the warm-up taught where the KL term (it sees
   * only the RL prompts' samples) does not reach. They follow the held-out RL rows, tagged `review`.
   */
  review?: number;
}

/** The three files of the short-task family. */
export interface ShortTaskSplit {
  sft: DatasetRecord[];
  train: DatasetRecord[];
  eval: DatasetRecord[];
}

function toRecord(task: ShortTask, withReference: boolean): DatasetRecord {
  const record: DatasetRecord = {
    id: `short-${hash(task.reference).toString(16).padStart(8, '0')}`,
    prompt: task.prompt,
    language: 'python',
    difficulty: 'easy',
    tags: ['short', task.family, `steps-${task.steps}`],
    composition: task.composition,
    entry_point: task.name,
    prefix: task.prefix,
    tests: task.tests,
  };
  if (withReference) record.reference = task.reference;
  return record;
}

/**
 * Splits the held-out instances (in a shuffled order) into `evalCount` eval rows and the RL rows, each composition in
 * proportion: composition c with n_c of the N instances gives floor(n_c * evalCount / N) to eval, and the rows left
 * over go to the compositions with the largest remainders (ties: the composition first met in `order`). So the eval
 * file measures every composition the RL file trains on about as often as it occurs, never one instance in both.
 */
function stratifiedSplit(order: readonly ShortTask[], evalCount: number): { evalRows: ShortTask[]; trainRows: ShortTask[] } {
  const groups = new Map<string, ShortTask[]>();
  for (const t of order) {
    const g = groups.get(t.composition);
    if (g) g.push(t);
    else groups.set(t.composition, [t]);
  }
  const total = order.length;
  const quotas = [...groups.entries()].map(([composition, tasks], rank) => {
    const exact = (tasks.length * evalCount) / total;
    return { composition, tasks, take: Math.floor(exact), remainder: exact - Math.floor(exact), rank };
  });
  let left = evalCount - quotas.reduce((a, q) => a + q.take, 0);
  for (const q of [...quotas].sort((a, b) => b.remainder - a.remainder || a.rank - b.rank)) {
    if (left === 0) break;
    if (q.take < q.tasks.length) {
      q.take++;
      left--;
    }
  }
  const evalRows: ShortTask[] = [];
  const trainRows: ShortTask[] = [];
  for (const q of quotas) {
    evalRows.push(...q.tasks.slice(0, q.take));
    trainRows.push(...q.tasks.slice(q.take));
  }
  return { evalRows, trainRows };
}

/**
 * Generates the warm-up, RL and eval files of the short-task family. Every instance (a distinct reference) appears in
 * at most one file; warm-up rows come from warm-up compositions only, RL and eval rows from held-out compositions
 * only (and `review` warm-up instances again, without their reference). RL rows carry tests but no reference; eval
 * takes the same share of every held-out composition's instances (stratifiedSplit), so it covers the compositions
 * the RL file trains on without sharing an instance with it.
 * @throws Error when the grammar cannot supply that many distinct instances.
 */
export function generateShortTasks(opts: ShortTaskOptions): ShortTaskSplit {
  const families = opts.families ?? ALL_FAMILIES;
  const share = opts.heldOutShare ?? 0.5;
  if (!(share > 0 && share < 1)) throw new Error(`short tasks: heldOutShare must be in (0, 1); got ${opts.heldOutShare}`);
  if (families.length === 0 || families.some((f) => !(f in SHORT_FAMILIES))) {
    throw new Error(`short tasks: families must be a non-empty list of ${Object.keys(SHORT_FAMILIES).join(', ')}; got ${JSON.stringify(families)}`);
  }
  const rng = new Rng(mixSeed(opts.seed ?? 0, 0x5a0e7));
  const seen = new Set<string>();
  const warm: ShortTask[] = [];
  const held: ShortTask[] = [];
  const heldNeeded = opts.train + opts.eval;
  // The grammar is finite: stop once a long run of draws has found nothing new.
  let sinceNew = 0;
  while ((warm.length < opts.sft || held.length < heldNeeded) && sinceNew < (opts.maxMisses ?? 20_000)) {
    sinceNew++;
    const task = drawShortTask(rng, families);
    if (!task || seen.has(task.reference)) continue;
    const warmSide = isWarmupComposition(task.composition, task.steps, opts.heldOutShare);
    if (warmSide && warm.length < opts.sft) {
      warm.push(task);
      seen.add(task.reference);
      sinceNew = 0;
    } else if (!warmSide && held.length < heldNeeded) {
      held.push(task);
      seen.add(task.reference);
      sinceNew = 0;
    }
  }
  if (warm.length < opts.sft || held.length < heldNeeded) {
    throw new Error(
      `short tasks: could draw only ${warm.length} warm-up and ${held.length} held-out distinct tasks ` +
        `(asked ${opts.sft} and ${heldNeeded}); ask for fewer rows`,
    );
  }
  const { evalRows, trainRows } = stratifiedSplit(new Rng(mixSeed(opts.seed ?? 0, 0xe5a1)).shuffle([...held]), opts.eval);
  const review = opts.review ?? 0;
  if (!(Number.isInteger(review) && review >= 0 && review <= warm.length)) {
    throw new Error(`short tasks: review must be an integer from 0 to the warm-up rows (${warm.length}); got ${opts.review}`);
  }
  const reviewRows = new Rng(mixSeed(opts.seed ?? 0, 0x7e71e)).shuffle([...warm]).slice(0, review);
  return {
    sft: warm.map((t) => toRecord(t, true)),
    train: [
      ...trainRows.map((t) => toRecord(t, false)),
      ...reviewRows.map((t) => {
        const r = toRecord(t, false);
        r.tags = [...(r.tags ?? []), 'review'];
        return r;
      }),
    ],
    eval: evalRows.map((t) => toRecord(t, true)),
  };
}
