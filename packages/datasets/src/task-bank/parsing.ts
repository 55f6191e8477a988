/** Task templates: parsing. */
import type { TaskTemplate } from './types';

export const PARSING_TASKS: readonly TaskTemplate[] = [
  {
    id: 'query_string',
    category: 'parsing',
    difficulty: 'easy',
    tags: ['urls', 'encoding'],
    kind: 'function',
    name: '{fname}',
    params: ['{arg}'],
    task: '{what}',
    variants: [
      {
        fname: 'parse query string',
        arg: 'query',
        what: 'parses the URL query string [[query]] (with or without a leading "?") into a {map} from each key to the {list} of its values in order, decoding percent-escapes and "+" as a space.',
        python: `from urllib.parse import unquote_plus


def $name(query):
    """Split on & and the first =, decode both sides."""
    result = {}
    for part in query.lstrip("?").split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        result.setdefault(unquote_plus(key), []).append(unquote_plus(value))
    return result
`,
      },
      {
        fname: 'build query string',
        arg: 'params',
        what: 'builds a URL query string from [[params]], a {map} from keys to a value or a {list} of values, percent-encoding keys and values, with keys in sorted order.',
        python: `from urllib.parse import quote


def $name(params):
    """One key=value pair per value; keys sorted for a stable result."""
    parts = []
    for key in sorted(params):
        values = params[key] if isinstance(params[key], list) else [params[key]]
        for value in values:
            parts.append(f"{quote(str(key), safe='')}={quote(str(value), safe='')}")
    return "&".join(parts)
`,
      },
    ],
  },
  {
    id: 'expression_evaluator',
    category: 'parsing',
    difficulty: 'hard',
    tags: ['recursive-descent', 'interpreters'],
    kind: 'function',
    name: 'evaluate expression',
    params: ['expression'],
    task: 'evaluates the arithmetic [[expression]] made of {ops}, parentheses and spaces, with the usual precedence, using a recursive-descent parser (no eval); a syntax error reports its character position.',
    variants: [
      { ops: 'integers, +, -, * and /' },
      { ops: 'decimal numbers, +, -, *, /, unary minus and right-associative ^ (power)' },
    ],
  },
  {
    id: 'csv_line',
    category: 'parsing',
    difficulty: 'medium',
    tags: ['csv', 'state-machine'],
    kind: 'function',
    name: 'parse csv line',
    params: ['line', '{extra}'],
    task: 'splits one CSV record [[line]] into its fields{sep}: fields may be quoted with double quotes, quoted fields may contain the separator, and a doubled quote inside quotes stands for one quote; an unterminated quote is an error.',
    variants: [
      { sep: '', extra: '', delim: '","' },
      { sep: ' using the one-character separator [[delimiter]]', extra: 'delimiter', delim: 'delimiter' },
    ],
  },
  {
    id: 'ini_parser',
    category: 'parsing',
    difficulty: 'medium',
    tags: ['config', 'text'],
    kind: 'function',
    name: 'parse ini',
    params: ['text'],
    task: 'parses INI-format [[text]] into a {map} from section name to a {map} of key/value strings: keys before any section go in section "{root}", lines starting with ; or # are comments, whitespace around keys and values is trimmed, and a malformed line is an error with its line number.',
    variants: [{ root: 'default' }, { root: 'global' }],
    python: `def $name(text):
    """Line by line; [section] headers switch the current section."""
    result = {"$root": {}}
    section = "$root"
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            result.setdefault(section, {})
        elif "=" in line:
            key, value = line.split("=", 1)
            result[section][key.strip()] = value.strip()
        else:
            raise ValueError(f"line {number}: expected [section] or key = value, found {raw!r}")
    return result
`,
  },
  {
    id: 'durations',
    category: 'parsing',
    difficulty: 'easy',
    tags: ['time', 'formatting'],
    kind: 'function',
    name: '{fname}',
    params: ['{arg}'],
    task: '{what}',
    variants: [
      {
        fname: 'parse duration',
        arg: 'text',
        what: 'parses a duration such as "1h30m", "45s" or "2d4h" (units d, h, m, s, each at most once, in that order) from [[text]] into a number of seconds; anything else is an error.',
        python: `import re

_PATTERN = re.compile(r"(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?")


def $name(text):
    """One regex with an optional group per unit, in order."""
    match = _PATTERN.fullmatch(text.strip())
    if not match or not any(match.groups()):
        raise ValueError(f"invalid duration {text!r}; expected e.g. 1h30m or 45s")
    days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds
`,
      },
      {
        fname: 'format duration',
        arg: 'seconds',
        what: 'formats a non-negative number of [[seconds]] as a compact duration such as "2d4h", "1h30m" or "45s", omitting zero units ("0s" for zero).',
        python: `def $name(seconds):
    """Peel off days, hours, minutes and seconds; skip zero units."""
    if seconds < 0:
        raise ValueError("seconds must be non-negative")
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"
`,
      },
    ],
  },
  {
    id: 'semver',
    category: 'parsing',
    difficulty: 'medium',
    tags: ['versions', 'comparison'],
    kind: 'function',
    name: 'compare versions',
    params: ['a', 'b'],
    task: 'compares the {kind} version strings [[a]] and [[b]] and returns -1, 0 or 1; {rule}',
    variants: [
      {
        kind: 'dotted',
        rule: 'missing trailing components count as 0, so "1.2" equals "1.2.0".',
        python: `from itertools import zip_longest


def $name(a, b):
    """Compare numeric components, padding the shorter version with zeros."""
    for x, y in zip_longest(a.split("."), b.split("."), fillvalue="0"):
        if int(x) != int(y):
            return -1 if int(x) < int(y) else 1
    return 0
`,
      },
      {
        kind: 'semantic (MAJOR.MINOR.PATCH with an optional -prerelease)',
        rule: 'a pre-release sorts before its release and pre-release identifiers compare as in the SemVer 2.0 specification.',
      },
    ],
  },
  {
    id: 'tokenizer',
    category: 'parsing',
    difficulty: 'medium',
    tags: ['lexing', 'regex'],
    kind: 'function',
    name: 'tokenize',
    params: ['source'],
    task: 'splits [[source]] into a {list} of (kind, text) tokens, where the kinds are {kinds}; whitespace is skipped and an unexpected character is an error giving its position.',
    variants: [
      {
        kinds: 'number, identifier, operator (+ - * / = == != < <= > >=) and paren',
        python: `import re

_TOKEN = re.compile(r"\\s*(?:(\\d+(?:\\.\\d+)?)|([A-Za-z_]\\w*)|(==|!=|<=|>=|[-+*/=<>])|([()]))")


def $name(source):
    """Match the token regex repeatedly; the group that matched gives the kind."""
    tokens, pos = [], 0
    source = source.rstrip()
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if not match or match.end() == pos:
            raise SyntaxError(f"unexpected character {source[pos]!r} at position {pos}")
        kind = ("number", "identifier", "operator", "paren")[match.lastindex - 1]
        tokens.append((kind, match.group(match.lastindex)))
        pos = match.end()
    return tokens
`,
      },
      { kinds: 'string (double-quoted, with backslash escapes), number, keyword (true, false, null) and punctuation ({ } [ ] : ,), as for JSON' },
    ],
  },
  {
    id: 'http_headers',
    category: 'parsing',
    difficulty: 'easy',
    tags: ['http', 'text'],
    kind: 'function',
    name: 'parse headers',
    params: ['raw'],
    task: 'parses the raw HTTP header block [[raw]] (lines separated by CRLF, each "Name: value") into a {map} from lower-cased header name to {val}; a line without a colon is an error.',
    variants: [
      { val: 'its value, joining repeated headers with ", "', join: 'existing + ", " + value' },
      { val: 'the {list} of its values in order', join: 'None' },
    ],
  },
];
