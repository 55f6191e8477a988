/** Task templates: file processing. */
import type { TaskTemplate } from './types';

export const FILE_TASKS: readonly TaskTemplate[] = [
  {
    id: 'count_lines',
    category: 'files',
    difficulty: 'easy',
    tags: ['io', 'streaming'],
    kind: 'function',
    name: 'count {what} lines',
    params: ['path', '{extra}'],
    task: 'returns the number of {desc} in the text file at [[path]], reading it line by line so that files larger than memory work.',
    variants: [
      {
        what: 'non empty',
        extra: '',
        desc: 'lines that contain at least one non-whitespace character',
        python: `def $name(path):
    """Stream the file; count lines with visible content."""
    with open(path, encoding="utf-8") as handle:
        return sum(1 for line in handle if line.strip())
`,
        typescript: `import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Streams the file with readline and counts the lines with visible content. */
async function $name(path: string): Promise<number> {
  let count = 0;
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    if (line.trim() !== '') count++;
  }
  return count;
}
`,
        rust: `use std::fs::File;
use std::io::{self, BufRead, BufReader};

/// Streams the file with a BufReader and counts the lines that are not blank.
pub fn $name(path: &str) -> io::Result<usize> {
    let mut count = 0;
    for line in BufReader::new(File::open(path)?).lines() {
        if !line?.trim().is_empty() {
            count += 1;
        }
    }
    Ok(count)
}
`,
        cpp: `#include <fstream>
#include <stdexcept>
#include <string>

// Streams the file with std::getline and counts the lines holding a non-whitespace character.
std::size_t $name(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::size_t count = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.find_first_not_of(" \\t\\r\\f\\v") != std::string::npos) ++count;
    }
    return count;
}
`,
      },
      {
        what: 'matching',
        extra: 'pattern',
        desc: 'lines that match the regular expression [[pattern]]',
        python: `import re


def $name(path, pattern):
    """Compile once, search each streamed line."""
    regex = re.compile(pattern)
    with open(path, encoding="utf-8") as handle:
        return sum(1 for line in handle if regex.search(line))
`,
        typescript: `import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Compiles the pattern once and tests each line streamed by readline. */
async function $name(path: string, pattern: string): Promise<number> {
  const regex = new RegExp(pattern);
  let count = 0;
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    if (regex.test(line)) count++;
  }
  return count;
}
`,
        rust: `use std::fs::File;
use std::io::{self, BufRead, BufReader};

/// Backtracking match of \`re\` at the start of \`text\` (literals, \`.\`, \`*\` and a final \`$\`).
fn match_here(re: &[char], text: &[char]) -> bool {
    match re {
        [] => true,
        ['$'] => text.is_empty(),
        [c, '*', rest @ ..] => {
            let mut i = 0;
            loop {
                if match_here(rest, &text[i..]) {
                    return true;
                }
                if i < text.len() && (*c == '.' || text[i] == *c) { i += 1 } else { return false }
            }
        }
        [c, rest @ ..] => !text.is_empty() && (*c == '.' || *c == text[0]) && match_here(rest, &text[1..]),
    }
}

/// Streams the file and counts matching lines; std has no regex, so a small matcher handles \`^\`, \`$\`, \`.\` and \`*\`.
pub fn $name(path: &str, pattern: &str) -> io::Result<usize> {
    let re: Vec<char> = pattern.chars().collect();
    let mut count = 0;
    for line in BufReader::new(File::open(path)?).lines() {
        let text: Vec<char> = line?.chars().collect();
        let found = match re.split_first() {
            Some(('^', rest)) => match_here(rest, &text),
            _ => (0..=text.len()).any(|i| match_here(&re, &text[i..])),
        };
        count += usize::from(found);
    }
    Ok(count)
}
`,
        cpp: `#include <fstream>
#include <regex>
#include <stdexcept>
#include <string>

// Compiles the pattern once and searches each line read with std::getline.
std::size_t $name(const std::string& path, const std::string& pattern) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    const std::regex regex(pattern);
    std::size_t count = 0;
    for (std::string line; std::getline(in, line);) {
        if (std::regex_search(line, regex)) ++count;
    }
    return count;
}
`,
      },
    ],
  },
  {
    id: 'tail_lines',
    category: 'files',
    difficulty: 'medium',
    tags: ['io', 'buffers'],
    kind: 'function',
    name: 'tail lines',
    params: ['path', 'count'],
    task: 'returns the last [[count]] lines of the text file at [[path]] without their line endings, {how}.',
    variants: [
      {
        how: 'keeping at most [[count]] lines in memory while reading forwards',
        python: `from collections import deque


def $name(path, count):
    """A bounded deque keeps only the last lines read."""
    with open(path, encoding="utf-8") as handle:
        return [line.rstrip("\\r\\n") for line in deque(handle, maxlen=count)]
`,
        typescript: `import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Streams the lines forwards, keeping only the last count of them in a sliding window. */
async function $name(path: string, count: number): Promise<string[]> {
  const last: string[] = [];
  if (count <= 0) return last;
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    last.push(line);
    if (last.length > count) last.shift();
  }
  return last;
}
`,
        rust: `use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader};

/// Reads forwards, keeping only the last \`count\` lines in a bounded VecDeque.
pub fn $name(path: &str, count: usize) -> io::Result<Vec<String>> {
    let mut last = VecDeque::with_capacity(count);
    if count == 0 {
        return Ok(Vec::new());
    }
    for line in BufReader::new(File::open(path)?).lines() {
        if last.len() == count {
            last.pop_front();
        }
        last.push_back(line?);
    }
    Ok(last.into())
}
`,
        cpp: `#include <deque>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

// Reads forwards, keeping only the last count lines in a deque.
std::vector<std::string> $name(const std::string& path, std::size_t count) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::deque<std::string> last;
    for (std::string line; count > 0 && std::getline(in, line);) {
        if (!line.empty() && line.back() == '\\r') line.pop_back();
        if (last.size() == count) last.pop_front();
        last.push_back(std::move(line));
    }
    return {last.begin(), last.end()};
}
`,
      },
      {
        how: 'reading fixed-size blocks backwards from the end of the file so that huge logs are fast',
        python: `import os


def $name(path, count, block_size=4096):
    """Read blocks from the end until enough newlines were seen."""
    if count <= 0:
        return []
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        position = handle.tell()
        data = b""
        while position > 0 and data.count(b"\\n") <= count:
            step = min(block_size, position)
            position -= step
            handle.seek(position)
            data = handle.read(step) + data
    lines = data.decode("utf-8").splitlines()
    return lines[-count:]
`,
        typescript: `import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Reads blocks backwards from the end until more than count newlines were seen. */
function $name(path: string, count: number, blockSize = 4096): string[] {
  if (count <= 0) return [];
  const fd = openSync(path, 'r');
  try {
    let position = fstatSync(fd).size;
    let data = Buffer.alloc(0);
    let newlines = 0;
    while (position > 0 && newlines <= count) {
      const step = Math.min(blockSize, position);
      position -= step;
      const block = Buffer.alloc(step);
      readSync(fd, block, 0, step, position);
      newlines += block.filter((byte) => byte === 10).length;
      data = Buffer.concat([block, data]);
    }
    const lines = data.toString('utf8').split(/\\r?\\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-count);
  } finally {
    closeSync(fd);
  }
}
`,
        rust: `use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// Reads 4 KiB blocks backwards from the end until more than \`count\` newlines were seen.
pub fn $name(path: &str, count: usize) -> io::Result<Vec<String>> {
    let mut file = File::open(path)?;
    let mut position = file.seek(SeekFrom::End(0))?;
    let (mut data, mut newlines) = (Vec::new(), 0);
    while count > 0 && position > 0 && newlines <= count {
        let step = position.min(4096);
        position -= step;
        let mut block = vec![0u8; step as usize];
        file.seek(SeekFrom::Start(position))?;
        file.read_exact(&mut block)?;
        newlines += block.iter().filter(|&&b| b == b'\\n').count();
        block.extend_from_slice(&data);
        data = block;
    }
    let text = String::from_utf8_lossy(&data);
    let lines: Vec<&str> = text.lines().collect();
    Ok(lines[lines.len().saturating_sub(count)..].iter().map(|line| line.to_string()).collect())
}
`,
        cpp: `#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

// Reads 4 KiB blocks backwards from the end until more than count newlines were seen.
std::vector<std::string> $name(const std::string& path, std::size_t count) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::streamoff position = in.tellg();
    std::string data;
    for (std::size_t newlines = 0; count > 0 && position > 0 && newlines <= count;) {
        std::streamoff step = std::min<std::streamoff>(4096, position);
        position -= step;
        std::string block(static_cast<std::size_t>(step), '\\0');
        in.seekg(position);
        in.read(&block[0], step);
        newlines += std::count(block.begin(), block.end(), '\\n');
        data = block + data;
    }
    std::vector<std::string> lines;
    for (std::size_t start = 0, end; start < data.size(); start = end + 1) {
        end = std::min(data.find('\\n', start), data.size());
        std::string line = data.substr(start, end - start);
        if (!line.empty() && line.back() == '\\r') line.pop_back();
        lines.push_back(line);
    }
    if (lines.size() > count) lines.erase(lines.begin(), lines.end() - count);
    return lines;
}
`,
      },
    ],
  },
  {
    id: 'csv_column_stat',
    category: 'files',
    difficulty: 'easy',
    tags: ['csv', 'io'],
    kind: 'function',
    name: '{stat} csv column',
    params: ['path', 'column'],
    task: 'reads the CSV file at [[path]] (first row is the header, quoted fields allowed) and returns the {stat} of the numeric values in the column named [[column]]; empty cells are skipped and a missing column is an error naming the column.',
    variants: [
      {
        stat: 'sum',
        result: 'sum(values)',
        ts_type: 'number',
        ts_result: 'values.reduce((a, b) => a + b, 0)',
        rust_type: 'f64',
        rust_result: 'values.iter().sum()',
        cpp_type: 'double',
        cpp_result: 'std::accumulate(values.begin(), values.end(), 0.0)',
      },
      {
        stat: 'average',
        result: '(sum(values) / len(values)) if values else None',
        ts_type: 'number | null',
        ts_result: 'values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null',
        rust_type: 'Option<f64>',
        rust_result: '(!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)',
        cpp_type: 'std::optional<double>',
        cpp_result:
          'values.empty() ? std::nullopt : std::optional<double>(std::accumulate(values.begin(), values.end(), 0.0) / values.size())',
      },
    ],
    python: `import csv


def $name(path, column):
    """csv.DictReader handles quoting; empty cells are skipped."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if column not in (reader.fieldnames or []):
            raise KeyError(f"column {column!r} not found in {path}")
        values = [float(row[column]) for row in reader if row[column].strip()]
    return $result
`,
    typescript: `import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Splits one CSV record into fields, honouring double quotes and "" escapes. */
function splitCsv(line: string): string[] {
  const fields = [''];
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') fields[fields.length - 1] += line[i++];
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) fields.push('');
    else fields[fields.length - 1] += c;
  }
  return fields;
}

/** Streams the rows, finds the column by its header name and skips empty cells. */
async function $name(path: string, column: string): Promise<$ts_type> {
  let index = -1;
  const values: number[] = [];
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    const cells = splitCsv(line);
    if (index < 0) {
      index = cells.indexOf(column);
      if (index < 0) throw new Error(\`column "\${column}" not found in \${path}\`);
    } else if ((cells[index] ?? '').trim() !== '') {
      values.push(Number(cells[index]));
    }
  }
  if (index < 0) throw new Error(\`column "\${column}" not found in \${path}\`);
  return $ts_result;
}
`,
    rust: `use std::fs::File;
use std::io::{BufRead, BufReader};

/// Splits one CSV record into fields, honouring double quotes and \`""\` escapes.
fn split_csv(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => field.extend(chars.next()),
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// Streams the rows, finds the column by its header name and skips empty cells.
pub fn $name(path: &str, column: &str) -> Result<$rust_type, String> {
    let file = File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut lines = BufReader::new(file).lines().map_while(Result::ok);
    let header = split_csv(&lines.next().unwrap_or_default());
    let index = header.iter().position(|name| name == column);
    let index = index.ok_or_else(|| format!("column {column:?} not found in {path}"))?;
    let mut values = Vec::new();
    for line in lines {
        let cell = split_csv(&line).get(index).map(|c| c.trim().to_string()).unwrap_or_default();
        if !cell.is_empty() {
            values.push(cell.parse::<f64>().map_err(|e| format!("{path}: column {column:?}: {cell:?}: {e}"))?);
        }
    }
    Ok($rust_result)
}
`,
    cpp: `#include <algorithm>
#include <fstream>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

// Splits one CSV record into fields, honouring double quotes and "" escapes.
std::vector<std::string> split_csv(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') fields.back() += line[i++];
        else if (c == '"') quoted = !quoted;
        else if (c == ',' && !quoted) fields.emplace_back();
        else if (c != '\\r') fields.back() += c;
    }
    return fields;
}

// Streams the rows, finds the column by its header name and skips empty cells.
$cpp_type $name(const std::string& path, const std::string& column) {
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line)) throw std::runtime_error("cannot read " + path);
    const std::vector<std::string> header = split_csv(line);
    const auto found = std::find(header.begin(), header.end(), column);
    if (found == header.end()) throw std::runtime_error("column \\"" + column + "\\" not found in " + path);
    const std::size_t index = found - header.begin();
    std::vector<double> values;
    while (std::getline(in, line)) {
        const std::vector<std::string> cells = split_csv(line);
        if (index < cells.size() && cells[index].find_first_not_of(" \\t") != std::string::npos) values.push_back(std::stod(cells[index]));
    }
    return $cpp_result;
}
`,
  },
  {
    id: 'find_files',
    category: 'files',
    difficulty: 'easy',
    tags: ['filesystem', 'recursion'],
    kind: 'function',
    name: 'find files {by}',
    params: ['root', '{arg}'],
    task: 'walks the directory tree under [[root]] and returns the sorted {list} of paths of regular files {cond}; symbolic links to directories are not followed.',
    variants: [
      {
        by: 'by extension',
        arg: 'extension',
        cond: 'whose name ends with [[extension]] (compared case-insensitively)',
        python: `import os


def $name(root, extension):
    """os.walk does not follow directory symlinks by default."""
    found = []
    for folder, _dirs, files in os.walk(root):
        for file in files:
            if file.lower().endswith(extension.lower()):
                found.append(os.path.join(folder, file))
    return sorted(found)
`,
        ts_fs: 'readdirSync',
        ts_param: 'extension: string',
        ts_cond: 'entry.name.toLowerCase().endsWith(extension.toLowerCase())',
        rust_param: 'extension: &str',
        rust_cond: 'entry.file_name().to_string_lossy().to_lowercase().ends_with(&extension.to_lowercase())',
        cpp: `#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;

// recursive_directory_iterator does not follow directory symlinks; names are lower-cased to compare.
std::vector<std::string> $name(const std::string& root, const std::string& extension) {
    auto lower = [](std::string text) {
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
        return text;
    };
    const std::string suffix = lower(extension);
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        const std::string name = lower(entry.path().filename().string());
        if (entry.is_regular_file() && name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
            found.push_back(entry.path().string());
        }
    }
    std::sort(found.begin(), found.end());
    return found;
}
`,
      },
      {
        by: 'larger than',
        arg: 'min bytes',
        cond: 'larger than [[min bytes]] bytes',
        python: `import os


def $name(root, min_bytes):
    """Stat each regular file found by os.walk."""
    found = []
    for folder, _dirs, files in os.walk(root):
        for file in files:
            path = os.path.join(folder, file)
            if os.path.isfile(path) and os.path.getsize(path) > min_bytes:
                found.append(path)
    return sorted(found)
`,
        ts_fs: 'readdirSync, statSync',
        ts_param: 'minBytes: number',
        ts_cond: 'statSync(path).size > minBytes',
        rust_param: 'min_bytes: u64',
        rust_cond: 'entry.metadata()?.len() > min_bytes',
        cpp: `#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;

// recursive_directory_iterator does not follow directory symlinks; each regular file is sized.
std::vector<std::string> $name(const std::string& root, std::uintmax_t min_bytes) {
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.is_regular_file() && entry.file_size() > min_bytes) found.push_back(entry.path().string());
    }
    std::sort(found.begin(), found.end());
    return found;
}
`,
      },
    ],
    typescript: `import { $ts_fs } from 'node:fs';
import { join } from 'node:path';

/** Walks the tree with readdir; Dirent types come from lstat, so directory symlinks are not followed. */
function $name(root: string, $ts_param): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && $ts_cond) found.push(path);
    }
  };
  walk(root);
  return found.sort();
}
`,
    rust: `use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Walks the tree with read_dir; \`file_type\` does not follow symlinks, so linked directories are skipped.
pub fn $name(root: &Path, $rust_param) -> io::Result<Vec<PathBuf>> {
    let (mut found, mut pending) = (Vec::new(), vec![root.to_path_buf()]);
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() && $rust_cond {
                found.push(entry.path());
            }
        }
    }
    found.sort();
    Ok(found)
}
`,
  },
  {
    id: 'dedupe_lines',
    category: 'files',
    difficulty: 'easy',
    tags: ['io', 'hashing'],
    kind: 'function',
    name: 'dedupe lines',
    params: ['input path', 'output path'],
    task: 'copies the text file [[input path]] to [[output path]] keeping only the first occurrence of each line{norm}, and returns how many lines were removed.',
    variants: [
      {
        norm: '',
        key: 'line',
        ts_key: 'line',
        rust_key: 'line.clone()',
        cpp: `#include <fstream>
#include <stdexcept>
#include <string>
#include <unordered_set>

// Streams the input, writing each line not seen before; returns the number dropped.
std::size_t $name(const std::string& input_path, const std::string& output_path) {
    std::ifstream in(input_path);
    if (!in) throw std::runtime_error("cannot open " + input_path);
    std::ofstream out(output_path);
    if (!out) throw std::runtime_error("cannot create " + output_path);
    std::unordered_set<std::string> seen;
    std::size_t removed = 0;
    for (std::string line; std::getline(in, line);) {
        if (seen.insert(line).second) out << line << '\\n';
        else ++removed;
    }
    return removed;
}
`,
      },
      {
        norm: ' (lines that differ only in case or surrounding whitespace count as equal)',
        key: 'line.strip().lower()',
        ts_key: 'line.trim().toLowerCase()',
        rust_key: 'line.trim().to_lowercase()',
        cpp: `#include <algorithm>
#include <cctype>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unordered_set>

// Streams the input, writing each line whose trimmed, lower-cased key is new; returns the number dropped.
std::size_t $name(const std::string& input_path, const std::string& output_path) {
    std::ifstream in(input_path);
    if (!in) throw std::runtime_error("cannot open " + input_path);
    std::ofstream out(output_path);
    if (!out) throw std::runtime_error("cannot create " + output_path);
    std::unordered_set<std::string> seen;
    std::size_t removed = 0;
    for (std::string line; std::getline(in, line);) {
        const auto first = line.find_first_not_of(" \\t\\r");
        std::string key = first == std::string::npos ? "" : line.substr(first, line.find_last_not_of(" \\t\\r") - first + 1);
        std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
        if (seen.insert(key).second) out << line << '\\n';
        else ++removed;
    }
    return removed;
}
`,
      },
    ],
    python: `def $name(input_path, output_path):
    """Stream input to output, remembering the keys seen."""
    seen = set()
    removed = 0
    with open(input_path, encoding="utf-8") as src, open(output_path, "w", encoding="utf-8") as dst:
        for line in src:
            key = $key
            if key in seen:
                removed += 1
                continue
            seen.add(key)
            dst.write(line)
    return removed
`,
    typescript: `import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Streams the input, writing each line whose key was not seen before; returns the number dropped. */
async function $name(inputPath: string, outputPath: string): Promise<number> {
  const seen = new Set<string>();
  const out = openSync(outputPath, 'w');
  let removed = 0;
  try {
    for await (const line of createInterface({ input: createReadStream(inputPath, 'utf8'), crlfDelay: Infinity })) {
      const key = $ts_key;
      if (seen.has(key)) {
        removed++;
      } else {
        seen.add(key);
        writeSync(out, line + '\\n');
      }
    }
  } finally {
    closeSync(out);
  }
  return removed;
}
`,
    rust: `use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};

/// Streams the input, writing each line whose key was not seen before; returns the number dropped.
pub fn $name(input_path: &str, output_path: &str) -> io::Result<usize> {
    let mut out = BufWriter::new(File::create(output_path)?);
    let (mut seen, mut removed) = (HashSet::new(), 0);
    for line in BufReader::new(File::open(input_path)?).lines() {
        let line = line?;
        if seen.insert($rust_key) {
            writeln!(out, "{line}")?;
        } else {
            removed += 1;
        }
    }
    out.flush()?;
    Ok(removed)
}
`,
  },
  {
    id: 'merge_json_files',
    category: 'files',
    difficulty: 'medium',
    tags: ['json', 'io'],
    kind: 'function',
    name: 'merge json files',
    params: ['paths'],
    task: 'reads the JSON object stored in each file of [[paths]] and {how}, later files winning on conflicts; a file that does not hold an object is an error naming the file.',
    variants: [
      {
        how: 'returns their shallow merge',
        python: `import json


def $name(paths):
    """Top-level keys of later files replace earlier ones."""
    merged = {}
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a JSON object, found {type(data).__name__}")
        merged.update(data)
    return merged
`,
        typescript: `import { readFileSync } from 'node:fs';

/** Parses each file and copies its top-level keys over those of the earlier files. */
function $name(paths: string[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const path of paths) {
    const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new Error(\`\${path}: expected a JSON object, found \${Array.isArray(data) ? 'array' : typeof data}\`);
    }
    Object.assign(merged, data);
  }
  return merged;
}
`,
        rust_conflict: 'v',
        cpp_conflict: 'value',
      },
      {
        how: 'returns their deep merge (nested objects are merged recursively, any other value replaces)',
        python: `import json


def _deep_merge(base, extra):
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value
    return base


def $name(paths):
    """Nested objects merge recursively; other values from later files win."""
    merged = {}
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a JSON object, found {type(data).__name__}")
        _deep_merge(merged, data)
    return merged
`,
        typescript: `import { readFileSync } from 'node:fs';

type JsonObject = { [key: string]: unknown };
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Copies extra into base, recursing where both hold an object. */
function deepMerge(base: JsonObject, extra: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(extra)) {
    const current = base[key];
    base[key] = isObject(value) && isObject(current) ? deepMerge(current, value) : value;
  }
  return base;
}

/** Parses each file and deep-merges it into the result; later files win. */
function $name(paths: string[]): JsonObject {
  const merged: JsonObject = {};
  for (const path of paths) {
    const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!isObject(data)) throw new Error(\`\${path}: expected a JSON object, found \${Array.isArray(data) ? 'array' : typeof data}\`);
    deepMerge(merged, data);
  }
  return merged;
}
`,
        rust_conflict: `match (members(old), members(&v)) {
                (Some(mut inner), Some(more)) => {
                    merge_into(&mut inner, more);
                    to_text(&inner)
                }
                _ => v,
            }`,
        cpp_conflict: 'members(slot->second) && members(value) ? to_text(merge_into(*members(slot->second), *members(value))) : value',
      },
    ],
    rust: `use std::fs;

/// Splits JSON object text into (raw key, raw value) members at the top level; None when it is not an object.
fn members(text: &str) -> Option<Vec<(String, String)>> {
    let body = text.trim().strip_prefix('{')?.strip_suffix('}')?;
    let (mut out, mut start, mut colon) = (Vec::new(), 0, None);
    let (mut depth, mut in_string, mut escaped) = (0, false, false);
    for (i, c) in body.char_indices().chain([(body.len(), ',')]) {
        if in_string {
            if escaped { escaped = false } else if c == '\\\\' { escaped = true } else if c == '"' { in_string = false }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            ':' if depth == 0 && colon.is_none() => colon = Some(i),
            ',' if depth == 0 => {
                match colon.take() {
                    Some(k) => out.push((body[start..k].trim().to_string(), body[k + 1..i].trim().to_string())),
                    None if body[start..i].trim().is_empty() => {}
                    None => return None,
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    Some(out)
}

fn to_text(members: &[(String, String)]) -> String {
    let parts: Vec<String> = members.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{{}}}", parts.join(", "))
}

fn merge_into(base: &mut Vec<(String, String)>, extra: Vec<(String, String)>) {
    for (k, v) in extra {
        match base.iter_mut().find(|(key, _)| *key == k) {
            Some((_, old)) => *old = $rust_conflict,
            None => base.push((k, v)),
        }
    }
}

/// std has no JSON type, so objects are split at their top level and the merge is returned as JSON text.
pub fn $name(paths: &[&str]) -> Result<String, String> {
    let mut merged = Vec::new();
    for path in paths {
        let text = fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let data = members(&text).ok_or_else(|| format!("{path}: expected a JSON object"))?;
        merge_into(&mut merged, data);
    }
    Ok(to_text(&merged))
}
`,
    cpp: `#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using Members = std::vector<std::pair<std::string, std::string>>;

// Splits JSON object text into (raw key, raw value) members at the top level; nullopt when it is not an object.
std::optional<Members> members(const std::string& text) {
    const auto open = text.find_first_not_of(" \\t\\r\\n"), close = text.find_last_not_of(" \\t\\r\\n");
    if (open == std::string::npos || text[open] != '{' || text[close] != '}') return std::nullopt;
    Members out;
    std::size_t start = open + 1, colon = 0;
    int depth = 0;
    bool in_string = false, escaped = false;
    auto trim = [](const std::string& s) {
        const auto b = s.find_first_not_of(" \\t\\r\\n");
        return b == std::string::npos ? std::string() : s.substr(b, s.find_last_not_of(" \\t\\r\\n") - b + 1);
    };
    for (std::size_t i = open + 1; i <= close; ++i) {
        const char c = i == close ? ',' : text[i];
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') in_string = true;
        else if (c == '{' || c == '[') ++depth;
        else if (c == '}' || c == ']') --depth;
        else if (c == ':' && depth == 0 && colon == 0) colon = i;
        else if (c == ',' && depth == 0) {
            if (colon != 0) out.emplace_back(trim(text.substr(start, colon - start)), trim(text.substr(colon + 1, i - colon - 1)));
            else if (!trim(text.substr(start, i - start)).empty()) return std::nullopt;
            start = i + 1;
            colon = 0;
        }
    }
    return out;
}

std::string to_text(const Members& members) {
    std::string out = "{";
    for (const auto& [key, value] : members) out += (out.size() > 1 ? ", " : "") + key + ": " + value;
    return out + "}";
}

Members merge_into(Members base, const Members& extra) {
    for (const auto& [key, value] : extra) {
        auto slot = base.begin();
        while (slot != base.end() && slot->first != key) ++slot;
        if (slot == base.end()) base.emplace_back(key, value);
        else slot->second = $cpp_conflict;
    }
    return base;
}

// The standard library has no JSON type, so objects are split at their top level and the merge is returned as JSON text.
std::string $name(const std::vector<std::string>& paths) {
    Members merged;
    for (const auto& path : paths) {
        std::ifstream in(path);
        if (!in) throw std::runtime_error("cannot open " + path);
        std::stringstream text;
        text << in.rdbuf();
        const auto data = members(text.str());
        if (!data) throw std::runtime_error(path + ": expected a JSON object");
        merged = merge_into(merged, *data);
    }
    return to_text(merged);
}
`,
  },
  {
    id: 'split_file',
    category: 'files',
    difficulty: 'medium',
    tags: ['io', 'chunking'],
    kind: 'function',
    name: 'split file',
    params: ['path', 'chunk size'],
    task: 'splits the text file at [[path]] into files named after it with the suffixes .part1, .part2, ... each holding at most [[chunk size]] {unit}, streaming the input, and returns the {list} of paths written.',
    variants: [
      {
        unit: 'lines',
        python: `def $name(path, chunk_size):
    """Stream the lines, starting a new part file every chunk_size lines."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    written, out = [], None
    with open(path, encoding="utf-8", newline="") as src:
        for index, line in enumerate(src):
            if index % chunk_size == 0:
                if out is not None:
                    out.close()
                written.append(f"{path}.part{len(written) + 1}")
                out = open(written[-1], "w", encoding="utf-8", newline="")
            out.write(line)
    if out is not None:
        out.close()
    return written
`,
        typescript: `import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Streams the lines, starting a new part file every chunkSize lines. */
async function $name(path: string, chunkSize: number): Promise<string[]> {
  if (chunkSize < 1) throw new RangeError('chunkSize must be at least 1');
  const written: string[] = [];
  let out: number | undefined;
  let index = 0;
  try {
    for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
      if (index++ % chunkSize === 0) {
        if (out !== undefined) closeSync(out);
        written.push(\`\${path}.part\${written.length + 1}\`);
        out = openSync(written[written.length - 1], 'w');
      }
      writeSync(out as number, line + '\\n');
    }
  } finally {
    if (out !== undefined) closeSync(out);
  }
  return written;
}
`,
        rust: `use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};

/// Streams the lines (endings kept), starting a new part file every \`chunk_size\` lines.
pub fn $name(path: &str, chunk_size: usize) -> io::Result<Vec<String>> {
    assert!(chunk_size > 0, "chunk_size must be at least 1");
    let (mut written, mut out): (Vec<String>, Option<BufWriter<File>>) = (Vec::new(), None);
    let mut reader = BufReader::new(File::open(path)?);
    let mut line = Vec::new();
    for index in 0.. {
        line.clear();
        if reader.read_until(b'\\n', &mut line)? == 0 {
            break;
        }
        if index % chunk_size == 0 {
            written.push(format!("{path}.part{}", written.len() + 1));
            out = Some(BufWriter::new(File::create(&written[written.len() - 1])?));
        }
        out.as_mut().expect("a part is open").write_all(&line)?;
    }
    if let Some(mut last) = out {
        last.flush()?;
    }
    Ok(written)
}
`,
        cpp: `#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

// Streams the lines, starting a new part file every chunk_size lines.
std::vector<std::string> $name(const std::string& path, std::size_t chunk_size) {
    if (chunk_size == 0) throw std::invalid_argument("chunk_size must be at least 1");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::vector<std::string> written;
    std::ofstream out;
    std::string line;
    for (std::size_t index = 0; std::getline(in, line); ++index) {
        if (index % chunk_size == 0) {
            written.push_back(path + ".part" + std::to_string(written.size() + 1));
            out.close();
            out.open(written.back(), std::ios::binary);
            if (!out) throw std::runtime_error("cannot create " + written.back());
        }
        out << line << (in.eof() ? "" : "\\n");
    }
    return written;
}
`,
      },
      {
        unit: 'bytes (never splitting a line unless the line alone is longer)',
        python: `def $name(path, chunk_size):
    """Pack whole lines into parts of at most chunk_size bytes; only an over-long line is cut."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    written, out, size = [], None, 0
    with open(path, "rb") as src:
        for line in src:
            while line:
                if out is None or (size > 0 and size + len(line) > chunk_size):
                    if out is not None:
                        out.close()
                    written.append(f"{path}.part{len(written) + 1}")
                    out, size = open(written[-1], "wb"), 0
                piece, line = line[:chunk_size], line[chunk_size:]
                out.write(piece)
                size += len(piece)
    if out is not None:
        out.close()
    return written
`,
        typescript: `import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/** Yields the lines of an open file as byte buffers, newline included, reading 64 KiB at a time. */
function* readLines(fd: number): Generator<Buffer> {
  const block = Buffer.alloc(65536);
  let pending = Buffer.alloc(0);
  for (let n = readSync(fd, block); n > 0; n = readSync(fd, block)) {
    pending = Buffer.concat([pending, block.subarray(0, n)]);
    for (let end = pending.indexOf(10); end >= 0; end = pending.indexOf(10)) {
      yield pending.subarray(0, end + 1);
      pending = pending.subarray(end + 1);
    }
  }
  if (pending.length > 0) yield pending;
}

/** Packs whole lines into parts of at most chunkSize bytes; only a line longer than that is cut. */
function $name(path: string, chunkSize: number): string[] {
  if (chunkSize < 1) throw new RangeError('chunkSize must be at least 1');
  const written: string[] = [];
  const input = openSync(path, 'r');
  let out: number | undefined;
  let size = 0;
  try {
    for (let line of readLines(input)) {
      while (line.length > 0) {
        if (out === undefined || (size > 0 && size + line.length > chunkSize)) {
          if (out !== undefined) closeSync(out);
          written.push(\`\${path}.part\${written.length + 1}\`);
          out = openSync(written[written.length - 1], 'w');
          size = 0;
        }
        const piece = line.subarray(0, chunkSize);
        writeSync(out, piece);
        size += piece.length;
        line = line.subarray(piece.length);
      }
    }
  } finally {
    closeSync(input);
    if (out !== undefined) closeSync(out);
  }
  return written;
}
`,
        rust: `use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};

/// Packs whole lines into parts of at most \`chunk_size\` bytes; only a line longer than that is cut.
pub fn $name(path: &str, chunk_size: usize) -> io::Result<Vec<String>> {
    assert!(chunk_size > 0, "chunk_size must be at least 1");
    let (mut written, mut out, mut size): (Vec<String>, Option<BufWriter<File>>, usize) = (Vec::new(), None, 0);
    let mut reader = BufReader::new(File::open(path)?);
    let mut buffer = Vec::new();
    while reader.read_until(b'\\n', &mut buffer)? > 0 {
        let mut line = &buffer[..];
        while !line.is_empty() {
            if out.is_none() || (size > 0 && size + line.len() > chunk_size) {
                written.push(format!("{path}.part{}", written.len() + 1));
                out = Some(BufWriter::new(File::create(&written[written.len() - 1])?));
                size = 0;
            }
            let (piece, rest) = line.split_at(line.len().min(chunk_size));
            out.as_mut().expect("a part is open").write_all(piece)?;
            size += piece.len();
            line = rest;
        }
        buffer.clear();
    }
    if let Some(mut last) = out {
        last.flush()?;
    }
    Ok(written)
}
`,
        cpp: `#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

// Packs whole lines into parts of at most chunk_size bytes; only a line longer than that is cut.
std::vector<std::string> $name(const std::string& path, std::size_t chunk_size) {
    if (chunk_size == 0) throw std::invalid_argument("chunk_size must be at least 1");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::vector<std::string> written;
    std::ofstream out;
    std::size_t size = 0;
    for (std::string line; std::getline(in, line);) {
        if (!in.eof()) line += '\\n';
        for (std::size_t at = 0; at < line.size();) {
            const std::size_t left = line.size() - at;
            if (written.empty() || (size > 0 && size + left > chunk_size)) {
                written.push_back(path + ".part" + std::to_string(written.size() + 1));
                out.close();
                out.open(written.back(), std::ios::binary);
                size = 0;
            }
            const std::size_t piece = std::min(left, chunk_size);
            out.write(line.data() + at, piece);
            size += piece;
            at += piece;
        }
    }
    return written;
}
`,
      },
    ],
  },
  {
    id: 'log_summary',
    category: 'files',
    difficulty: 'medium',
    tags: ['logs', 'regex', 'io'],
    kind: 'function',
    name: 'summarize {log} log',
    params: ['path'],
    task: 'streams the {log} log file at [[path]] and returns a {map} from {key} to the number of lines with it; lines that do not match the format are counted under the key "invalid".',
    variants: [
      {
        log: 'access',
        key: 'HTTP status code (the ninth field of the common log format)',
        python: `import re
from collections import Counter

COMMON_LOG = re.compile(r'^\\S+ \\S+ \\S+ \\[[^\\]]+\\] "[^"]*" (\\d{3}) (\\d+|-)$')


def $name(path):
    """Match each streamed line against the common log format and count by status."""
    counts = Counter()
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            match = COMMON_LOG.match(line.rstrip("\\r\\n"))
            counts[match.group(1) if match else "invalid"] += 1
    return dict(counts)
`,
        typescript: `import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const COMMON_LOG = /^\\S+ \\S+ \\S+ \\[[^\\]]+\\] "[^"]*" (\\d{3}) (\\d+|-)$/;

/** Matches each streamed line against the common log format and counts by status. */
async function $name(path: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    const key = COMMON_LOG.exec(line)?.[1] ?? 'invalid';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
`,
        rust: `use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader};

/// The status of a common-log-format line: 10 fields with a bracketed date, a quoted request and 3 digits as the 9th.
fn status(line: &str) -> Option<&str> {
    let f: Vec<&str> = line.split_whitespace().collect();
    let valid = f.len() == 10
        && f[3].starts_with('[')
        && f[4].ends_with(']')
        && f[5].starts_with('"')
        && f[7].ends_with('"')
        && f[8].len() == 3
        && f[8].bytes().all(|b| b.is_ascii_digit());
    valid.then(|| f[8])
}

/// Streams the log and counts lines by HTTP status, malformed ones under "invalid".
pub fn $name(path: &str) -> io::Result<HashMap<String, usize>> {
    let mut counts = HashMap::new();
    for line in BufReader::new(File::open(path)?).lines() {
        let line = line?;
        *counts.entry(status(&line).unwrap_or("invalid").to_string()).or_insert(0) += 1;
    }
    Ok(counts)
}
`,
        cpp: `#include <fstream>
#include <regex>
#include <stdexcept>
#include <string>
#include <unordered_map>

// Matches each streamed line against the common log format and counts by status.
std::unordered_map<std::string, std::size_t> $name(const std::string& path) {
    static const std::regex common_log(R"(^\\S+ \\S+ \\S+ \\[[^\\]]+\\] "[^"]*" (\\d{3}) (\\d+|-)\\r?$)");
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::unordered_map<std::string, std::size_t> counts;
    std::smatch match;
    for (std::string line; std::getline(in, line);) {
        ++counts[std::regex_match(line, match, common_log) ? match[1].str() : "invalid"];
    }
    return counts;
}
`,
      },
      {
        log: 'application',
        key: 'log level (the word in brackets after the timestamp, such as [ERROR])',
        python: `import re
from collections import Counter

LEVEL = re.compile(r"^\\d\\S*(?: \\d\\S*)? \\[([A-Za-z]+)\\]")


def $name(path):
    """A timestamp (date, optional time) then [LEVEL]; count lines by upper-cased level."""
    counts = Counter()
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            match = LEVEL.match(line)
            counts[match.group(1).upper() if match else "invalid"] += 1
    return dict(counts)
`,
        typescript: `import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const LEVEL = /^\\d\\S*(?: \\d\\S*)? \\[([A-Za-z]+)\\]/;

/** A timestamp (date, optional time) then [LEVEL]; counts lines by upper-cased level. */
async function $name(path: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    const key = LEVEL.exec(line)?.[1].toUpperCase() ?? 'invalid';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
`,
        rust: `use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader};

/// The level of a line shaped "<timestamp starting with a digit> [LEVEL] ...", upper-cased.
fn level(line: &str) -> Option<String> {
    let (stamp, rest) = line.split_once(" [")?;
    let (word, _) = rest.split_once(']')?;
    let valid = stamp.starts_with(|c: char| c.is_ascii_digit())
        && !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphabetic());
    valid.then(|| word.to_ascii_uppercase())
}

/// Streams the log and counts lines by level, malformed ones under "invalid".
pub fn $name(path: &str) -> io::Result<HashMap<String, usize>> {
    let mut counts = HashMap::new();
    for line in BufReader::new(File::open(path)?).lines() {
        let key = level(&line?).unwrap_or_else(|| "invalid".to_string());
        *counts.entry(key).or_insert(0) += 1;
    }
    Ok(counts)
}
`,
        cpp: `#include <algorithm>
#include <cctype>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <string>
#include <unordered_map>

// A timestamp (date, optional time) then [LEVEL]; counts lines by upper-cased level.
std::unordered_map<std::string, std::size_t> $name(const std::string& path) {
    static const std::regex level(R"(^\\d\\S*(?: \\d\\S*)? \\[([A-Za-z]+)\\])");
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::unordered_map<std::string, std::size_t> counts;
    std::smatch match;
    for (std::string line; std::getline(in, line);) {
        std::string key = std::regex_search(line, match, level) ? match[1].str() : "invalid";
        if (key != "invalid") std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::toupper(c); });
        ++counts[key];
    }
    return counts;
}
`,
      },
    ],
  },
];
