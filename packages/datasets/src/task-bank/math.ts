/** Task templates: number theory and numeric algorithms. */
import type { TaskTemplate } from './types';

export const MATH_TASKS: readonly TaskTemplate[] = [
  {
    id: 'primes',
    category: 'math',
    difficulty: 'easy',
    tags: ['sieve', 'number-theory'],
    kind: 'function',
    name: '{fname}',
    params: ['limit'],
    task: 'uses the sieve of Eratosthenes to return {what}.',
    variants: [
      { fname: 'primes up to', what: 'the {list} of all primes less than or equal to [[limit]]', ret: '[i for i, p in enumerate(is_prime) if p]', empty: '[]' },
      { fname: 'count primes', what: 'how many primes are less than or equal to [[limit]]', ret: 'sum(is_prime)', empty: '0' },
    ],
    python: `def $name(limit):
    """Cross out multiples of each prime p starting at p * p."""
    if limit < 2:
        return $empty
    is_prime = [False, False] + [True] * (limit - 1)
    p = 2
    while p * p <= limit:
        if is_prime[p]:
            is_prime[p * p::p] = [False] * len(range(p * p, limit + 1, p))
        p += 1
    return $ret
`,
  },
  {
    id: 'fibonacci_mod',
    category: 'math',
    difficulty: 'easy',
    tags: ['recurrences', 'modular-arithmetic'],
    kind: 'function',
    name: 'nth {seq}',
    params: ['n'],
    task: 'returns the [[n]]-th {seq} number ({start}) modulo 1_000_000_007, iteratively in O(n) time and O(1) memory.',
    variants: [
      { seq: 'fibonacci', start: 'F(0) = 0, F(1) = 1' },
      { seq: 'tribonacci', start: 'T(0) = 0, T(1) = 0, T(2) = 1' },
    ],
  },
  {
    id: 'matrix_multiply',
    category: 'math',
    difficulty: 'easy',
    tags: ['matrices', 'linear-algebra'],
    kind: 'function',
    name: 'matrix {op}',
    params: ['a', '{arg}'],
    task: '{what}; mismatched shapes are an error that states both shapes.',
    variants: [
      {
        op: 'multiply',
        arg: 'b',
        what: 'returns the matrix product of [[a]] and [[b]] (lists of rows)',
        python: `def $name(a, b):
    """Row-by-column products; loop order i, k, j for cache-friendly access."""
    if not a or not b or len(a[0]) != len(b):
        raise ValueError(f"cannot multiply {len(a)}x{len(a[0]) if a else 0} by {len(b)}x{len(b[0]) if b else 0}")
    result = [[0] * len(b[0]) for _ in a]
    for i, row in enumerate(a):
        for k, value in enumerate(row):
            for j, other in enumerate(b[k]):
                result[i][j] += value * other
    return result
`,
      },
      {
        op: 'power',
        arg: 'exponent',
        what: 'raises the square matrix [[a]] to the non-negative integer power [[exponent]] by repeated squaring',
      },
    ],
  },
  {
    id: 'modular_power',
    category: 'math',
    difficulty: 'medium',
    tags: ['modular-arithmetic', 'bits'],
    kind: 'function',
    name: '{fname}',
    params: ['{params}'],
    task: '{what}',
    variants: [
      {
        fname: 'mod pow',
        params: 'base, exponent, modulus',
        what: 'computes [[base]] raised to [[exponent]] modulo [[modulus]] by binary exponentiation (square and multiply), without calling a library power function.',
        python: `def $name(base, exponent, modulus):
    """Square-and-multiply over the bits of the exponent."""
    if modulus == 1:
        return 0
    result, base = 1, base % modulus
    while exponent > 0:
        if exponent & 1:
            result = result * base % modulus
        base = base * base % modulus
        exponent >>= 1
    return result
`,
      },
      {
        fname: 'mod inverse',
        params: 'value, modulus',
        what: 'returns the multiplicative inverse of [[value]] modulo [[modulus]] with the extended Euclidean algorithm, failing with an error when they are not coprime.',
        python: `def $name(value, modulus):
    """Extended Euclid: keep old_s such that old_s * value = old_r (mod modulus)."""
    old_r, r = value % modulus, modulus
    old_s, s = 1, 0
    while r:
        q = old_r // r
        old_r, r = r, old_r - q * r
        old_s, s = s, old_s - q * s
    if old_r != 1:
        raise ValueError(f"{value} has no inverse modulo {modulus}")
    return old_s % modulus
`,
      },
    ],
  },
  {
    id: 'gcd_list',
    category: 'math',
    difficulty: 'easy',
    tags: ['number-theory'],
    kind: 'function',
    name: '{op} of list',
    params: ['nums'],
    task: 'returns the {desc} of the positive integers in [[nums]], implementing Euclid\'s algorithm yourself; an empty {list} is an error.',
    variants: [
      { op: 'gcd', desc: 'greatest common divisor', combine: 'gcd(acc, x)' },
      { op: 'lcm', desc: 'least common multiple', combine: 'acc // gcd(acc, x) * x' },
    ],
    python: `def gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def $name(nums):
    """Fold the list pairwise."""
    if not nums:
        raise ValueError("nums must not be empty")
    acc = nums[0]
    for x in nums[1:]:
        acc = $combine
    return acc
`,
  },
  {
    id: 'base_conversion',
    category: 'math',
    difficulty: 'medium',
    tags: ['numbers', 'strings'],
    kind: 'function',
    name: 'convert base',
    params: ['digits', 'from base', 'to base'],
    task: 'converts the {sign}number written as the string [[digits]] in base [[from base]] to a string in base [[to base]] (bases 2 to 36, digits 0-9 then a-z, case-insensitive on input), without a library conversion routine; an invalid digit is an error naming it.',
    variants: [{ sign: '' }, { sign: 'possibly negative (leading "-") and arbitrarily large ' }],
  },
  {
    id: 'statistics',
    category: 'math',
    difficulty: 'easy',
    tags: ['statistics', 'numerics'],
    kind: 'function',
    name: '{stat}',
    params: ['values'],
    task: 'returns the {desc} of the numbers in [[values]] {how}; an empty input is an error.',
    variants: [
      {
        stat: 'running variance',
        desc: 'population variance',
        how: 'in one pass with Welford\'s algorithm (numerically stable)',
        python: `def $name(values):
    """Welford: update the mean and the sum of squared deviations together."""
    count, mean, m2 = 0, 0.0, 0.0
    for x in values:
        count += 1
        delta = x - mean
        mean += delta / count
        m2 += delta * (x - mean)
    if count == 0:
        raise ValueError("values must not be empty")
    return m2 / count
`,
      },
      {
        stat: 'median',
        desc: 'median',
        how: 'in expected O(n) time with quickselect (the mean of the two middle values for an even count)',
      },
    ],
  },
];
