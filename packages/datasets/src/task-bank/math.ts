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
      {
        fname: 'primes up to',
        what: 'the {list} of all primes less than or equal to [[limit]]',
        ret: '[i for i, p in enumerate(is_prime) if p]',
        empty: '[]',
        typescript: `/** Sieve of Eratosthenes: cross out the multiples of each prime p from p * p; what is left is prime. */
function $name(limit: number): number[] {
  const composite = new Uint8Array(Math.max(limit + 1, 0));
  const primes: number[] = [];
  for (let p = 2; p <= limit; p++) {
    if (composite[p]) continue;
    primes.push(p);
    for (let m = p * p; m <= limit; m += p) composite[m] = 1;
  }
  return primes;
}
`,
        rust: `/// Sieve of Eratosthenes: cross out the multiples of each prime p from p * p; what is left is prime.
pub fn $name(limit: usize) -> Vec<usize> {
    let mut composite = vec![false; limit + 1];
    let mut primes = Vec::new();
    for p in 2..=limit {
        if composite[p] {
            continue;
        }
        primes.push(p);
        for m in (p * p..=limit).step_by(p) {
            composite[m] = true;
        }
    }
    primes
}
`,
        cpp: `#include <vector>

// Sieve of Eratosthenes: cross out the multiples of each prime p from p * p; what is left is prime.
std::vector<int> $name(int limit) {
    std::vector<bool> composite(limit < 0 ? 0 : limit + 1, false);
    std::vector<int> primes;
    for (int p = 2; p <= limit; ++p) {
        if (composite[p]) continue;
        primes.push_back(p);
        for (long long m = 1LL * p * p; m <= limit; m += p) composite[m] = true;
    }
    return primes;
}
`,
      },
      {
        fname: 'count primes',
        what: 'how many primes are less than or equal to [[limit]]',
        ret: 'sum(is_prime)',
        empty: '0',
        typescript: `/** Sieve of Eratosthenes: cross out the multiples of each prime p from p * p, counting the primes met. */
function $name(limit: number): number {
  const composite = new Uint8Array(Math.max(limit + 1, 0));
  let count = 0;
  for (let p = 2; p <= limit; p++) {
    if (composite[p]) continue;
    count++;
    for (let m = p * p; m <= limit; m += p) composite[m] = 1;
  }
  return count;
}
`,
        rust: `/// Sieve of Eratosthenes: cross out the multiples of each prime p from p * p, counting the primes met.
pub fn $name(limit: usize) -> usize {
    let mut composite = vec![false; limit + 1];
    let mut count = 0;
    for p in 2..=limit {
        if composite[p] {
            continue;
        }
        count += 1;
        for m in (p * p..=limit).step_by(p) {
            composite[m] = true;
        }
    }
    count
}
`,
        cpp: `#include <vector>

// Sieve of Eratosthenes: cross out the multiples of each prime p from p * p, counting the primes met.
int $name(int limit) {
    std::vector<bool> composite(limit < 0 ? 0 : limit + 1, false);
    int count = 0;
    for (int p = 2; p <= limit; ++p) {
        if (composite[p]) continue;
        ++count;
        for (long long m = 1LL * p * p; m <= limit; m += p) composite[m] = true;
    }
    return count;
}
`,
      },
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
      {
        seq: 'fibonacci',
        start: 'F(0) = 0, F(1) = 1',
        python: `def $name(n):
    """Slide a window over the last two values, reducing modulo 1_000_000_007 at each step."""
    a, b = 0, 1
    for _ in range(n):
        a, b = b, (a + b) % 1_000_000_007
    return a
`,
        typescript: `/** Slide a window over the last two values, reducing modulo 1_000_000_007 at each step. */
function $name(n: number): number {
  const MOD = 1_000_000_007;
  let [a, b] = [0, 1];
  for (let i = 0; i < n; i++) [a, b] = [b, (a + b) % MOD];
  return a;
}
`,
        rust: `/// Slide a window over the last two values, reducing modulo 1_000_000_007 at each step.
pub fn $name(n: u64) -> u64 {
    const MOD: u64 = 1_000_000_007;
    let (mut a, mut b) = (0, 1);
    for _ in 0..n {
        (a, b) = (b, (a + b) % MOD);
    }
    a
}
`,
        cpp: `// Slide a window over the last two values, reducing modulo 1'000'000'007 at each step.
long long $name(long long n) {
    const long long mod = 1'000'000'007;
    long long a = 0, b = 1;
    for (long long i = 0; i < n; ++i) {
        long long next = (a + b) % mod;
        a = b;
        b = next;
    }
    return a;
}
`,
      },
      {
        seq: 'tribonacci',
        start: 'T(0) = 0, T(1) = 0, T(2) = 1',
        python: `def $name(n):
    """Slide a window over the last three values, reducing modulo 1_000_000_007 at each step."""
    a, b, c = 0, 0, 1
    for _ in range(n):
        a, b, c = b, c, (a + b + c) % 1_000_000_007
    return a
`,
        typescript: `/** Slide a window over the last three values, reducing modulo 1_000_000_007 at each step. */
function $name(n: number): number {
  const MOD = 1_000_000_007;
  let [a, b, c] = [0, 0, 1];
  for (let i = 0; i < n; i++) [a, b, c] = [b, c, (a + b + c) % MOD];
  return a;
}
`,
        rust: `/// Slide a window over the last three values, reducing modulo 1_000_000_007 at each step.
pub fn $name(n: u64) -> u64 {
    const MOD: u64 = 1_000_000_007;
    let (mut a, mut b, mut c) = (0, 0, 1);
    for _ in 0..n {
        (a, b, c) = (b, c, (a + b + c) % MOD);
    }
    a
}
`,
        cpp: `// Slide a window over the last three values, reducing modulo 1'000'000'007 at each step.
long long $name(long long n) {
    const long long mod = 1'000'000'007;
    long long a = 0, b = 0, c = 1;
    for (long long i = 0; i < n; ++i) {
        long long next = (a + b + c) % mod;
        a = b;
        b = c;
        c = next;
    }
    return a;
}
`,
      },
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
        typescript: `/** Row-by-column products, looping i, k, j so the inner loop walks a row of each matrix. */
function $name(a: number[][], b: number[][]): number[][] {
  const shape = (m: number[][]) => \`\${m.length}x\${m[0]?.length ?? 0}\`;
  if ((a[0]?.length ?? 0) !== b.length) throw new Error(\`cannot multiply \${shape(a)} by \${shape(b)}\`);
  const cols = b[0]?.length ?? 0;
  return a.map((row) => {
    const out = new Array<number>(cols).fill(0);
    row.forEach((value, k) => b[k].forEach((other, j) => (out[j] += value * other)));
    return out;
  });
}
`,
        rust: `/// Row-by-column products, looping i, k, j so the inner loop walks a row of each matrix.
pub fn $name(a: &[Vec<f64>], b: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, String> {
    let shape = |m: &[Vec<f64>]| format!("{}x{}", m.len(), m.first().map_or(0, Vec::len));
    if a.first().map_or(0, Vec::len) != b.len() {
        return Err(format!("cannot multiply {} by {}", shape(a), shape(b)));
    }
    let cols = b.first().map_or(0, Vec::len);
    Ok(a.iter()
        .map(|row| {
            let mut out = vec![0.0; cols];
            for (value, b_row) in row.iter().zip(b) {
                for (cell, other) in out.iter_mut().zip(b_row) {
                    *cell += value * other;
                }
            }
            out
        })
        .collect())
}
`,
        cpp: `#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

using Matrix = std::vector<std::vector<double>>;

// Row-by-column products, looping i, k, j so the inner loop walks a row of each matrix.
Matrix $name(const Matrix& a, const Matrix& b) {
    auto shape = [](const Matrix& m) {
        return std::to_string(m.size()) + "x" + std::to_string(m.empty() ? 0 : m[0].size());
    };
    if ((a.empty() ? 0 : a[0].size()) != b.size()) {
        throw std::invalid_argument("cannot multiply " + shape(a) + " by " + shape(b));
    }
    std::size_t cols = b.empty() ? 0 : b[0].size();
    Matrix result(a.size(), std::vector<double>(cols, 0.0));
    for (std::size_t i = 0; i < a.size(); ++i)
        for (std::size_t k = 0; k < b.size(); ++k)
            for (std::size_t j = 0; j < cols; ++j) result[i][j] += a[i][k] * b[k][j];
    return result;
}
`,
      },
      {
        op: 'power',
        arg: 'exponent',
        what: 'raises the square matrix [[a]] to the non-negative integer power [[exponent]] by repeated squaring',
        python: `def $name(a, exponent):
    """Repeated squaring: square the base for each bit of the exponent, multiplying it in where the bit is set."""
    n = len(a)
    for row in a:
        if len(row) != n:
            raise ValueError(f"cannot multiply {n}x{len(row)} by {n}x{len(row)}: a matrix power needs a square matrix")
    if exponent < 0:
        raise ValueError(f"exponent must be non-negative, got {exponent}")

    def mul(x, y):
        return [[sum(x[i][k] * y[k][j] for k in range(n)) for j in range(n)] for i in range(n)]

    result = [[int(i == j) for j in range(n)] for i in range(n)]
    while exponent:
        if exponent & 1:
            result = mul(result, a)
        a = mul(a, a)
        exponent >>= 1
    return result
`,
        typescript: `/** Repeated squaring: square the base for each bit of the exponent, multiplying it in where the bit is set. */
function $name(a: number[][], exponent: number): number[][] {
  const n = a.length;
  for (const row of a) {
    if (row.length !== n) throw new Error(\`cannot multiply \${n}x\${row.length} by \${n}x\${row.length}: a matrix power needs a square matrix\`);
  }
  if (!Number.isInteger(exponent) || exponent < 0) throw new RangeError(\`exponent must be a non-negative integer, got \${exponent}\`);
  const mul = (x: number[][], y: number[][]) =>
    x.map((row) => y[0].map((_, j) => row.reduce((sum, value, k) => sum + value * y[k][j], 0)));
  let result: number[][] = a.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
  for (let base = a, e = exponent; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = mul(result, base);
    base = mul(base, base);
  }
  return result;
}
`,
        rust: `/// Repeated squaring: square the base for each bit of the exponent, multiplying it in where the bit is set.
pub fn $name(a: &[Vec<i64>], mut exponent: u32) -> Result<Vec<Vec<i64>>, String> {
    let n = a.len();
    if let Some(row) = a.iter().find(|row| row.len() != n) {
        let shape = format!("{}x{}", n, row.len());
        return Err(format!("cannot multiply {shape} by {shape}: a matrix power needs a square matrix"));
    }
    let mul = |x: &[Vec<i64>], y: &[Vec<i64>]| -> Vec<Vec<i64>> {
        (0..n).map(|i| (0..n).map(|j| (0..n).map(|k| x[i][k] * y[k][j]).sum()).collect()).collect()
    };
    let mut result: Vec<Vec<i64>> = (0..n).map(|i| (0..n).map(|j| i64::from(i == j)).collect()).collect();
    let mut base = a.to_vec();
    while exponent > 0 {
        if exponent & 1 == 1 {
            result = mul(&result, &base);
        }
        base = mul(&base, &base);
        exponent >>= 1;
    }
    Ok(result)
}
`,
        cpp: `#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

using Matrix = std::vector<std::vector<long long>>;

// Repeated squaring: square the base for each bit of the exponent, multiplying it in where the bit is set.
Matrix $name(Matrix a, unsigned exponent) {
    const std::size_t n = a.size();
    for (const auto& row : a) {
        if (row.size() != n) {
            std::string shape = std::to_string(n) + "x" + std::to_string(row.size());
            throw std::invalid_argument("cannot multiply " + shape + " by " + shape + ": a matrix power needs a square matrix");
        }
    }
    auto mul = [n](const Matrix& x, const Matrix& y) {
        Matrix out(n, std::vector<long long>(n, 0));
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t k = 0; k < n; ++k)
                for (std::size_t j = 0; j < n; ++j) out[i][j] += x[i][k] * y[k][j];
        return out;
    };
    Matrix result(n, std::vector<long long>(n, 0));
    for (std::size_t i = 0; i < n; ++i) result[i][i] = 1;
    for (; exponent > 0; exponent >>= 1) {
        if (exponent & 1) result = mul(result, a);
        a = mul(a, a);
    }
    return result;
}
`,
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
        typescript: `/** Square-and-multiply over the bits of the exponent, in bigint so that products never lose precision. */
function $name(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus <= 0n || exponent < 0n) throw new RangeError('modulus must be positive and exponent non-negative');
  let result = 1n % modulus;
  let square = ((base % modulus) + modulus) % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * square) % modulus;
    square = (square * square) % modulus;
  }
  return result;
}
`,
        rust: `/// Square-and-multiply over the bits of the exponent; u128 products cannot overflow.
pub fn $name(base: u64, mut exponent: u64, modulus: u64) -> u64 {
    assert!(modulus > 0, "modulus must be positive");
    let m = u128::from(modulus);
    let (mut result, mut square) = (1 % m, u128::from(base) % m);
    while exponent > 0 {
        if exponent & 1 == 1 {
            result = result * square % m;
        }
        square = square * square % m;
        exponent >>= 1;
    }
    result as u64
}
`,
        cpp: `#include <stdexcept>

// Square-and-multiply over the bits of the exponent; moduli below 2^32 keep every product within 64 bits.
unsigned long long $name(unsigned long long base, unsigned long long exponent, unsigned long long modulus) {
    if (modulus == 0) throw std::invalid_argument("modulus must be positive");
    unsigned long long result = 1 % modulus;
    base %= modulus;
    for (; exponent > 0; exponent >>= 1) {
        if (exponent & 1) result = result * base % modulus;
        base = base * base % modulus;
    }
    return result;
}
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
        typescript: `/** Extended Euclid: keep oldS with oldS * value = oldR (mod modulus) until the remainder reaches zero. */
function $name(value: number, modulus: number): number {
  if (!Number.isInteger(modulus) || modulus <= 0) throw new RangeError(\`modulus must be a positive integer, got \${modulus}\`);
  let [oldR, r] = [((value % modulus) + modulus) % modulus, modulus];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1) throw new Error(\`\${value} has no inverse modulo \${modulus}\`);
  return ((oldS % modulus) + modulus) % modulus;
}
`,
        rust: `/// Extended Euclid: keep old_s with old_s * value = old_r (mod modulus) until the remainder reaches zero.
pub fn $name(value: i64, modulus: i64) -> Result<i64, String> {
    if modulus <= 0 {
        return Err(format!("modulus must be positive, got {modulus}"));
    }
    let (mut old_r, mut r) = (value.rem_euclid(modulus), modulus);
    let (mut old_s, mut s) = (1_i64, 0_i64);
    while r != 0 {
        let q = old_r / r;
        (old_r, r) = (r, old_r - q * r);
        (old_s, s) = (s, old_s - q * s);
    }
    if old_r != 1 {
        return Err(format!("{value} has no inverse modulo {modulus}"));
    }
    Ok(old_s.rem_euclid(modulus))
}
`,
        cpp: `#include <stdexcept>
#include <string>
#include <utility>

// Extended Euclid: keep old_s with old_s * value = old_r (mod modulus) until the remainder reaches zero.
long long $name(long long value, long long modulus) {
    if (modulus <= 0) throw std::invalid_argument("modulus must be positive");
    long long old_r = (value % modulus + modulus) % modulus, r = modulus;
    long long old_s = 1, s = 0;
    while (r != 0) {
        long long q = old_r / r;
        old_r = std::exchange(r, old_r - q * r);
        old_s = std::exchange(s, old_s - q * s);
    }
    if (old_r != 1) {
        throw std::invalid_argument(std::to_string(value) + " has no inverse modulo " + std::to_string(modulus));
    }
    return (old_s % modulus + modulus) % modulus;
}
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
      { op: 'gcd', desc: 'greatest common divisor', combine: 'gcd(acc, x)', combineC: 'gcd(acc, x)' },
      { op: 'lcm', desc: 'least common multiple', combine: 'acc // gcd(acc, x) * x', combineC: 'acc / gcd(acc, x) * x' },
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
    typescript: `function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Fold the list pairwise with Euclid's algorithm. */
function $name(nums: number[]): number {
  if (nums.length === 0) throw new Error('nums must not be empty');
  return nums.reduce((acc, x) => $combineC);
}
`,
    rust: `fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Fold the list pairwise with Euclid's algorithm.
pub fn $name(nums: &[u64]) -> Result<u64, String> {
    let (&first, rest) = nums.split_first().ok_or("nums must not be empty")?;
    Ok(rest.iter().fold(first, |acc, &x| $combineC))
}
`,
    cpp: `#include <stdexcept>
#include <vector>

unsigned long long gcd(unsigned long long a, unsigned long long b) {
    while (b != 0) {
        unsigned long long r = a % b;
        a = b;
        b = r;
    }
    return a;
}

// Fold the list pairwise with Euclid's algorithm.
unsigned long long $name(const std::vector<unsigned long long>& nums) {
    if (nums.empty()) throw std::invalid_argument("nums must not be empty");
    unsigned long long acc = nums[0];
    for (unsigned long long x : nums) acc = $combineC;
    return acc;
}
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
    python: `DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def $name(digits, from_base, to_base):
    """Accumulate the value digit by digit, then peel off digits in the new base by repeated division."""
    for base in (from_base, to_base):
        if not 2 <= base <= 36:
            raise ValueError(f"base {base} is outside 2..36")
    negative = digits.startswith("-")
    body = digits[1:] if negative else digits
    if not body:
        raise ValueError("no digits to convert")
    value = 0
    for ch in body:
        d = DIGITS.find(ch.lower())
        if d < 0 or d >= from_base:
            raise ValueError(f"invalid digit {ch!r} for base {from_base}")
        value = value * from_base + d
    out = []
    while value:
        value, d = divmod(value, to_base)
        out.append(DIGITS[d])
    if not out:
        return "0"
    return ("-" if negative else "") + "".join(reversed(out))
`,
    typescript: `const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Accumulate the value digit by digit in a bigint, then peel off digits in the new base by repeated division. */
function $name(digits: string, fromBase: number, toBase: number): string {
  for (const base of [fromBase, toBase]) {
    if (!Number.isInteger(base) || base < 2 || base > 36) throw new RangeError(\`base \${base} is outside 2..36\`);
  }
  const negative = digits.startsWith('-');
  const body = negative ? digits.slice(1) : digits;
  if (body.length === 0) throw new Error('no digits to convert');
  let value = 0n;
  for (const ch of body) {
    const d = DIGITS.indexOf(ch.toLowerCase());
    if (d < 0 || d >= fromBase) throw new Error(\`invalid digit "\${ch}" for base \${fromBase}\`);
    value = value * BigInt(fromBase) + BigInt(d);
  }
  let out = '';
  for (const radix = BigInt(toBase); value > 0n; value /= radix) out = DIGITS[Number(value % radix)] + out;
  if (out === '') return '0';
  return negative ? '-' + out : out;
}
`,
    rust: `/// Long division of the digit list by the target base, collecting remainders, so any length works.
pub fn $name(digits: &str, from_base: u32, to_base: u32) -> Result<String, String> {
    for base in [from_base, to_base] {
        if !(2..=36).contains(&base) {
            return Err(format!("base {base} is outside 2..=36"));
        }
    }
    let (negative, body) = match digits.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, digits),
    };
    if body.is_empty() {
        return Err("no digits to convert".to_string());
    }
    let mut num = body
        .chars()
        .map(|c| c.to_digit(from_base).ok_or_else(|| format!("invalid digit {c:?} for base {from_base}")))
        .collect::<Result<Vec<u32>, String>>()?;
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        while start < num.len() && num[start] == 0 {
            start += 1;
        }
        if start == num.len() {
            break;
        }
        let mut rem = 0;
        for d in &mut num[start..] {
            let cur = rem * from_base + *d;
            *d = cur / to_base;
            rem = cur % to_base;
        }
        out.extend(char::from_digit(rem, to_base));
    }
    if out.is_empty() {
        return Ok("0".to_string());
    }
    if negative {
        out.push('-');
    }
    Ok(out.iter().rev().collect())
}
`,
    cpp: `#include <algorithm>
#include <cctype>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

// Long division of the digit list by the target base, collecting remainders, so any length works.
std::string $name(const std::string& digits, int from_base, int to_base) {
    const std::string alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
    for (int base : {from_base, to_base}) {
        if (base < 2 || base > 36) throw std::invalid_argument("base " + std::to_string(base) + " is outside 2..36");
    }
    const bool negative = !digits.empty() && digits[0] == '-';
    std::vector<int> num;
    for (std::size_t i = negative ? 1 : 0; i < digits.size(); ++i) {
        char c = static_cast<char>(std::tolower(static_cast<unsigned char>(digits[i])));
        std::size_t d = alphabet.find(c);
        if (d == std::string::npos || d >= static_cast<std::size_t>(from_base)) {
            throw std::invalid_argument(std::string("invalid digit '") + digits[i] + "' for base " + std::to_string(from_base));
        }
        num.push_back(static_cast<int>(d));
    }
    if (num.empty()) throw std::invalid_argument("no digits to convert");
    std::string out;
    for (std::size_t start = 0;;) {
        while (start < num.size() && num[start] == 0) ++start;
        if (start == num.size()) break;
        int rem = 0;
        for (std::size_t i = start; i < num.size(); ++i) {
            int cur = rem * from_base + num[i];
            num[i] = cur / to_base;
            rem = cur % to_base;
        }
        out += alphabet[rem];
    }
    if (out.empty()) return "0";
    if (negative) out += '-';
    std::reverse(out.begin(), out.end());
    return out;
}
`,
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
        typescript: `/** Welford: update the mean and the sum of squared deviations from it together, one value at a time. */
function $name(values: Iterable<number>): number {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (const x of values) {
    count++;
    const delta = x - mean;
    mean += delta / count;
    m2 += delta * (x - mean);
  }
  if (count === 0) throw new Error('values must not be empty');
  return m2 / count;
}
`,
        rust: `/// Welford: update the mean and the sum of squared deviations from it together, one value at a time.
pub fn $name(values: &[f64]) -> Result<f64, String> {
    if values.is_empty() {
        return Err("values must not be empty".to_string());
    }
    let (mut mean, mut m2) = (0.0, 0.0);
    for (i, &x) in values.iter().enumerate() {
        let delta = x - mean;
        mean += delta / (i + 1) as f64;
        m2 += delta * (x - mean);
    }
    Ok(m2 / values.len() as f64)
}
`,
        cpp: `#include <cstddef>
#include <stdexcept>
#include <vector>

// Welford: update the mean and the sum of squared deviations from it together, one value at a time.
double $name(const std::vector<double>& values) {
    if (values.empty()) throw std::invalid_argument("values must not be empty");
    double mean = 0, m2 = 0;
    std::size_t count = 0;
    for (double x : values) {
        double delta = x - mean;
        mean += delta / static_cast<double>(++count);
        m2 += delta * (x - mean);
    }
    return m2 / static_cast<double>(count);
}
`,
      },
      {
        stat: 'median',
        desc: 'median',
        how: 'in expected O(n) time with quickselect (the mean of the two middle values for an even count)',
        python: `import random


def $name(values):
    """Quickselect with a random pivot; an even count averages the two middle values."""
    items = list(values)
    if not items:
        raise ValueError("values must not be empty")

    def select(items, k):
        while True:
            pivot = random.choice(items)
            lower = [x for x in items if x < pivot]
            equal = sum(1 for x in items if x == pivot)
            if k < len(lower):
                items = lower
            elif k < len(lower) + equal:
                return pivot
            else:
                k -= len(lower) + equal
                items = [x for x in items if x > pivot]

    n = len(items)
    if n % 2 == 1:
        return select(items, n // 2)
    return (select(items, n // 2 - 1) + select(items, n // 2)) / 2
`,
        typescript: `/** Quickselect with a random pivot and a three-way partition; an even count averages the two middle values. */
function $name(values: number[]): number {
  if (values.length === 0) throw new Error('values must not be empty');
  const items = [...values];
  const swap = (i: number, j: number) => ([items[i], items[j]] = [items[j], items[i]]);
  const select = (k: number): number => {
    let lo = 0;
    let hi = items.length;
    for (;;) {
      const pivot = items[lo + Math.floor(Math.random() * (hi - lo))];
      let [lt, i, gt] = [lo, lo, hi];
      while (i < gt) {
        if (items[i] < pivot) swap(lt++, i++);
        else if (items[i] > pivot) swap(i, --gt);
        else i++;
      }
      if (k < lt) hi = lt;
      else if (k >= gt) lo = gt;
      else return pivot;
    }
  };
  const mid = items.length >> 1;
  return items.length % 2 === 1 ? select(mid) : (select(mid - 1) + select(mid)) / 2;
}
`,
        rust: `use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// Quickselect with a pseudo-random pivot and a three-way partition; an even count averages the two middle values.
pub fn $name(values: &[f64]) -> Result<f64, String> {
    if values.is_empty() {
        return Err("values must not be empty".to_string());
    }
    let mut items = values.to_vec();
    let mut seed = RandomState::new().build_hasher().finish() | 1;
    let mut select = |k: usize| -> f64 {
        let (mut lo, mut hi) = (0, items.len());
        loop {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let pivot = items[lo + (seed % (hi - lo) as u64) as usize];
            let (mut lt, mut i, mut gt) = (lo, lo, hi);
            while i < gt {
                if items[i] < pivot {
                    items.swap(lt, i);
                    lt += 1;
                    i += 1;
                } else if items[i] > pivot {
                    gt -= 1;
                    items.swap(i, gt);
                } else {
                    i += 1;
                }
            }
            if k < lt {
                hi = lt;
            } else if k >= gt {
                lo = gt;
            } else {
                return pivot;
            }
        }
    };
    let mid = values.len() / 2;
    Ok(if values.len() % 2 == 1 { select(mid) } else { (select(mid - 1) + select(mid)) / 2.0 })
}
`,
        cpp: `#include <cstddef>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

// Quickselect with a random pivot and a three-way partition; an even count averages the two middle values.
double $name(std::vector<double> values) {
    if (values.empty()) throw std::invalid_argument("values must not be empty");
    std::mt19937 rng(std::random_device{}());
    auto select = [&](std::size_t k) {
        std::size_t lo = 0, hi = values.size();
        for (;;) {
            double pivot = values[std::uniform_int_distribution<std::size_t>(lo, hi - 1)(rng)];
            std::size_t lt = lo, i = lo, gt = hi;
            while (i < gt) {
                if (values[i] < pivot) std::swap(values[lt++], values[i++]);
                else if (values[i] > pivot) std::swap(values[i], values[--gt]);
                else ++i;
            }
            if (k < lt) hi = lt;
            else if (k >= gt) lo = gt;
            else return pivot;
        }
    };
    std::size_t mid = values.size() / 2;
    return values.size() % 2 == 1 ? select(mid) : (select(mid - 1) + select(mid)) / 2;
}
`,
      },
    ],
  },
];
