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
      { case: '(case-sensitive)', norm: 'word' },
      { case: '(ignoring case)', norm: 'word.lower()' },
    ],
    python: `def $name(words):
    """Key each word by its sorted letters; dicts keep insertion order."""
    groups = {}
    for word in words:
        groups.setdefault("".join(sorted($norm)), []).append(word)
    return list(groups.values())
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
      { how: '(left-aligned, single spaces)', pad: 'line' },
      { how: '(each line right-aligned by padding spaces on the left)', pad: 'line.rjust(width)' },
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
      },
    ],
  },
];
