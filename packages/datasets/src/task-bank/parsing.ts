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
      {
        ops: 'integers, +, -, * and /',
        python: `def $name(expression):
    \"\"\"Recursive descent: expr = term (+|- term)*, term = factor (*|/ factor)*, factor = integer | ( expr ).\"\"\"
    pos = 0

    def fail(what):
        raise SyntaxError(f"{what} at position {pos}")

    def peek():
        nonlocal pos
        while pos < len(expression) and expression[pos] == " ":
            pos += 1
        return expression[pos] if pos < len(expression) else ""

    def expr():
        nonlocal pos
        value = term()
        while (op := peek()) in ("+", "-"):
            pos += 1
            value = value + term() if op == "+" else value - term()
        return value

    def term():
        nonlocal pos
        value = factor()
        while (op := peek()) in ("*", "/"):
            pos += 1
            rhs = factor()
            if op == "*":
                value *= rhs
            elif rhs == 0:
                fail("division by zero")
            else:  # integer division truncating towards zero
                value = abs(value) // abs(rhs) * (1 if (value < 0) == (rhs < 0) else -1)
        return value

    def factor():
        nonlocal pos
        if peek() == "(":
            pos += 1
            value = expr()
            if peek() != ")":
                fail("expected ')'")
            pos += 1
            return value
        start = pos
        while pos < len(expression) and "0" <= expression[pos] <= "9":
            pos += 1
        if pos == start:
            fail("expected a number")
        return int(expression[start:pos])

    value = expr()
    if peek():
        fail("unexpected character")
    return value
`,
        typescript: `/** Recursive descent: expr = term (+|- term)*, term = factor (*|/ factor)*, factor = integer | ( expr ). */
function $name(expression: string): number {
  let pos = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(what + ' at position ' + pos);
  };
  const peek = (): string => {
    while (expression[pos] === ' ') pos++;
    return expression[pos] ?? '';
  };
  function expr(): number {
    let value = term();
    for (let op = peek(); op === '+' || op === '-'; op = peek()) {
      pos++;
      value = op === '+' ? value + term() : value - term();
    }
    return value;
  }
  function term(): number {
    let value = factor();
    for (let op = peek(); op === '*' || op === '/'; op = peek()) {
      pos++;
      const rhs = factor();
      if (op === '/' && rhs === 0) fail('division by zero');
      value = op === '*' ? value * rhs : Math.trunc(value / rhs);
    }
    return value;
  }
  function factor(): number {
    if (peek() === '(') {
      pos++;
      const value = expr();
      if (peek() !== ')') fail("expected ')'");
      pos++;
      return value;
    }
    const start = pos;
    while (expression[pos] >= '0' && expression[pos] <= '9') pos++;
    if (pos === start) fail('expected a number');
    return Number(expression.slice(start, pos));
  }
  const value = expr();
  if (peek() !== '') fail('unexpected character');
  return value;
}
`,
        rust: `/// Recursive descent: expr = term (+|- term)*, term = factor (*|/ factor)*, factor = integer | ( expr ).
pub fn $name(expression: &str) -> Result<i64, String> {
    let mut parser = Parser { src: expression.as_bytes(), pos: 0 };
    let value = parser.expr()?;
    match parser.peek() {
        None => Ok(value),
        Some(_) => Err(parser.error("unexpected character")),
    }
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&mut self) -> Option<u8> {
        while self.src.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        self.src.get(self.pos).copied()
    }

    fn error(&self, what: &str) -> String {
        format!("{} at position {}", what, self.pos)
    }

    fn expr(&mut self) -> Result<i64, String> {
        let mut value = self.term()?;
        while let Some(op @ (b'+' | b'-')) = self.peek() {
            self.pos += 1;
            let rhs = self.term()?;
            value = if op == b'+' { value + rhs } else { value - rhs };
        }
        Ok(value)
    }

    fn term(&mut self) -> Result<i64, String> {
        let mut value = self.factor()?;
        while let Some(op @ (b'*' | b'/')) = self.peek() {
            self.pos += 1;
            let rhs = self.factor()?;
            if op == b'/' && rhs == 0 {
                return Err(self.error("division by zero"));
            }
            value = if op == b'*' { value * rhs } else { value / rhs };
        }
        Ok(value)
    }

    fn factor(&mut self) -> Result<i64, String> {
        if self.peek() == Some(b'(') {
            self.pos += 1;
            let value = self.expr()?;
            if self.peek() != Some(b')') {
                return Err(self.error("expected ')'"));
            }
            self.pos += 1;
            return Ok(value);
        }
        let start = self.pos;
        while self.src.get(self.pos).map_or(false, u8::is_ascii_digit) {
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.error("expected a number"));
        }
        let digits = std::str::from_utf8(&self.src[start..self.pos]).expect("ASCII digits");
        digits.parse().map_err(|_| self.error("number too large"))
    }
}
`,
        cpp: `#include <cctype>
#include <stdexcept>
#include <string>

// Recursive descent: expr = term (+|- term)*, term = factor (*|/ factor)*, factor = integer | ( expr ).
class ExpressionParser {
public:
    explicit ExpressionParser(const std::string& text) : text_(text) {}

    long long parse() {
        const long long value = expr();
        if (peek() != '\\0') fail("unexpected character");
        return value;
    }

private:
    const std::string& text_;
    std::size_t pos_ = 0;

    char peek() {
        while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
        return pos_ < text_.size() ? text_[pos_] : '\\0';
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw std::invalid_argument(what + " at position " + std::to_string(pos_));
    }

    long long expr() {
        long long value = term();
        for (char op = peek(); op == '+' || op == '-'; op = peek()) {
            ++pos_;
            const long long rhs = term();
            value = op == '+' ? value + rhs : value - rhs;
        }
        return value;
    }

    long long term() {
        long long value = factor();
        for (char op = peek(); op == '*' || op == '/'; op = peek()) {
            ++pos_;
            const long long rhs = factor();
            if (op == '/' && rhs == 0) fail("division by zero");
            value = op == '*' ? value * rhs : value / rhs;
        }
        return value;
    }

    long long factor() {
        if (peek() == '(') {
            ++pos_;
            const long long value = expr();
            if (peek() != ')') fail("expected ')'");
            ++pos_;
            return value;
        }
        const std::size_t start = pos_;
        while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
        if (pos_ == start) fail("expected a number");
        return std::stoll(text_.substr(start, pos_ - start));
    }
};

// Evaluates an integer expression; throws std::invalid_argument with the position of a syntax error.
long long $name(const std::string& expression) {
    return ExpressionParser(expression).parse();
}
`,
      },
      {
        ops: 'decimal numbers, +, -, *, /, unary minus and right-associative ^ (power)',
        python: `import math


def $name(expression):
    \"\"\"Recursive descent: expr = term (+|- term)*, term = unary (*|/ unary)*, unary = - unary | primary (^ unary)?.\"\"\"
    pos = 0

    def fail(what):
        raise SyntaxError(f"{what} at position {pos}")

    def peek():
        nonlocal pos
        while pos < len(expression) and expression[pos] == " ":
            pos += 1
        return expression[pos] if pos < len(expression) else ""

    def expr():
        nonlocal pos
        value = term()
        while (op := peek()) in ("+", "-"):
            pos += 1
            value = value + term() if op == "+" else value - term()
        return value

    def term():
        nonlocal pos
        value = unary()
        while (op := peek()) in ("*", "/"):
            pos += 1
            rhs = unary()
            if op == "/" and rhs == 0:
                fail("division by zero")
            value = value * rhs if op == "*" else value / rhs
        return value

    def unary():
        nonlocal pos
        if peek() == "-":
            pos += 1
            return -unary()
        base = primary()
        if peek() == "^":
            pos += 1
            return math.pow(base, unary())  # right-associative: the exponent is parsed recursively
        return base

    def primary():
        nonlocal pos
        if peek() == "(":
            pos += 1
            value = expr()
            if peek() != ")":
                fail("expected ')'")
            pos += 1
            return value
        start = pos
        while pos < len(expression) and expression[pos] in "0123456789.":
            pos += 1
        text = expression[start:pos]
        if not text or text == "." or text.count(".") > 1:
            pos = start
            fail("expected a number")
        return float(text)

    value = expr()
    if peek():
        fail("unexpected character")
    return value
`,
        typescript: `/** Recursive descent: expr = term (+|- term)*, term = unary (*|/ unary)*, unary = - unary | primary (^ unary)?. */
function $name(expression: string): number {
  let pos = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(what + ' at position ' + pos);
  };
  const peek = (): string => {
    while (expression[pos] === ' ') pos++;
    return expression[pos] ?? '';
  };
  function expr(): number {
    let value = term();
    for (let op = peek(); op === '+' || op === '-'; op = peek()) {
      pos++;
      value = op === '+' ? value + term() : value - term();
    }
    return value;
  }
  function term(): number {
    let value = unary();
    for (let op = peek(); op === '*' || op === '/'; op = peek()) {
      pos++;
      const rhs = unary();
      if (op === '/' && rhs === 0) fail('division by zero');
      value = op === '*' ? value * rhs : value / rhs;
    }
    return value;
  }
  function unary(): number {
    if (peek() === '-') {
      pos++;
      return -unary();
    }
    const base = primary();
    if (peek() !== '^') return base;
    pos++;
    return base ** unary(); // right-associative: the exponent is parsed recursively
  }
  function primary(): number {
    if (peek() === '(') {
      pos++;
      const value = expr();
      if (peek() !== ')') fail("expected ')'");
      pos++;
      return value;
    }
    const start = pos;
    while (pos < expression.length && '0123456789.'.includes(expression[pos])) pos++;
    const text = expression.slice(start, pos);
    if (!/^(\\d+\\.?\\d*|\\.\\d+)$/.test(text)) {
      pos = start;
      fail('expected a number');
    }
    return Number(text);
  }
  const value = expr();
  if (peek() !== '') fail('unexpected character');
  return value;
}
`,
        rust: `/// Recursive descent: expr = term (+|- term)*, term = unary (*|/ unary)*, unary = - unary | primary (^ unary)?.
pub fn $name(expression: &str) -> Result<f64, String> {
    let mut parser = Parser { src: expression.as_bytes(), pos: 0 };
    let value = parser.expr()?;
    match parser.peek() {
        None => Ok(value),
        Some(_) => Err(parser.error("unexpected character")),
    }
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&mut self) -> Option<u8> {
        while self.src.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        self.src.get(self.pos).copied()
    }

    fn error(&self, what: &str) -> String {
        format!("{} at position {}", what, self.pos)
    }

    fn expr(&mut self) -> Result<f64, String> {
        let mut value = self.term()?;
        while let Some(op @ (b'+' | b'-')) = self.peek() {
            self.pos += 1;
            let rhs = self.term()?;
            value = if op == b'+' { value + rhs } else { value - rhs };
        }
        Ok(value)
    }

    fn term(&mut self) -> Result<f64, String> {
        let mut value = self.unary()?;
        while let Some(op @ (b'*' | b'/')) = self.peek() {
            self.pos += 1;
            let rhs = self.unary()?;
            if op == b'/' && rhs == 0.0 {
                return Err(self.error("division by zero"));
            }
            value = if op == b'*' { value * rhs } else { value / rhs };
        }
        Ok(value)
    }

    fn unary(&mut self) -> Result<f64, String> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
            return Ok(-self.unary()?);
        }
        let base = self.primary()?;
        if self.peek() != Some(b'^') {
            return Ok(base);
        }
        self.pos += 1;
        Ok(base.powf(self.unary()?)) // right-associative: the exponent is parsed recursively
    }

    fn primary(&mut self) -> Result<f64, String> {
        if self.peek() == Some(b'(') {
            self.pos += 1;
            let value = self.expr()?;
            if self.peek() != Some(b')') {
                return Err(self.error("expected ')'"));
            }
            self.pos += 1;
            return Ok(value);
        }
        let start = self.pos;
        while self.src.get(self.pos).map_or(false, |b| b.is_ascii_digit() || *b == b'.') {
            self.pos += 1;
        }
        let text = std::str::from_utf8(&self.src[start..self.pos]).expect("ASCII digits");
        text.parse().map_err(|_| {
            self.pos = start;
            self.error("expected a number")
        })
    }
}
`,
        cpp: `#include <cctype>
#include <cmath>
#include <stdexcept>
#include <string>

// Recursive descent: expr = term (+|- term)*, term = unary (*|/ unary)*, unary = - unary | primary (^ unary)?.
class ExpressionParser {
public:
    explicit ExpressionParser(const std::string& text) : text_(text) {}

    double parse() {
        const double value = expr();
        if (peek() != '\\0') fail("unexpected character");
        return value;
    }

private:
    const std::string& text_;
    std::size_t pos_ = 0;

    char peek() {
        while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
        return pos_ < text_.size() ? text_[pos_] : '\\0';
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw std::invalid_argument(what + " at position " + std::to_string(pos_));
    }

    double expr() {
        double value = term();
        for (char op = peek(); op == '+' || op == '-'; op = peek()) {
            ++pos_;
            const double rhs = term();
            value = op == '+' ? value + rhs : value - rhs;
        }
        return value;
    }

    double term() {
        double value = unary();
        for (char op = peek(); op == '*' || op == '/'; op = peek()) {
            ++pos_;
            const double rhs = unary();
            if (op == '/' && rhs == 0) fail("division by zero");
            value = op == '*' ? value * rhs : value / rhs;
        }
        return value;
    }

    double unary() {
        if (peek() == '-') {
            ++pos_;
            return -unary();
        }
        const double base = primary();
        if (peek() != '^') return base;
        ++pos_;
        return std::pow(base, unary());  // right-associative: the exponent is parsed recursively
    }

    double primary() {
        if (peek() == '(') {
            ++pos_;
            const double value = expr();
            if (peek() != ')') fail("expected ')'");
            ++pos_;
            return value;
        }
        const std::size_t start = pos_;
        int digits = 0, dots = 0;
        for (; pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.'); ++pos_) {
            (text_[pos_] == '.' ? dots : digits) += 1;
        }
        if (digits == 0 || dots > 1) {
            pos_ = start;
            fail("expected a number");
        }
        return std::stod(text_.substr(start, pos_ - start));
    }
};

// Evaluates a decimal expression; throws std::invalid_argument with the position of a syntax error.
double $name(const std::string& expression) {
    return ExpressionParser(expression).parse();
}
`,
      },
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
        typescript: `/** Compare the numeric components left to right, treating missing ones as 0. */
function $name(a: string, b: string): number {
  const parse = (version: string): number[] =>
    version.split('.').map((part) => {
      if (!/^\\d+$/.test(part)) throw new Error('invalid version component ' + JSON.stringify(part) + ' in ' + JSON.stringify(version));
      return Number(part);
    });
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
`,
        rust: `/// Compare the numeric components left to right, treating missing ones as 0.
pub fn $name(a: &str, b: &str) -> Result<i32, String> {
    let parse = |version: &str| -> Result<Vec<u64>, String> {
        version
            .split('.')
            .map(|part| part.parse().map_err(|_| format!("invalid version component {:?} in {:?}", part, version)))
            .collect()
    };
    let (x, y) = (parse(a)?, parse(b)?);
    for i in 0..x.len().max(y.len()) {
        let (p, q) = (x.get(i).copied().unwrap_or(0), y.get(i).copied().unwrap_or(0));
        if p != q {
            return Ok(if p < q { -1 } else { 1 });
        }
    }
    Ok(0)
}
`,
        cpp: `#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

// Compare the numeric components left to right, treating missing ones as 0 (std::stoull throws on a bad one).
int $name(const std::string& a, const std::string& b) {
    auto parse = [](const std::string& version) {
        std::vector<unsigned long long> parts;
        std::istringstream in(version);
        for (std::string part; std::getline(in, part, '.');) parts.push_back(std::stoull(part));
        return parts;
    };
    const auto x = parse(a), y = parse(b);
    for (std::size_t i = 0; i < std::max(x.size(), y.size()); ++i) {
        const unsigned long long p = i < x.size() ? x[i] : 0, q = i < y.size() ? y[i] : 0;
        if (p != q) return p < q ? -1 : 1;
    }
    return 0;
}
`,
      },
      {
        kind: 'semantic (MAJOR.MINOR.PATCH with an optional -prerelease)',
        rule: 'a pre-release sorts before its release and pre-release identifiers compare as in the SemVer 2.0 specification.',
        python: `def $name(a, b):
    \"\"\"Compare the numeric core, then the pre-release identifiers as SemVer 2.0 orders them.\"\"\"

    def parse(version):
        core, _, pre = version.split("+", 1)[0].partition("-")
        parts = core.split(".")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            raise ValueError(f"invalid semantic version {version!r}")
        # Numeric identifiers sort before alphanumeric ones, and numerically among themselves.
        keys = [(0, int(i), "") if i.isdigit() else (1, 0, i) for i in pre.split(".")] if pre else []
        return [int(p) for p in parts], keys

    (core_a, pre_a), (core_b, pre_b) = parse(a), parse(b)
    if core_a != core_b:
        return -1 if core_a < core_b else 1
    if not pre_a or not pre_b:
        return (not pre_a) - (not pre_b)
    return (pre_a > pre_b) - (pre_a < pre_b)
`,
        typescript: `/** Compare the numeric core, then the pre-release identifiers as SemVer 2.0 orders them. */
function $name(a: string, b: string): number {
  const numeric = (s: string): boolean => /^\\d+$/.test(s);
  const parse = (version: string): [number[], string[]] => {
    const plain = version.split('+')[0];
    const dash = plain.indexOf('-');
    const core = (dash < 0 ? plain : plain.slice(0, dash)).split('.');
    if (core.length !== 3 || !core.every(numeric)) throw new Error('invalid semantic version ' + JSON.stringify(version));
    return [core.map(Number), dash < 0 ? [] : plain.slice(dash + 1).split('.')];
  };
  const [[coreA, preA], [coreB, preB]] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if (coreA[i] !== coreB[i]) return coreA[i] < coreB[i] ? -1 : 1;
  if (preA.length === 0 || preB.length === 0) return Number(preA.length === 0) - Number(preB.length === 0);
  for (let i = 0; i < Math.min(preA.length, preB.length); i++) {
    const [x, y] = [preA[i], preB[i]];
    if (numeric(x) && numeric(y)) {
      if (Number(x) !== Number(y)) return Number(x) < Number(y) ? -1 : 1;
    } else if (numeric(x) !== numeric(y)) {
      return numeric(x) ? -1 : 1; // numeric identifiers sort first
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return Math.sign(preA.length - preB.length);
}
`,
        rust: `use std::cmp::Ordering;

/// The value of an all-digit identifier, or None.
fn numeric(s: &str) -> Option<u64> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { s.parse().ok() } else { None }
}

/// Sort key of a pre-release identifier: numeric ones first, numerically; then the others in ASCII order.
fn key(id: &str) -> (u8, u64, &str) {
    numeric(id).map_or((1, 0, id), |n| (0, n, ""))
}

/// Compare the numeric core, then the pre-release identifiers as SemVer 2.0 orders them.
pub fn $name(a: &str, b: &str) -> Result<i32, String> {
    let parse = |version: &str| -> Result<(Vec<u64>, Vec<String>), String> {
        let plain = version.split('+').next().unwrap_or("");
        let (core, pre) = plain.split_once('-').unwrap_or((plain, ""));
        let core: Option<Vec<u64>> = core.split('.').map(numeric).collect();
        match core {
            Some(core) if core.len() == 3 => {
                Ok((core, if pre.is_empty() { Vec::new() } else { pre.split('.').map(String::from).collect() }))
            }
            _ => Err(format!("invalid semantic version {:?}", version)),
        }
    };
    let ((core_a, pre_a), (core_b, pre_b)) = (parse(a)?, parse(b)?);
    let order = core_a.cmp(&core_b).then_with(|| match (pre_a.is_empty(), pre_b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => pre_a.iter().map(|s| key(s)).cmp(pre_b.iter().map(|s| key(s))),
    });
    Ok(order as i32)
}
`,
        cpp: `#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

// Splits s at every sep.
std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t end; (end = s.find(sep, start)) != std::string::npos; start = end + 1) parts.push_back(s.substr(start, end - start));
    parts.push_back(s.substr(start));
    return parts;
}

bool numeric(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// Compare the numeric core, then the pre-release identifiers as SemVer 2.0 orders them.
int $name(const std::string& a, const std::string& b) {
    auto parse = [](const std::string& version, std::vector<unsigned long long>& core, std::vector<std::string>& pre) {
        const std::string plain = version.substr(0, version.find('+'));
        const std::size_t dash = plain.find('-');
        for (const auto& part : split(plain.substr(0, dash), '.')) {
            if (!numeric(part)) throw std::invalid_argument("invalid semantic version '" + version + "'");
            core.push_back(std::stoull(part));
        }
        if (core.size() != 3) throw std::invalid_argument("invalid semantic version '" + version + "'");
        if (dash != std::string::npos) pre = split(plain.substr(dash + 1), '.');
    };
    std::vector<unsigned long long> core_a, core_b;
    std::vector<std::string> pre_a, pre_b;
    parse(a, core_a, pre_a);
    parse(b, core_b, pre_b);
    if (core_a != core_b) return core_a < core_b ? -1 : 1;
    if (pre_a.empty() || pre_b.empty()) return static_cast<int>(pre_a.empty()) - static_cast<int>(pre_b.empty());
    for (std::size_t i = 0; i < std::min(pre_a.size(), pre_b.size()); ++i) {
        const std::string &x = pre_a[i], &y = pre_b[i];
        if (numeric(x) && numeric(y)) {
            if (std::stoull(x) != std::stoull(y)) return std::stoull(x) < std::stoull(y) ? -1 : 1;
        } else if (numeric(x) != numeric(y)) {
            return numeric(x) ? -1 : 1;  // numeric identifiers sort first
        } else if (x != y) {
            return x < y ? -1 : 1;
        }
    }
    return pre_a.size() == pre_b.size() ? 0 : (pre_a.size() < pre_b.size() ? -1 : 1);
}
`,
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
        typescript: `/** Match a sticky regex with one group per kind at each non-space position; the group that matched gives the kind. */
function $name(source: string): [string, string][] {
  const token = /(\\d+(?:\\.\\d+)?)|([A-Za-z_]\\w*)|(==|!=|<=|>=|[-+*/=<>])|([()])/y;
  const kinds = ['number', 'identifier', 'operator', 'paren'];
  const tokens: [string, string][] = [];
  for (let pos = 0; pos < source.length; ) {
    if (/\\s/.test(source[pos])) {
      pos++;
      continue;
    }
    token.lastIndex = pos;
    const match = token.exec(source);
    if (!match) throw new SyntaxError('unexpected character ' + JSON.stringify(source[pos]) + ' at position ' + pos);
    tokens.push([kinds[match.findIndex((group, i) => i > 0 && group !== undefined) - 1], match[0]]);
    pos = token.lastIndex;
  }
  return tokens;
}
`,
        rust: `/// Scan left to right: the first character picks the kind, and the longest token of that kind is taken.
pub fn $name(source: &str) -> Result<Vec<(&'static str, String)>, String> {
    let chars: Vec<char> = source.chars().collect();
    let digit = |i: usize| chars.get(i).map_or(false, |c| c.is_ascii_digit());
    let word = |i: usize| chars.get(i).map_or(false, |&c| c.is_ascii_alphanumeric() || c == '_');
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (c, start) = (chars[i], i);
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let kind = if digit(i) {
            while digit(i) {
                i += 1;
            }
            if chars.get(i) == Some(&'.') && digit(i + 1) {
                i += 1;
                while digit(i) {
                    i += 1;
                }
            }
            "number"
        } else if word(i) {
            while word(i) {
                i += 1;
            }
            "identifier"
        } else if "=!<>".contains(c) && chars.get(i + 1) == Some(&'=') {
            i += 2;
            "operator"
        } else if "+-*/=<>".contains(c) {
            i += 1;
            "operator"
        } else if c == '(' || c == ')' {
            i += 1;
            "paren"
        } else {
            return Err(format!("unexpected character {:?} at position {}", c, i));
        };
        tokens.push((kind, chars[start..i].iter().collect()));
    }
    Ok(tokens)
}
`,
        cpp: `#include <cctype>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

// Scan left to right: the first character picks the kind, and the longest token of that kind is taken.
std::vector<std::pair<std::string, std::string>> $name(const std::string& source) {
    auto at = [&](std::size_t i) { return i < source.size() ? static_cast<unsigned char>(source[i]) : 0; };
    auto digit = [&](std::size_t i) { return std::isdigit(at(i)) != 0; };
    auto word = [&](std::size_t i) { return std::isalnum(at(i)) || at(i) == '_'; };
    std::vector<std::pair<std::string, std::string>> tokens;
    for (std::size_t i = 0; i < source.size();) {
        const std::size_t start = i;
        const char c = source[i];
        std::string kind;
        if (std::isspace(at(i))) {
            ++i;
            continue;
        } else if (digit(i)) {
            while (digit(i)) ++i;
            if (at(i) == '.' && digit(i + 1)) for (++i; digit(i); ++i) {}
            kind = "number";
        } else if (word(i)) {
            while (word(i)) ++i;
            kind = "identifier";
        } else if (std::string("=!<>").find(c) != std::string::npos && at(i + 1) == '=') {
            i += 2;
            kind = "operator";
        } else if (std::string("+-*/=<>").find(c) != std::string::npos) {
            ++i;
            kind = "operator";
        } else if (c == '(' || c == ')') {
            ++i;
            kind = "paren";
        } else {
            throw std::invalid_argument(std::string("unexpected character '") + c + "' at position " + std::to_string(i));
        }
        tokens.emplace_back(kind, source.substr(start, i - start));
    }
    return tokens;
}
`,
      },
      {
        kinds: 'string (double-quoted, with backslash escapes), number, keyword (true, false, null) and punctuation ({ } [ ] : ,), as for JSON',
        python: `import re

_TOKEN = re.compile(r'("(?:[^"\\\\]|\\\\.)*")|(-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)|(true|false|null)\\b|([{}\\[\\]:,])')


def $name(source):
    \"\"\"Skip whitespace, then match the token regex; the group that matched gives the kind.\"\"\"
    tokens, pos = [], 0
    while pos < len(source):
        if source[pos].isspace():
            pos += 1
            continue
        match = _TOKEN.match(source, pos)
        if not match:
            raise SyntaxError(f"unexpected character {source[pos]!r} at position {pos}")
        kind = ("string", "number", "keyword", "punctuation")[match.lastindex - 1]
        tokens.append((kind, match.group()))
        pos = match.end()
    return tokens
`,
        typescript: `/** Match a sticky regex with one group per kind at each non-space position; the group that matched gives the kind. */
function $name(source: string): [string, string][] {
  const token = /("(?:[^"\\\\]|\\\\.)*")|(-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)|(true|false|null)\\b|([{}[\\]:,])/y;
  const kinds = ['string', 'number', 'keyword', 'punctuation'];
  const tokens: [string, string][] = [];
  for (let pos = 0; pos < source.length; ) {
    if (/\\s/.test(source[pos])) {
      pos++;
      continue;
    }
    token.lastIndex = pos;
    const match = token.exec(source);
    if (!match) throw new SyntaxError('unexpected character ' + JSON.stringify(source[pos]) + ' at position ' + pos);
    tokens.push([kinds[match.findIndex((group, i) => i > 0 && group !== undefined) - 1], match[0]]);
    pos = token.lastIndex;
  }
  return tokens;
}
`,
        rust: `/// Advances i over ASCII digits and returns how many there were.
fn digits(chars: &[char], i: &mut usize) -> usize {
    let start = *i;
    while chars.get(*i).map_or(false, |c| c.is_ascii_digit()) {
        *i += 1;
    }
    *i - start
}

/// Scan left to right: the first character picks the kind; strings honour backslash escapes, numbers follow JSON.
pub fn $name(source: &str) -> Result<Vec<(&'static str, String)>, String> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (c, start) = (chars[i], i);
        let bad = |what: &str| format!("{} at position {}", what, start);
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let kind = if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\\\' { 2 } else { 1 };
            }
            if i >= chars.len() {
                return Err(bad("unterminated string"));
            }
            i += 1;
            "string"
        } else if c == '-' || c.is_ascii_digit() {
            i += usize::from(c == '-');
            if chars.get(i) == Some(&'0') {
                i += 1;
            } else if digits(&chars, &mut i) == 0 {
                return Err(bad("invalid number"));
            }
            if chars.get(i) == Some(&'.') {
                i += 1;
                if digits(&chars, &mut i) == 0 {
                    return Err(bad("invalid number"));
                }
            }
            if matches!(chars.get(i), Some('e' | 'E')) {
                i += 1;
                i += usize::from(matches!(chars.get(i), Some('+' | '-')));
                if digits(&chars, &mut i) == 0 {
                    return Err(bad("invalid number"));
                }
            }
            "number"
        } else if c.is_ascii_alphabetic() {
            while chars.get(i).map_or(false, |c| c.is_ascii_alphanumeric()) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if !matches!(word.as_str(), "true" | "false" | "null") {
                return Err(bad(&format!("unexpected word {:?}", word)));
            }
            "keyword"
        } else if "{}[]:,".contains(c) {
            i += 1;
            "punctuation"
        } else {
            return Err(bad(&format!("unexpected character {:?}", c)));
        };
        tokens.push((kind, chars[start..i].iter().collect()));
    }
    Ok(tokens)
}
`,
        cpp: `#include <cctype>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

// Scan left to right: the first character picks the kind; strings honour backslash escapes, numbers follow JSON.
std::vector<std::pair<std::string, std::string>> $name(const std::string& source) {
    auto at = [&](std::size_t i) { return i < source.size() ? source[i] : '\\0'; };
    auto digits = [&](std::size_t& i) {
        const std::size_t from = i;
        while (std::isdigit(static_cast<unsigned char>(at(i)))) ++i;
        return i - from;
    };
    std::vector<std::pair<std::string, std::string>> tokens;
    for (std::size_t i = 0; i < source.size();) {
        const std::size_t start = i;
        const char c = source[i];
        auto fail = [&](const std::string& what) { throw std::invalid_argument(what + " at position " + std::to_string(start)); };
        std::string kind;
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
            continue;
        } else if (c == '"') {
            for (++i; i < source.size() && source[i] != '"'; ++i) i += source[i] == '\\\\';
            if (i >= source.size()) fail("unterminated string");
            ++i;
            kind = "string";
        } else if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
            i += c == '-';
            if (at(i) == '0') ++i;
            else if (digits(i) == 0) fail("invalid number");
            if (at(i) == '.' && (++i, digits(i) == 0)) fail("invalid number");
            if (at(i) == 'e' || at(i) == 'E') {
                ++i;
                i += at(i) == '+' || at(i) == '-';
                if (digits(i) == 0) fail("invalid number");
            }
            kind = "number";
        } else if (std::isalpha(static_cast<unsigned char>(c))) {
            while (std::isalnum(static_cast<unsigned char>(at(i)))) ++i;
            kind = "keyword";
            const std::string word = source.substr(start, i - start);
            if (word != "true" && word != "false" && word != "null") fail("unexpected word '" + word + "'");
        } else if (std::string("{}[]:,").find(c) != std::string::npos) {
            ++i;
            kind = "punctuation";
        } else {
            fail(std::string("unexpected character '") + c + "'");
        }
        tokens.emplace_back(kind, source.substr(start, i - start));
    }
    return tokens;
}
`,
      },
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
      {
        val: 'its value, joining repeated headers with ", "',
        join: 'existing + ", " + value',
        python: `def $name(raw):
    \"\"\"Split on CRLF and at the first colon; the values of a repeated header are joined with a comma.\"\"\"
    headers = {}
    for number, line in enumerate(raw.split("\\r\\n"), 1):
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"line {number}: header without a colon: {line!r}")
        name, value = name.strip().lower(), value.strip()
        existing = headers.get(name)
        headers[name] = value if existing is None else $join
    return headers
`,
        typescript: `/** Split on CRLF and at the first colon; the values of a repeated header are joined with ", ". */
function $name(raw: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const [index, line] of raw.split('\\r\\n').entries()) {
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error('line ' + (index + 1) + ': header without a colon: ' + JSON.stringify(line));
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const existing = headers.get(name);
    headers.set(name, existing === undefined ? value : existing + ', ' + value);
  }
  return headers;
}
`,
        rust: `use std::collections::HashMap;

/// Split on CRLF and at the first colon; the values of a repeated header are joined with ", ".
pub fn $name(raw: &str) -> Result<HashMap<String, String>, String> {
    let mut headers: HashMap<String, String> = HashMap::new();
    for (index, line) in raw.split("\\r\\n").enumerate().filter(|(_, line)| !line.is_empty()) {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("line {}: header without a colon: {:?}", index + 1, line))?;
        let value = value.trim();
        headers
            .entry(name.trim().to_ascii_lowercase())
            .and_modify(|joined| {
                joined.push_str(", ");
                joined.push_str(value);
            })
            .or_insert_with(|| value.to_string());
    }
    Ok(headers)
}
`,
        cpp: `#include <cctype>
#include <stdexcept>
#include <string>
#include <unordered_map>

// Trims spaces and tabs from both ends.
std::string trim(const std::string& s) {
    const std::size_t begin = s.find_first_not_of(" \\t");
    return begin == std::string::npos ? "" : s.substr(begin, s.find_last_not_of(" \\t") - begin + 1);
}

// Split on CRLF and at the first colon; the values of a repeated header are joined with ", ".
std::unordered_map<std::string, std::string> $name(const std::string& raw) {
    std::unordered_map<std::string, std::string> headers;
    std::size_t start = 0;
    for (int number = 1; start < raw.size(); ++number) {
        std::size_t end = raw.find("\\r\\n", start);
        if (end == std::string::npos) end = raw.size();
        const std::string line = raw.substr(start, end - start);
        start = end + 2;
        if (line.empty()) continue;
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos) throw std::invalid_argument("line " + std::to_string(number) + ": header without a colon: " + line);
        std::string name = trim(line.substr(0, colon));
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const std::string value = trim(line.substr(colon + 1));
        auto [it, added] = headers.emplace(name, value);
        if (!added) it->second += ", " + value;
    }
    return headers;
}
`,
      },
      {
        val: 'the {list} of its values in order',
        join: 'None',
        python: `def $name(raw):
    \"\"\"Split on CRLF and at the first colon; the values of a repeated header are collected in order.\"\"\"
    headers = {}
    for number, line in enumerate(raw.split("\\r\\n"), 1):
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"line {number}: header without a colon: {line!r}")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return headers
`,
        typescript: `/** Split on CRLF and at the first colon; the values of a repeated header are collected in order. */
function $name(raw: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (const [index, line] of raw.split('\\r\\n').entries()) {
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error('line ' + (index + 1) + ': header without a colon: ' + JSON.stringify(line));
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return headers;
}
`,
        rust: `use std::collections::HashMap;

/// Split on CRLF and at the first colon; the values of a repeated header are collected in order.
pub fn $name(raw: &str) -> Result<HashMap<String, Vec<String>>, String> {
    let mut headers: HashMap<String, Vec<String>> = HashMap::new();
    for (index, line) in raw.split("\\r\\n").enumerate().filter(|(_, line)| !line.is_empty()) {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("line {}: header without a colon: {:?}", index + 1, line))?;
        headers.entry(name.trim().to_ascii_lowercase()).or_default().push(value.trim().to_string());
    }
    Ok(headers)
}
`,
        cpp: `#include <cctype>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

// Trims spaces and tabs from both ends.
std::string trim(const std::string& s) {
    const std::size_t begin = s.find_first_not_of(" \\t");
    return begin == std::string::npos ? "" : s.substr(begin, s.find_last_not_of(" \\t") - begin + 1);
}

// Split on CRLF and at the first colon; the values of a repeated header are collected in order.
std::unordered_map<std::string, std::vector<std::string>> $name(const std::string& raw) {
    std::unordered_map<std::string, std::vector<std::string>> headers;
    std::size_t start = 0;
    for (int number = 1; start < raw.size(); ++number) {
        std::size_t end = raw.find("\\r\\n", start);
        if (end == std::string::npos) end = raw.size();
        const std::string line = raw.substr(start, end - start);
        start = end + 2;
        if (line.empty()) continue;
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos) throw std::invalid_argument("line " + std::to_string(number) + ": header without a colon: " + line);
        std::string name = trim(line.substr(0, colon));
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        headers[name].push_back(trim(line.substr(colon + 1)));
    }
    return headers;
}
`,
      },
    ],
  },
];
