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
        typescript: `/** Split on "&" and the first "="; decode "+" as a space and percent-escapes on both sides. */
function $name(query: string): Map<string, string[]> {
  const decode = (part: string): string => decodeURIComponent(part.split('+').join(' '));
  const result = new Map<string, string[]>();
  for (const part of (query.startsWith('?') ? query.slice(1) : query).split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const values = result.get(key) ?? [];
    values.push(eq < 0 ? '' : decode(part.slice(eq + 1)));
    result.set(key, values);
  }
  return result;
}
`,
        rust: `use std::collections::HashMap;

/// Decodes "+" as a space and %XX escapes as bytes (read as UTF-8); a malformed escape is kept as is.
fn decode(part: &str) -> String {
    let bytes = part.as_bytes();
    let hex = |i: usize| bytes.get(i).and_then(|&b| (b as char).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'+', _, _) => out.push(b' '),
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 2;
            }
            (b, _, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Split on '&' and the first '='; the values of a repeated key are kept in order.
pub fn $name(query: &str) -> HashMap<String, Vec<String>> {
    let mut result: HashMap<String, Vec<String>> = HashMap::new();
    for part in query.strip_prefix('?').unwrap_or(query).split('&').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        result.entry(decode(key)).or_default().push(decode(value));
    }
    result
}
`,
        cpp: `#include <cctype>
#include <string>
#include <unordered_map>
#include <vector>

// Decodes '+' as a space and %XX escapes as bytes; a malformed escape is kept as is.
std::string url_decode(const std::string& text) {
    auto hex = [&](std::size_t i) { return i < text.size() && std::isxdigit(static_cast<unsigned char>(text[i])); };
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%' && hex(i + 1) && hex(i + 2)) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// Split on '&' and the first '='; the values of a repeated key are kept in order.
std::unordered_map<std::string, std::vector<std::string>> $name(const std::string& query) {
    std::unordered_map<std::string, std::vector<std::string>> result;
    for (std::size_t start = !query.empty() && query[0] == '?' ? 1 : 0, end; start <= query.size(); start = end + 1) {
        end = query.find('&', start);
        if (end == std::string::npos) end = query.size();
        const std::string part = query.substr(start, end - start);
        if (part.empty()) continue;
        const std::size_t eq = part.find('=');
        result[url_decode(part.substr(0, eq))].push_back(eq == std::string::npos ? "" : url_decode(part.substr(eq + 1)));
    }
    return result;
}
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
        typescript: `type QueryValue = string | number | boolean;

/** One key=value pair per value, keys sorted; encodes everything but A-Z a-z 0-9 - . _ ~. */
function $name(params: Map<string, QueryValue | QueryValue[]>): string {
  const encode = (text: string): string =>
    encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const parts: string[] = [];
  for (const key of [...params.keys()].sort()) {
    const value = params.get(key)!;
    for (const item of Array.isArray(value) ? value : [value]) parts.push(encode(key) + '=' + encode(String(item)));
  }
  return parts.join('&');
}
`,
        rust: `use std::collections::HashMap;

/// A query parameter: one value or several.
pub enum QueryValue {
    One(String),
    Many(Vec<String>),
}

/// Percent-encodes every byte except the unreserved characters A-Z a-z 0-9 - . _ ~.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{:02X}", b) })
        .collect()
}

/// One key=value pair per value, keys sorted for a stable result.
pub fn $name(params: &HashMap<String, QueryValue>) -> String {
    let mut keys: Vec<&String> = params.keys().collect();
    keys.sort();
    let mut parts = Vec::new();
    for key in keys {
        let values = match &params[key] {
            QueryValue::One(value) => std::slice::from_ref(value),
            QueryValue::Many(values) => values.as_slice(),
        };
        parts.extend(values.iter().map(|value| format!("{}={}", encode(key), encode(value))));
    }
    parts.join("&")
}
`,
        cpp: `#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

using QueryValue = std::variant<std::string, std::vector<std::string>>;

// Percent-encodes every byte except the unreserved characters A-Z a-z 0-9 - . _ ~.
std::string percent_encode(const std::string& text) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

// One key=value pair per value, keys sorted for a stable result.
std::string $name(const std::unordered_map<std::string, QueryValue>& params) {
    std::vector<std::string> keys;
    for (const auto& entry : params) keys.push_back(entry.first);
    std::sort(keys.begin(), keys.end());
    std::string out;
    for (const auto& key : keys) {
        const QueryValue& value = params.at(key);
        const auto* many = std::get_if<std::vector<std::string>>(&value);
        for (const auto& item : many ? *many : std::vector<std::string>{std::get<std::string>(value)}) {
            out += (out.empty() ? "" : "&") + percent_encode(key) + "=" + percent_encode(item);
        }
    }
    return out;
}
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
      {
        sep: '',
        extra: '',
        delim: '","',
        py_params: 'line',
        ts_params: 'line: string',
        rust_params: 'line: &str',
        rust_delim: "','",
        cpp_params: 'const std::string& line',
        cpp_delim: "','",
      },
      {
        sep: ' using the one-character separator [[delimiter]]',
        extra: 'delimiter',
        delim: 'delimiter',
        py_params: 'line, delimiter',
        ts_params: 'line: string, delimiter: string',
        rust_params: 'line: &str, delimiter: char',
        rust_delim: 'delimiter',
        cpp_params: 'const std::string& line, char delimiter',
        cpp_delim: 'delimiter',
      },
    ],
    python: `def $name($py_params):
    \"\"\"A two-state scanner: inside quotes a doubled quote is one quote; outside, the separator ends a field.\"\"\"
    fields, quoted, i = [""], False, 0
    while i < len(line):
        ch = line[i]
        if quoted:
            if ch != '"':
                fields[-1] += ch
            elif line[i + 1:i + 2] == '"':
                fields[-1] += '"'
                i += 1
            else:
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == $delim:
            fields.append("")
        else:
            fields[-1] += ch
        i += 1
    if quoted:
        raise ValueError("unterminated quoted field")
    return fields
`,
    typescript: `/** A two-state scanner: inside quotes a doubled quote is one quote; outside, the separator ends a field. */
function $name($ts_params): string[] {
  const fields = [''];
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c !== '"') fields[fields.length - 1] += c;
      else if (line[i + 1] === '"') fields[fields.length - 1] += line[++i];
      else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === $delim) fields.push('');
    else fields[fields.length - 1] += c;
  }
  if (quoted) throw new Error('unterminated quoted field');
  return fields;
}
`,
    rust: `/// A two-state scanner: inside quotes a doubled quote is one quote; outside, the separator ends a field.
pub fn $name($rust_params) -> Result<Vec<String>, String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let field = fields.last_mut().expect("at least one field");
        if quoted {
            if c != '"' {
                field.push(c);
            } else if chars.next_if_eq(&'"').is_some() {
                field.push('"');
            } else {
                quoted = false;
            }
        } else if c == '"' {
            quoted = true;
        } else if c == $rust_delim {
            fields.push(String::new());
        } else {
            field.push(c);
        }
    }
    if quoted {
        return Err("unterminated quoted field".to_string());
    }
    Ok(fields)
}
`,
    cpp: `#include <stdexcept>
#include <string>
#include <vector>

// A two-state scanner: inside quotes a doubled quote is one quote; outside, the separator ends a field.
std::vector<std::string> $name($cpp_params) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c != '"') fields.back() += c;
            else if (i + 1 < line.size() && line[i + 1] == '"') fields.back() += line[++i];
            else quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == $cpp_delim) {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    if (quoted) throw std::invalid_argument("unterminated quoted field");
    return fields;
}
`,
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
  typescript: `/** Line by line: "[section]" headers switch the current section and "key = value" lines fill it. */
function $name(text: string): Map<string, Map<string, string>> {
  let section = new Map<string, string>();
  const result = new Map([['$root', section]]);
  for (const [index, raw] of text.split(/\\r?\\n/).entries()) {
    const line = raw.trim();
    if (!line || line[0] === ';' || line[0] === '#') continue;
    const eq = line.indexOf('=');
    if (line.startsWith('[') && line.endsWith(']')) {
      const name = line.slice(1, -1).trim();
      section = result.get(name) ?? new Map<string, string>();
      result.set(name, section);
    } else if (eq >= 0) {
      section.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    } else {
      throw new Error('line ' + (index + 1) + ': expected [section] or key = value, found ' + JSON.stringify(raw));
    }
  }
  return result;
}
`,
  rust: `use std::collections::HashMap;

/// Line by line: "[section]" headers switch the current section and "key = value" lines fill it.
pub fn $name(text: &str) -> Result<HashMap<String, HashMap<String, String>>, String> {
    let mut section = "$root".to_string();
    let mut result = HashMap::from([(section.clone(), HashMap::new())]);
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        if line.len() >= 2 && line.starts_with('[') && line.ends_with(']') {
            section = line[1..line.len() - 1].trim().to_string();
            result.entry(section.clone()).or_default();
        } else if let Some((key, value)) = line.split_once('=') {
            let entries = result.entry(section.clone()).or_default();
            entries.insert(key.trim().to_string(), value.trim().to_string());
        } else {
            return Err(format!("line {}: expected [section] or key = value, found {:?}", index + 1, raw));
        }
    }
    Ok(result)
}
`,
  cpp: `#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>

using IniSections = std::unordered_map<std::string, std::unordered_map<std::string, std::string>>;

// Trims spaces, tabs and carriage returns from both ends.
std::string trim(const std::string& s) {
    const std::size_t begin = s.find_first_not_of(" \\t\\r");
    return begin == std::string::npos ? "" : s.substr(begin, s.find_last_not_of(" \\t\\r") - begin + 1);
}

// Line by line: "[section]" headers switch the current section and "key = value" lines fill it.
IniSections $name(const std::string& text) {
    IniSections result{{"$root", {}}};
    std::string section = "$root", raw;
    std::istringstream lines(text);
    for (int number = 1; std::getline(lines, raw); ++number) {
        const std::string line = trim(raw);
        if (line.empty() || line[0] == ';' || line[0] == '#') continue;
        const std::size_t eq = line.find('=');
        if (line.size() >= 2 && line.front() == '[' && line.back() == ']') {
            section = trim(line.substr(1, line.size() - 2));
            result[section];
        } else if (eq != std::string::npos) {
            result[section][trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
        } else {
            throw std::invalid_argument("line " + std::to_string(number) + ": expected [section] or key = value, found '" + raw + "'");
        }
    }
    return result;
}
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
        typescript: `/** One anchored regex with an optional group per unit, in the order d, h, m, s. */
function $name(text: string): number {
  const match = /^(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?$/.exec(text.trim());
  if (!match || match.slice(1).every((g) => g === undefined)) {
    throw new Error('invalid duration ' + JSON.stringify(text) + '; expected e.g. 1h30m or 45s');
  }
  const [days, hours, minutes, seconds] = match.slice(1).map((g) => Number(g ?? 0));
  return ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
}
`,
        rust: `/// Read number-unit pairs; each unit must come after the previous one in the order d, h, m, s.
pub fn $name(text: &str) -> Result<u64, String> {
    let invalid = || format!("invalid duration {:?}; expected e.g. 1h30m or 45s", text);
    let units: [(char, u64); 4] = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];
    let (mut total, mut next, mut digits) = (0, 0, String::new());
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let k = next + units[next..].iter().position(|&(unit, _)| unit == c).ok_or_else(invalid)?;
        let count: u64 = digits.parse().map_err(|_| invalid())?;
        total += count * units[k].1;
        digits.clear();
        next = k + 1;
    }
    if next == 0 || !digits.is_empty() {
        return Err(invalid());
    }
    Ok(total)
}
`,
        cpp: `#include <regex>
#include <stdexcept>
#include <string>

// One anchored regex with an optional group per unit, in the order d, h, m, s.
long long $name(const std::string& text) {
    static const std::regex pattern("\\\\s*(?:(\\\\d+)d)?(?:(\\\\d+)h)?(?:(\\\\d+)m)?(?:(\\\\d+)s)?\\\\s*");
    static const long long sizes[] = {86400, 3600, 60, 1};
    std::smatch match;
    if (!std::regex_match(text, match, pattern) || match[0].str().find_first_of("dhms") == std::string::npos) {
        throw std::invalid_argument("invalid duration '" + text + "'; expected e.g. 1h30m or 45s");
    }
    long long total = 0;
    for (int k = 0; k < 4; ++k) {
        if (match[k + 1].matched) total += std::stoll(match[k + 1].str()) * sizes[k];
    }
    return total;
}
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
        typescript: `/** Peel off days, hours, minutes and seconds, skipping zero units. */
function $name(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) throw new RangeError('seconds must be a non-negative integer, got ' + seconds);
  let out = '';
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (seconds >= size) out += Math.floor(seconds / size) + unit;
    seconds %= size;
  }
  return out || '0s';
}
`,
        rust: `/// Peel off days, hours, minutes and seconds, skipping zero units.
pub fn $name(seconds: u64) -> String {
    let mut rest = seconds;
    let mut out = String::new();
    for (unit, size) in [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)] {
        if rest >= size {
            out.push_str(&format!("{}{}", rest / size, unit));
        }
        rest %= size;
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}
`,
        cpp: `#include <stdexcept>
#include <string>
#include <utility>

// Peel off days, hours, minutes and seconds, skipping zero units.
std::string $name(long long seconds) {
    if (seconds < 0) throw std::invalid_argument("seconds must be non-negative");
    static const std::pair<char, long long> units[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
    std::string out;
    for (const auto& [unit, size] : units) {
        if (seconds >= size) out += std::to_string(seconds / size) + unit;
        seconds %= size;
    }
    return out.empty() ? "0s" : out;
}
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
