/** Task templates: string processing. */
import type { TaskTemplate } from './types';

export const STRING_TASKS: readonly TaskTemplate[] = [
  {
    id: 'palindromes',
    category: 'strings',
    difficulty: 'easy',
    tags: ['two-pointers'],
    kind: 'function',
    name: '{fname}',
    params: ['text'],
    task: '{what}',
    variants: [
      {
        fname: 'is palindrome',
        what: 'returns whether [[text]] reads the same forwards and backwards, ignoring case and every character that is not a letter or digit.',
        python: `def $name(text):
    """Two pointers over the alphanumeric characters, compared case-insensitively."""
    i, j = 0, len(text) - 1
    while i < j:
        if not text[i].isalnum():
            i += 1
        elif not text[j].isalnum():
            j -= 1
        elif text[i].lower() != text[j].lower():
            return False
        else:
            i, j = i + 1, j - 1
    return True
`,
        typescript: `/** Keep the letters and digits, lower-cased, and compare them from both ends. */
function $name(text: string): boolean {
  const chars = Array.from(text.toLowerCase()).filter((c) => /[\\p{L}\\p{N}]/u.test(c));
  for (let i = 0, j = chars.length - 1; i < j; i++, j--) {
    if (chars[i] !== chars[j]) return false;
  }
  return true;
}
`,
        rust: `/// Keep the alphanumeric characters, lower-cased, and compare them with their reverse.
pub fn $name(text: &str) -> bool {
    let chars: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
    chars.iter().eq(chars.iter().rev())
}
`,
        cpp: `#include <cctype>
#include <string>

// Two pointers that skip non-alphanumeric characters and compare case-insensitively.
bool $name(const std::string& text) {
    std::size_t i = 0, j = text.size();
    while (i < j) {
        unsigned char a = text[i], b = text[j - 1];
        if (!std::isalnum(a)) ++i;
        else if (!std::isalnum(b)) --j;
        else if (std::tolower(a) != std::tolower(b)) return false;
        else ++i, --j;
    }
    return true;
}
`,
      },
      {
        fname: 'longest palindrome',
        what: 'returns the longest palindromic substring of [[text]] (the leftmost one on ties) by expanding around each centre.',
        python: `def $name(text):
    """Expand around all 2n - 1 centres; O(n^2) time, O(1) memory."""
    best_start, best_len = 0, 0
    for centre in range(2 * len(text) - 1):
        lo, hi = centre // 2, (centre + 1) // 2
        while lo >= 0 and hi < len(text) and text[lo] == text[hi]:
            lo, hi = lo - 1, hi + 1
        if hi - lo - 1 > best_len:
            best_start, best_len = lo + 1, hi - lo - 1
    return text[best_start:best_start + best_len]
`,
        typescript: `/** Expand around all 2n - 1 centres, keeping the leftmost longest; O(n^2) time, O(1) memory. */
function $name(text: string): string {
  let bestStart = 0;
  let bestLen = 0;
  for (let centre = 0; centre < 2 * text.length - 1; centre++) {
    let lo = Math.floor(centre / 2);
    let hi = lo + (centre % 2);
    while (lo >= 0 && hi < text.length && text[lo] === text[hi]) {
      lo--;
      hi++;
    }
    if (hi - lo - 1 > bestLen) {
      bestStart = lo + 1;
      bestLen = hi - lo - 1;
    }
  }
  return text.slice(bestStart, bestStart + bestLen);
}
`,
        rust: `/// Expand around all 2n - 1 centres, keeping the leftmost longest; O(n^2) time, O(1) extra memory.
pub fn $name(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len() as isize;
    let (mut best_start, mut best_len) = (0, 0);
    for centre in 0..(2 * n - 1).max(0) {
        let (mut lo, mut hi) = (centre / 2, (centre + 1) / 2);
        while lo >= 0 && hi < n && chars[lo as usize] == chars[hi as usize] {
            lo -= 1;
            hi += 1;
        }
        if (hi - lo - 1) as usize > best_len {
            best_start = (lo + 1) as usize;
            best_len = (hi - lo - 1) as usize;
        }
    }
    chars[best_start..best_start + best_len].iter().collect()
}
`,
        cpp: `#include <string>

// Expand around all 2n - 1 centres, keeping the leftmost longest; O(n^2) time, O(1) extra memory.
std::string $name(const std::string& text) {
    const long n = static_cast<long>(text.size());
    long best_start = 0, best_len = 0;
    for (long centre = 0; centre < 2 * n - 1; ++centre) {
        long lo = centre / 2, hi = (centre + 1) / 2;
        while (lo >= 0 && hi < n && text[lo] == text[hi]) --lo, ++hi;
        if (hi - lo - 1 > best_len) best_start = lo + 1, best_len = hi - lo - 1;
    }
    return text.substr(best_start, best_len);
}
`,
      },
    ],
  },
  {
    id: 'run_length',
    category: 'strings',
    difficulty: 'easy',
    tags: ['compression', 'encoding'],
    kind: 'function',
    name: 'run length {dir}',
    params: ['{arg}'],
    task: '{what}',
    variants: [
      {
        dir: 'encode',
        arg: 'text',
        what: 'compresses [[text]] by replacing each run of a repeated character with the character followed by the run length, so "aaabcc" becomes "a3b1c2".',
        python: `def $name(text):
    """Walk the runs; each becomes char + count."""
    out = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        out.append(f"{text[i]}{j - i}")
        i = j
    return "".join(out)
`,
        typescript: `/** Walk the runs; each becomes its character followed by its length. */
function $name(text: string): string {
  let out = '';
  for (let i = 0, j = 0; i < text.length; i = j) {
    while (j < text.length && text[j] === text[i]) j++;
    out += text[i] + String(j - i);
  }
  return out;
}
`,
        rust: `/// Walk the runs; each becomes its character followed by its length.
pub fn $name(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let mut run = 1;
        while chars.next_if_eq(&c).is_some() {
            run += 1;
        }
        out.push(c);
        out.push_str(&run.to_string());
    }
    out
}
`,
        cpp: `#include <string>

// Walk the runs; each becomes its character followed by its length.
std::string $name(const std::string& text) {
    std::string out;
    for (std::size_t i = 0, j = 0; i < text.size(); i = j) {
        while (j < text.size() && text[j] == text[i]) ++j;
        out += text[i];
        out += std::to_string(j - i);
    }
    return out;
}
`,
      },
      {
        dir: 'decode',
        arg: 'encoded',
        what: 'expands [[encoded]], a string of characters each followed by a decimal run length (possibly several digits), so "a3b1c12" becomes "aaab" followed by twelve c characters; a character without a count is an error.',
        python: `import re


def $name(encoded):
    """Each token is one non-digit character and its decimal count."""
    out = []
    pos = 0
    for match in re.finditer(r"(\\D)(\\d+)", encoded):
        if match.start() != pos:
            raise ValueError(f"character without a count at offset {pos}")
        out.append(match.group(1) * int(match.group(2)))
        pos = match.end()
    if pos != len(encoded):
        raise ValueError(f"character without a count at offset {pos}")
    return "".join(out)
`,
        typescript: `/** Read one non-digit character, then its decimal count; a character without a count is an error. */
function $name(encoded: string): string {
  const isDigit = (c: string): boolean => c >= '0' && c <= '9';
  let out = '';
  for (let i = 0, j = 1; i < encoded.length; i = j, j = i + 1) {
    while (j < encoded.length && isDigit(encoded[j])) j++;
    if (isDigit(encoded[i]) || j === i + 1) throw new Error('character without a count at offset ' + i);
    out += encoded[i].repeat(Number(encoded.slice(i + 1, j)));
  }
  return out;
}
`,
        rust: `/// Read one non-digit character, then its decimal count; a character without a count is an error.
pub fn $name(encoded: &str) -> Result<String, String> {
    let chars: Vec<char> = encoded.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let mut j = i + 1;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        if chars[i].is_ascii_digit() || j == i + 1 {
            return Err(format!("character without a count at offset {}", i));
        }
        let count: usize = chars[i + 1..j].iter().collect::<String>().parse().map_err(|e| format!("bad count at offset {}: {}", i + 1, e))?;
        out.extend(std::iter::repeat(chars[i]).take(count));
        i = j;
    }
    Ok(out)
}
`,
        cpp: `#include <cctype>
#include <stdexcept>
#include <string>

// Read one non-digit character, then its decimal count; a character without a count is an error.
std::string $name(const std::string& encoded) {
    auto digit = [&](std::size_t k) { return std::isdigit(static_cast<unsigned char>(encoded[k])) != 0; };
    std::string out;
    for (std::size_t i = 0, j = 1; i < encoded.size(); i = j, j = i + 1) {
        while (j < encoded.size() && digit(j)) ++j;
        if (digit(i) || j == i + 1) throw std::invalid_argument("character without a count at offset " + std::to_string(i));
        out.append(std::stoul(encoded.substr(i + 1, j - i - 1)), encoded[i]);
    }
    return out;
}
`,
      },
    ],
  },
  {
    id: 'group_anagrams',
    category: 'strings',
    difficulty: 'medium',
    tags: ['hashing', 'sorting'],
    kind: 'function',
    name: 'group anagrams',
    params: ['words'],
    task: 'groups the strings in [[words]] that are anagrams of each other {case}, returning the groups in order of first appearance with words in input order.',
    variants: [
      { case: '(case-sensitive)', norm: 'word', ts_norm: 'word', rust_norm: 'word.chars()', cpp_norm: 'c' },
      {
        case: '(ignoring case)',
        norm: 'word.lower()',
        ts_norm: 'word.toLowerCase()',
        rust_norm: 'word.chars().flat_map(char::to_lowercase)',
        cpp_norm: 'std::tolower(c)',
      },
    ],
    python: `def $name(words):
    """Key each word by its sorted letters; dicts keep insertion order."""
    groups = {}
    for word in words:
        groups.setdefault("".join(sorted($norm)), []).append(word)
    return list(groups.values())
`,
  typescript: `/** Key each word by its sorted characters; a Map keeps the groups in order of first appearance. */
function $name(words: string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const word of words) {
    const key = Array.from($ts_norm).sort().join('');
    const group = groups.get(key);
    if (group) group.push(word);
    else groups.set(key, [word]);
  }
  return [...groups.values()];
}
`,
  rust: `use std::collections::HashMap;

/// Key each word by its sorted characters; groups are kept in order of first appearance.
pub fn $name(words: &[String]) -> Vec<Vec<String>> {
    let mut index: HashMap<Vec<char>, usize> = HashMap::new();
    let mut groups: Vec<Vec<String>> = Vec::new();
    for word in words {
        let mut key: Vec<char> = $rust_norm.collect();
        key.sort_unstable();
        let slot = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[slot].push(word.clone());
    }
    groups
}
`,
  cpp: `#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>
#include <vector>

// Key each word by its sorted characters; groups are kept in order of first appearance.
std::vector<std::vector<std::string>> $name(const std::vector<std::string>& words) {
    std::unordered_map<std::string, std::size_t> index;
    std::vector<std::vector<std::string>> groups;
    for (const auto& word : words) {
        std::string key;
        for (unsigned char c : word) key += static_cast<char>($cpp_norm);
        std::sort(key.begin(), key.end());
        auto [it, added] = index.emplace(key, groups.size());
        if (added) groups.emplace_back();
        groups[it->second].push_back(word);
    }
    return groups;
}
`,
  },
  {
    id: 'word_counts',
    category: 'strings',
    difficulty: 'easy',
    tags: ['hashing', 'counting'],
    kind: 'function',
    name: '{fname}',
    params: ['text', '{extra}'],
    task: '{what}',
    variants: [
      {
        fname: 'word frequencies',
        extra: '',
        what: 'returns a {map} from each word of [[text]] to its number of occurrences, where words are maximal runs of letters and apostrophes, compared in lower case.',
        python: `import re
from collections import Counter


def $name(text):
    """Lower-case words made of letters and apostrophes, counted."""
    return dict(Counter(re.findall(r"[a-z']+", text.lower())))
`,
        typescript: `/** Lower-case the text, take the maximal runs of letters and apostrophes, and count them. */
function $name(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[a-z']+/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}
`,
        rust: `use std::collections::HashMap;

/// Split the lower-cased text on everything but letters and apostrophes, and count the words.
pub fn $name(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    let lower = text.to_lowercase();
    for word in lower.split(|c: char| !(c.is_ascii_lowercase() || c == '\\'')).filter(|w| !w.is_empty()) {
        *counts.entry(word.to_string()).or_insert(0) += 1;
    }
    counts
}
`,
        cpp: `#include <cctype>
#include <string>
#include <unordered_map>

// Scan maximal runs of letters and apostrophes, lower-cased, and count each one.
std::unordered_map<std::string, int> $name(const std::string& text) {
    std::unordered_map<std::string, int> counts;
    std::string word;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        unsigned char c = i < text.size() ? text[i] : ' ';
        if (std::isalpha(c) || c == '\\'') {
            word += static_cast<char>(std::tolower(c));
        } else if (!word.empty()) {
            ++counts[word];
            word.clear();
        }
    }
    return counts;
}
`,
      },
      {
        fname: 'top words',
        extra: 'count',
        what: 'returns the [[count]] most frequent lower-cased words of [[text]] as (word, occurrences) pairs, most frequent first and alphabetical on ties.',
        python: `import re
from collections import Counter


def $name(text, count):
    """Sort by (-frequency, word) so ties are alphabetical."""
    counts = Counter(re.findall(r"[a-z']+", text.lower()))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:count]
`,
        typescript: `/** Count the lower-cased words, then sort by descending count and alphabetically on ties. */
function $name(text: string, count: number): [string, number][] {
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[a-z']+/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, Math.max(0, count));
}
`,
        rust: `use std::collections::HashMap;

/// Count the lower-cased words, then sort by descending count and alphabetically on ties.
pub fn $name(text: &str, count: usize) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let lower = text.to_lowercase();
    for word in lower.split(|c: char| !(c.is_ascii_lowercase() || c == '\\'')).filter(|w| !w.is_empty()) {
        *counts.entry(word.to_string()).or_insert(0) += 1;
    }
    let mut pairs: Vec<(String, usize)> = counts.into_iter().collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    pairs.truncate(count);
    pairs
}
`,
        cpp: `#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <utility>
#include <vector>

// Count the lower-cased words, then sort by descending count and alphabetically on ties.
std::vector<std::pair<std::string, int>> $name(const std::string& text, std::size_t count) {
    std::map<std::string, int> counts;
    std::string word;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        unsigned char c = i < text.size() ? text[i] : ' ';
        if (std::isalpha(c) || c == '\\'') {
            word += static_cast<char>(std::tolower(c));
        } else if (!word.empty()) {
            ++counts[word];
            word.clear();
        }
    }
    std::vector<std::pair<std::string, int>> pairs(counts.begin(), counts.end());
    std::stable_sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    pairs.resize(std::min(count, pairs.size()));
    return pairs;
}
`,
      },
    ],
  },
  {
    id: 'ciphers',
    category: 'strings',
    difficulty: 'easy',
    tags: ['cryptography', 'characters'],
    kind: 'function',
    name: '{fname}',
    params: ['text', '{key}'],
    task: '{what} Non-letters are kept unchanged and letter case is preserved.',
    variants: [
      {
        fname: 'caesar shift',
        key: 'shift',
        what: 'shifts every letter of [[text]] by [[shift]] positions in the alphabet (negative shifts move backwards, any size wraps around).',
        python: `def $name(text, shift):
    """Rotate letters within their case; other characters pass through."""
    out = []
    for ch in text:
        if ch.isascii() and ch.isalpha():
            base = ord("A") if ch.isupper() else ord("a")
            out.append(chr(base + (ord(ch) - base + shift) % 26))
        else:
            out.append(ch)
    return "".join(out)
`,
        typescript: `/** Rotate ASCII letters within their case; every other character passes through. */
function $name(text: string, shift: number): string {
  const k = ((shift % 26) + 26) % 26;
  return text.replace(/[a-z]/gi, (ch) => {
    const base = ch <= 'Z' ? 65 : 97;
    return String.fromCharCode(base + ((ch.charCodeAt(0) - base + k) % 26));
  });
}
`,
        rust: `/// Rotate ASCII letters within their case; every other character passes through.
pub fn $name(text: &str, shift: i64) -> String {
    let k = shift.rem_euclid(26) as u8;
    text.chars()
        .map(|c| match c {
            'a'..='z' => ((c as u8 - b'a' + k) % 26 + b'a') as char,
            'A'..='Z' => ((c as u8 - b'A' + k) % 26 + b'A') as char,
            _ => c,
        })
        .collect()
}
`,
        cpp: `#include <string>

// Rotate ASCII letters within their case; every other character passes through.
std::string $name(std::string text, long long shift) {
    const int k = static_cast<int>((shift % 26 + 26) % 26);
    for (char& c : text) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>('a' + (c - 'a' + k) % 26);
        else if (c >= 'A' && c <= 'Z') c = static_cast<char>('A' + (c - 'A' + k) % 26);
    }
    return text;
}
`,
      },
      {
        fname: 'vigenere encrypt',
        key: 'key',
        what: 'encrypts [[text]] with the Vigenère cipher using the alphabetic [[key]] (the key advances only on letters).',
        python: `def $name(text, key):
    """Each letter is shifted by the next key letter; the key advances on letters only."""
    if not key or not key.isalpha():
        raise ValueError("key must be a non-empty alphabetic string")
    shifts = [ord(k) - ord("a") for k in key.lower()]
    out, i = [], 0
    for ch in text:
        if ch.isascii() and ch.isalpha():
            base = ord("A") if ch.isupper() else ord("a")
            out.append(chr(base + (ord(ch) - base + shifts[i % len(shifts)]) % 26))
            i += 1
        else:
            out.append(ch)
    return "".join(out)
`,
        typescript: `/** Shift each letter by the next key letter; the key advances on letters only. */
function $name(text: string, key: string): string {
  if (!/^[a-z]+$/i.test(key)) throw new Error('key must be a non-empty alphabetic string');
  const shifts = Array.from(key.toLowerCase(), (c) => c.charCodeAt(0) - 97);
  let i = 0;
  return text.replace(/[a-z]/gi, (ch) => {
    const base = ch <= 'Z' ? 65 : 97;
    return String.fromCharCode(base + ((ch.charCodeAt(0) - base + shifts[i++ % shifts.length]) % 26));
  });
}
`,
        rust: `/// Shift each letter by the next key letter; the key advances on letters only.
pub fn $name(text: &str, key: &str) -> Result<String, String> {
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err("key must be a non-empty alphabetic string".to_string());
    }
    let shifts: Vec<u8> = key.bytes().map(|b| b.to_ascii_lowercase() - b'a').collect();
    let mut i = 0;
    Ok(text
        .chars()
        .map(|c| {
            let base = match c {
                'a'..='z' => b'a',
                'A'..='Z' => b'A',
                _ => return c,
            };
            i += 1;
            ((c as u8 - base + shifts[(i - 1) % shifts.len()]) % 26 + base) as char
        })
        .collect())
}
`,
        cpp: `#include <cctype>
#include <stdexcept>
#include <string>

// Shift each letter by the next key letter; the key advances on letters only.
std::string $name(std::string text, const std::string& key) {
    if (key.empty()) throw std::invalid_argument("key must be a non-empty alphabetic string");
    for (unsigned char k : key) {
        if (!std::isalpha(k)) throw std::invalid_argument("key must be a non-empty alphabetic string");
    }
    std::size_t i = 0;
    for (char& c : text) {
        if (!std::isalpha(static_cast<unsigned char>(c))) continue;
        const char base = std::isupper(static_cast<unsigned char>(c)) ? 'A' : 'a';
        const int shift = std::tolower(static_cast<unsigned char>(key[i++ % key.size()])) - 'a';
        c = static_cast<char>(base + (c - base + shift) % 26);
    }
    return text;
}
`,
      },
    ],
  },
  {
    id: 'wrap_text',
    category: 'strings',
    difficulty: 'medium',
    tags: ['formatting', 'greedy'],
    kind: 'function',
    name: 'wrap text',
    params: ['text', 'width'],
    task: 'greedily wraps the words of [[text]] into lines of at most [[width]] characters {how} and returns the {list} of lines; a word longer than [[width]] goes on a line of its own.',
    variants: [
      { how: '(left-aligned, single spaces)', pad: 'line', ts_pad: 'current', rust_pad: 'current.clone()', cpp_pad: 'current' },
      {
        how: '(each line right-aligned by padding spaces on the left)',
        pad: 'line.rjust(width)',
        ts_pad: 'current.padStart(width)',
        rust_pad: 'format!("{}{}", " ".repeat(width.saturating_sub(current.chars().count())), current)',
        cpp_pad: "std::string(width > current.size() ? width - current.size() : 0, ' ') + current",
      },
    ],
    python: `def $name(text, width):
    """Greedy line filling: add a word while it still fits."""
    lines, current = [], []
    length = 0
    for word in text.split():
        if current and length + 1 + len(word) > width:
            lines.append(" ".join(current))
            current, length = [], 0
        length += len(word) + (1 if current else 0)
        current.append(word)
    if current:
        lines.append(" ".join(current))
    return [$pad for line in lines]
`,
  typescript: `/** Greedy line filling: a word joins the current line while the line still fits. */
function $name(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\\s+/).filter((w) => w.length > 0)) {
    if (current && current.length + 1 + word.length > width) {
      lines.push($ts_pad);
      current = '';
    }
    current = current ? current + ' ' + word : word;
  }
  if (current) lines.push($ts_pad);
  return lines;
}
`,
  rust: `/// Greedy line filling: a word joins the current line while the line still fits.
pub fn $name(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push($rust_pad);
            current.clear();
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push($rust_pad);
    }
    lines
}
`,
  cpp: `#include <sstream>
#include <string>
#include <vector>

// Greedy line filling: a word joins the current line while the line still fits.
std::vector<std::string> $name(const std::string& text, std::size_t width) {
    std::vector<std::string> lines;
    std::istringstream words(text);
    std::string word, current;
    while (words >> word) {
        if (!current.empty() && current.size() + 1 + word.size() > width) {
            lines.push_back($cpp_pad);
            current.clear();
        }
        current += (current.empty() ? "" : " ") + word;
    }
    if (!current.empty()) lines.push_back($cpp_pad);
    return lines;
}
`,
  },
  {
    id: 'case_conversion',
    category: 'strings',
    difficulty: 'easy',
    tags: ['identifiers', 'regex'],
    kind: 'function',
    name: 'to {style} case',
    params: ['identifier'],
    task: 'converts [[identifier]] from {from} to {style} case, so "{ex1}" becomes "{ex2}"; runs of capitals such as "HTTP" count as one word.',
    variants: [
      {
        style: 'snake',
        from: 'camelCase or PascalCase',
        ex1: 'parseHTTPResponse',
        ex2: 'parse_http_response',
        python: `import re


def $name(identifier):
    """Split before a capital that starts a word, then join with underscores."""
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z]|\\d|\\b)|[A-Z]?[a-z]+|[A-Z]+|\\d+", identifier)
    return "_".join(word.lower() for word in words)
`,
        typescript: `/** Match the words (a capital run before a capitalised word, a capitalised word, a capital run, digits) and join them. */
function $name(identifier: string): string {
  const words = identifier.match(/[A-Z]+(?=[A-Z][a-z]|\\d|\\b)|[A-Z]?[a-z]+|[A-Z]+|\\d+/g) ?? [];
  return words.map((w) => w.toLowerCase()).join('_');
}
`,
        rust: `/// Start a word at a lower-to-upper or letter-digit change, and at the last capital of a run followed by a lower-case letter.
pub fn $name(identifier: &str) -> String {
    let chars: Vec<char> = identifier.chars().filter(|c| c.is_alphanumeric()).collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).map_or(false, |n| n.is_lowercase());
            let upper_starts = c.is_uppercase() && (!prev.is_uppercase() || next_lower);
            if upper_starts || c.is_ascii_digit() != prev.is_ascii_digit() {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}
`,
        cpp: `#include <cctype>
#include <string>

// Start a word at a lower-to-upper or letter-digit change, and at the last capital of a run followed by a lower-case letter.
std::string $name(const std::string& identifier) {
    std::string chars;
    for (unsigned char c : identifier) {
        if (std::isalnum(c)) chars += static_cast<char>(c);
    }
    auto at = [&](std::size_t i) { return static_cast<unsigned char>(chars[i]); };
    std::string out;
    for (std::size_t i = 0; i < chars.size(); ++i) {
        if (i > 0) {
            bool next_lower = i + 1 < chars.size() && std::islower(at(i + 1));
            bool upper_starts = std::isupper(at(i)) && (!std::isupper(at(i - 1)) || next_lower);
            if (upper_starts || (std::isdigit(at(i)) != 0) != (std::isdigit(at(i - 1)) != 0)) out += '_';
        }
        out += static_cast<char>(std::tolower(at(i)));
    }
    return out;
}
`,
      },
      {
        style: 'camel',
        from: 'snake_case or kebab-case',
        ex1: 'parse_http_response',
        ex2: 'parseHttpResponse',
        python: `import re


def $name(identifier):
    """Split on underscores and hyphens; capitalise every word but the first."""
    words = [w for w in re.split(r"[_-]+", identifier) if w]
    if not words:
        return ""
    return words[0].lower() + "".join(w.capitalize() for w in words[1:])
`,
        typescript: `/** Split on underscores and hyphens; lower-case the first word and capitalise the others. */
function $name(identifier: string): string {
  const words = identifier.split(/[_-]+/).filter((w) => w.length > 0);
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase())).join('');
}
`,
        rust: `/// Split on underscores and hyphens; lower-case the first word and capitalise the others.
pub fn $name(identifier: &str) -> String {
    let mut out = String::new();
    for (i, word) in identifier.split(['_', '-']).filter(|w| !w.is_empty()).enumerate() {
        let lower = word.to_lowercase();
        let mut chars = lower.chars();
        if i > 0 {
            out.extend(chars.next().into_iter().flat_map(char::to_uppercase));
        }
        out.push_str(chars.as_str());
    }
    out
}
`,
        cpp: `#include <cctype>
#include <string>

// Drop underscores and hyphens; upper-case the letter after one (unless at the start), lower-case the rest.
std::string $name(const std::string& identifier) {
    std::string out;
    bool new_word = false;
    for (unsigned char c : identifier) {
        if (c == '_' || c == '-') {
            new_word = !out.empty();
            continue;
        }
        out += static_cast<char>(new_word ? std::toupper(c) : std::tolower(c));
        new_word = false;
    }
    return out;
}
`,
      },
    ],
  },
  {
    id: 'brackets',
    category: 'strings',
    difficulty: 'medium',
    tags: ['stacks', 'parsing'],
    kind: 'function',
    name: '{fname}',
    params: ['text'],
    task: '{what}',
    variants: [
      {
        fname: 'is balanced',
        what: 'returns whether the brackets (), [] and {} in [[text]] are balanced and properly nested, ignoring every other character.',
        python: `def $name(text):
    """A stack of expected closing brackets."""
    closing = {"(": ")", "[": "]", "{": "}"}
    stack = []
    for ch in text:
        if ch in closing:
            stack.append(closing[ch])
        elif ch in ")]}":
            if not stack or stack.pop() != ch:
                return False
    return not stack
`,
        typescript: `/** A stack of the closing brackets still expected. */
function $name(text: string): boolean {
  const closing: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (const ch of text) {
    if (ch in closing) stack.push(closing[ch]);
    else if (')]}'.includes(ch) && stack.pop() !== ch) return false;
  }
  return stack.length === 0;
}
`,
        rust: `/// A stack of the closing brackets still expected.
pub fn $name(text: &str) -> bool {
    let mut stack = Vec::new();
    for c in text.chars() {
        match c {
            '(' => stack.push(')'),
            '[' => stack.push(']'),
            '{' => stack.push('}'),
            ')' | ']' | '}' if stack.pop() != Some(c) => return false,
            _ => {}
        }
    }
    stack.is_empty()
}
`,
        cpp: `#include <string>

// A stack of the closing brackets still expected.
bool $name(const std::string& text) {
    std::string stack;
    for (char c : text) {
        if (c == '(') stack += ')';
        else if (c == '[') stack += ']';
        else if (c == '{') stack += '}';
        else if (c == ')' || c == ']' || c == '}') {
            if (stack.empty() || stack.back() != c) return false;
            stack.pop_back();
        }
    }
    return stack.empty();
}
`,
      },
      {
        fname: 'longest valid parentheses',
        what: 'returns the length of the longest substring of [[text]] (made of "(" and ")") that is a well-formed parentheses sequence, in O(n) time.',
        python: `def $name(text):
    """Stack of indices; the bottom is the last unmatched ")" position."""
    best, stack = 0, [-1]
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        else:
            stack.pop()
            if not stack:
                stack.append(i)
            else:
                best = max(best, i - stack[-1])
    return best
`,
        typescript: `/** Stack of indices whose bottom is the position of the last unmatched ")"; O(n) time. */
function $name(text: string): number {
  let best = 0;
  const stack = [-1];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') {
      stack.push(i);
      continue;
    }
    stack.pop();
    if (stack.length === 0) stack.push(i);
    else best = Math.max(best, i - stack[stack.length - 1]);
  }
  return best;
}
`,
        rust: `/// Stack of indices whose bottom is the position of the last unmatched ')'; O(n) time.
pub fn $name(text: &str) -> usize {
    let mut best = 0;
    let mut stack: Vec<isize> = vec![-1];
    for (i, c) in text.chars().enumerate() {
        let i = i as isize;
        if c == '(' {
            stack.push(i);
            continue;
        }
        stack.pop();
        match stack.last() {
            None => stack.push(i),
            Some(&open) => best = best.max((i - open) as usize),
        }
    }
    best
}
`,
        cpp: `#include <algorithm>
#include <string>
#include <vector>

// Stack of indices whose bottom is the position of the last unmatched ')'; O(n) time.
int $name(const std::string& text) {
    int best = 0;
    std::vector<int> stack{-1};
    for (int i = 0; i < static_cast<int>(text.size()); ++i) {
        if (text[i] == '(') {
            stack.push_back(i);
            continue;
        }
        stack.pop_back();
        if (stack.empty()) stack.push_back(i);
        else best = std::max(best, i - stack.back());
    }
    return best;
}
`,
      },
    ],
  },
  {
    id: 'common_affix',
    category: 'strings',
    difficulty: 'easy',
    tags: ['comparison'],
    kind: 'function',
    name: 'longest common {affix}',
    params: ['words'],
    task: 'returns the longest common {affix} of all the strings in [[words]] (an empty string when [[words]] is empty).',
    variants: [
      {
        affix: 'prefix',
        python: `def $name(words):
    """Compare the lexicographically smallest and largest words only."""
    if not words:
        return ""
    lo, hi = min(words), max(words)
    i = 0
    while i < len(lo) and lo[i] == hi[i]:
        i += 1
    return lo[:i]
`,
        typescript: `/** Shorten the first word until every word starts with it. */
function $name(words: string[]): string {
  let prefix = words.length > 0 ? words[0] : '';
  for (const word of words) {
    while (!word.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}
`,
        rust: `/// Shorten the first word one character at a time until every word starts with it.
pub fn $name(words: &[String]) -> String {
    let mut prefix = words.first().map_or("", |w| w.as_str());
    for word in words {
        while !word.starts_with(prefix) {
            let mut chars = prefix.chars();
            chars.next_back();
            prefix = chars.as_str();
        }
    }
    prefix.to_string()
}
`,
        cpp: `#include <string>
#include <vector>

// Shrink the prefix length of the first word against every other word.
std::string $name(const std::vector<std::string>& words) {
    if (words.empty()) return "";
    std::size_t len = words[0].size();
    for (const auto& word : words) {
        std::size_t i = 0;
        while (i < len && i < word.size() && word[i] == words[0][i]) ++i;
        len = i;
    }
    return words[0].substr(0, len);
}
`,
      },
      {
        affix: 'suffix',
        python: `def $name(words):
    """The common prefix of the reversed words, reversed back."""
    if not words:
        return ""
    reversed_words = [w[::-1] for w in words]
    lo, hi = min(reversed_words), max(reversed_words)
    i = 0
    while i < len(lo) and lo[i] == hi[i]:
        i += 1
    return lo[:i][::-1]
`,
        typescript: `/** Shorten the first word from the front until every word ends with it. */
function $name(words: string[]): string {
  let suffix = words.length > 0 ? words[0] : '';
  for (const word of words) {
    while (!word.endsWith(suffix)) suffix = suffix.slice(1);
  }
  return suffix;
}
`,
        rust: `/// Shorten the first word from the front, one character at a time, until every word ends with it.
pub fn $name(words: &[String]) -> String {
    let mut suffix = words.first().map_or("", |w| w.as_str());
    for word in words {
        while !word.ends_with(suffix) {
            let mut chars = suffix.chars();
            chars.next();
            suffix = chars.as_str();
        }
    }
    suffix.to_string()
}
`,
        cpp: `#include <string>
#include <vector>

// Shrink the suffix length of the first word against every other word, comparing from the ends.
std::string $name(const std::vector<std::string>& words) {
    if (words.empty()) return "";
    const std::string& first = words[0];
    std::size_t len = first.size();
    for (const auto& word : words) {
        std::size_t i = 0;
        while (i < len && i < word.size() && word[word.size() - 1 - i] == first[first.size() - 1 - i]) ++i;
        len = i;
    }
    return first.substr(first.size() - len);
}
`,
      },
    ],
  },
  {
    id: 'slugify',
    category: 'strings',
    difficulty: 'easy',
    tags: ['urls', 'normalisation'],
    kind: 'function',
    name: 'slugify',
    params: ['title'],
    task: 'turns [[title]] into a URL slug: accents removed, lower case, every run of other characters replaced by a single "{sep}", no leading or trailing "{sep}", at most {max} characters without cutting a word.',
    variants: [
      { sep: '-', max: '60' },
      { sep: '_', max: '40' },
    ],
    python: `import re
import unicodedata


def $name(title):
    """NFKD-decompose, drop non-ASCII, collapse separators, trim at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = word if not slug else slug + "$sep" + word
        if len(candidate) > $max:
            break
        slug = candidate
    return slug
`,
  typescript: `/** NFKD-decompose and drop non-ASCII (the accents), then join lower-case alphanumeric words up to the limit. */
function $name(title: string): string {
  const ascii = title.normalize('NFKD').replace(/[^\\x00-\\x7f]/g, '').toLowerCase();
  let slug = '';
  for (const word of ascii.match(/[a-z0-9]+/g) ?? []) {
    const candidate = slug ? slug + '$sep' + word : word;
    if (candidate.length > $max) break;
    slug = candidate;
  }
  return slug;
}
`,
  rust: `/// Fold Latin-1 accented letters to ASCII and drop other non-ASCII, then join lower-case alphanumeric words up to the limit.
pub fn $name(title: &str) -> String {
    // Base letters of U+00C0..=U+00FF; '.' marks characters with no ASCII base (dropped).
    const LATIN1: &[u8] = b"aaaaaa.ceeeeiiii.nooooo..uuuuy..aaaaaa.ceeeeiiii.nooooo..uuuuy.y";
    let folded: String = title
        .chars()
        .filter_map(|c| match c as u32 {
            0..=0x7f => Some(c.to_ascii_lowercase()),
            code @ 0xc0..=0xff => Some(LATIN1[(code - 0xc0) as usize] as char).filter(|&f| f != '.'),
            _ => None,
        })
        .collect();
    let mut slug = String::new();
    for word in folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let sep_len = if slug.is_empty() { 0 } else { 1 };
        if slug.len() + sep_len + word.len() > $max {
            break;
        }
        if sep_len > 0 {
            slug.push_str("$sep");
        }
        slug.push_str(word);
    }
    slug
}
`,
  cpp: `#include <cctype>
#include <string>

// Fold Latin-1 accented letters (UTF-8) to ASCII and drop other non-ASCII, then join lower-case words up to the limit.
std::string $name(const std::string& title) {
    // Base letters of U+00C0..U+00FF; '.' marks characters with no ASCII base (dropped).
    static const std::string latin1 = "aaaaaa.ceeeeiiii.nooooo..uuuuy..aaaaaa.ceeeeiiii.nooooo..uuuuy.y";
    std::string folded;
    for (std::size_t i = 0; i < title.size(); ++i) {
        unsigned char c = title[i];
        if (c < 0x80) {
            folded += static_cast<char>(std::tolower(c));
        } else if ((c & 0xE0) == 0xC0 && i + 1 < title.size()) {
            unsigned code = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(title[++i]) & 0x3Fu);
            if (code >= 0xC0 && code <= 0xFF && latin1[code - 0xC0] != '.') folded += latin1[code - 0xC0];
        }
    }
    std::string slug, word;
    for (char c : folded + " ") {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            word += c;
            continue;
        }
        if (word.empty()) continue;
        if (slug.size() + (slug.empty() ? 0 : 1) + word.size() > $max) break;
        slug += (slug.empty() ? "" : "$sep") + word;
        word.clear();
    }
    return slug;
}
`,
  },
  {
    id: 'roman_numerals',
    category: 'strings',
    difficulty: 'easy',
    tags: ['conversion', 'numbers'],
    kind: 'function',
    name: '{fname}',
    params: ['{arg}'],
    task: '{what}',
    variants: [
      {
        fname: 'roman to int',
        arg: 'numeral',
        what: 'converts the Roman numeral [[numeral]] (I, V, X, L, C, D, M with subtractive pairs such as IV and CM) to an integer, rejecting invalid characters with an error.',
        python: `def $name(numeral):
    """Add each value, subtracting it when a larger value follows."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for i, ch in enumerate(numeral):
        if ch not in values:
            raise ValueError(f"invalid Roman numeral character {ch!r}")
        value = values[ch]
        if i + 1 < len(numeral) and values.get(numeral[i + 1], 0) > value:
            total -= value
        else:
            total += value
    return total
`,
        typescript: `/** Add each value, subtracting it when a larger value follows. */
function $name(numeral: string): number {
  const values = new Map([['I', 1], ['V', 5], ['X', 10], ['L', 50], ['C', 100], ['D', 500], ['M', 1000]]);
  let total = 0;
  for (let i = 0; i < numeral.length; i++) {
    const value = values.get(numeral[i]);
    if (value === undefined) throw new Error('invalid Roman numeral character ' + JSON.stringify(numeral[i]));
    total += (values.get(numeral[i + 1]) ?? 0) > value ? -value : value;
  }
  return total;
}
`,
        rust: `/// Add each value, subtracting it when a larger value follows.
pub fn $name(numeral: &str) -> Result<i32, String> {
    let values = numeral
        .chars()
        .map(|c| match c {
            'I' => Ok(1),
            'V' => Ok(5),
            'X' => Ok(10),
            'L' => Ok(50),
            'C' => Ok(100),
            'D' => Ok(500),
            'M' => Ok(1000),
            _ => Err(format!("invalid Roman numeral character {:?}", c)),
        })
        .collect::<Result<Vec<i32>, String>>()?;
    Ok(values
        .iter()
        .enumerate()
        .map(|(i, &v)| if values.get(i + 1).map_or(false, |&next| next > v) { -v } else { v })
        .sum())
}
`,
        cpp: `#include <stdexcept>
#include <string>

// Add each value, subtracting it when a larger value follows.
int $name(const std::string& numeral) {
    static const std::string symbols = "IVXLCDM";
    static const int values[] = {1, 5, 10, 50, 100, 500, 1000};
    auto value = [&](char c) {
        std::size_t k = symbols.find(c);
        if (k == std::string::npos) throw std::invalid_argument(std::string("invalid Roman numeral character '") + c + "'");
        return values[k];
    };
    int total = 0;
    for (std::size_t i = 0; i < numeral.size(); ++i) {
        int v = value(numeral[i]);
        total += i + 1 < numeral.size() && value(numeral[i + 1]) > v ? -v : v;
    }
    return total;
}
`,
      },
      {
        fname: 'int to roman',
        arg: 'number',
        what: 'converts [[number]], an integer from 1 to 3999, to a Roman numeral using subtractive pairs (4 is IV, 900 is CM); other numbers are an error.',
        python: `def $name(number):
    """Greedy over values in descending order, subtractive pairs included."""
    if not 1 <= number <= 3999:
        raise ValueError(f"number must be in 1..3999, got {number}")
    table = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
             (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for value, symbol in table:
        count, number = divmod(number, value)
        out.append(symbol * count)
    return "".join(out)
`,
        typescript: `/** Greedy over the values in descending order, subtractive pairs included. */
function $name(number: number): string {
  if (!Number.isInteger(number) || number < 1 || number > 3999) throw new RangeError('number must be an integer in 1..3999, got ' + number);
  const table: [number, string][] = [
    [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'],
    [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
  ];
  let out = '';
  for (const [value, symbol] of table) {
    out += symbol.repeat(Math.floor(number / value));
    number %= value;
  }
  return out;
}
`,
        rust: `/// Greedy over the values in descending order, subtractive pairs included.
pub fn $name(number: u32) -> Result<String, String> {
    if !(1..=3999).contains(&number) {
        return Err(format!("number must be in 1..=3999, got {}", number));
    }
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ];
    let mut rest = number;
    let mut out = String::new();
    for (value, symbol) in TABLE {
        out.push_str(&symbol.repeat((rest / value) as usize));
        rest %= value;
    }
    Ok(out)
}
`,
        cpp: `#include <stdexcept>
#include <string>
#include <utility>

// Greedy over the values in descending order, subtractive pairs included.
std::string $name(int number) {
    if (number < 1 || number > 3999) throw std::out_of_range("number must be in 1..3999, got " + std::to_string(number));
    static const std::pair<int, const char*> table[] = {
        {1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"},
        {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"},
    };
    std::string out;
    for (const auto& [value, symbol] : table) {
        for (; number >= value; number -= value) out += symbol;
    }
    return out;
}
`,
      },
    ],
  },
];
