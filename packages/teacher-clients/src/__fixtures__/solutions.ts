// Decent solutions in several languages, used by the offline teacher's tests and the benchmark.

export const PY_PROMPT =
  'Write a Python function `merge_intervals(intervals)` that merges overlapping intervals and returns the merged list sorted by start.';

export const PY_GOOD = `def merge_intervals(intervals):
    """Merge overlapping intervals and return them sorted by start."""
    if not intervals:
        return []
    # sort by start so overlapping intervals are adjacent
    intervals = sorted(intervals, key=lambda x: x[0])
    merged = [list(intervals[0])]
    for start, end in intervals[1:]:
        last = merged[-1]
        if start <= last[1]:
            last[1] = max(last[1], end)
        else:
            merged.append([start, end])
    return merged
`;

export const MULTI: { language: string; prompt: string; code: string; name: string }[] = [
  {
    language: 'cpp',
    name: 'count_words',
    prompt: 'Write a C++ function `count_words(const std::string& text)` that counts the whitespace-separated words in a string.',
    code: `#include <sstream>
#include <string>

// Count whitespace-separated words in text.
int count_words(const std::string& text) {
    std::istringstream stream(text);
    std::string word;
    int count = 0;
    while (stream >> word) {
        ++count;
    }
    return count;
}
`,
  },
  {
    language: 'rust',
    name: 'is_palindrome',
    prompt: 'Write a Rust function `is_palindrome(s: &str) -> bool` that checks whether a string reads the same backwards, ignoring case.',
    code: `/// Returns true when \`s\` reads the same backwards, ignoring case.
pub fn is_palindrome(s: &str) -> bool {
    let chars: Vec<char> = s.to_lowercase().chars().collect();
    let n = chars.len();
    for i in 0..n / 2 {
        if chars[i] != chars[n - 1 - i] {
            return false;
        }
    }
    true
}
`,
  },
  {
    language: 'typescript',
    name: 'chunkArray',
    prompt: 'Write a TypeScript function `chunkArray<T>(items: T[], size: number): T[][]` that splits an array into chunks of the given size.',
    code: `/** Splits items into consecutive chunks of at most \`size\` elements. */
export function chunkArray<T>(items: T[], size: number): T[][] {
  if (size <= 0) throw new Error('size must be positive');
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}
`,
  },
  {
    language: 'go',
    name: 'SumEven',
    prompt: 'Write a Go function `SumEven(nums []int) int` that returns the sum of the even numbers in a slice.',
    code: `package main

// SumEven returns the sum of the even numbers in nums.
func SumEven(nums []int) int {
	total := 0
	for _, n := range nums {
		if n%2 == 0 {
			total += n
		}
	}
	return total
}
`,
  },
  {
    language: 'java',
    name: 'maxValue',
    prompt: 'Write a Java method `maxValue(int[] values)` in a class `ArrayUtils` that returns the largest element of a non-empty array.',
    code: `public class ArrayUtils {
    /** Returns the largest element of a non-empty array. */
    public static int maxValue(int[] values) {
        int best = values[0];
        for (int i = 1; i < values.length; i++) {
            if (values[i] > best) {
                best = values[i];
            }
        }
        return best;
    }
}
`,
  },
  {
    language: 'javascript',
    name: 'debounce',
    prompt: 'Write a JavaScript function `debounce(fn, waitMs)` that delays calling fn until waitMs have passed without another call.',
    code: `// Delay calls to fn until waitMs passed without another call.
const debounce = (fn, waitMs) => {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), waitMs);
  };
};
module.exports = { debounce };
`,
  },
];

/** Deterministic pseudo-random generator (LCG) for noise fixtures. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** `n` random bytes decoded as UTF-8 (what an untrained byte-level model emits). */
export function randomBytesText(seed: number, n: number): string {
  const r = lcg(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b.toString('utf8');
}

/** `n` random printable ASCII characters with ~1% newlines. */
export function randomAsciiText(seed: number, n: number): string {
  const r = lcg(seed);
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r() * 96);
    s += c === 95 ? '\n' : String.fromCharCode(32 + c);
  }
  return s;
}
