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
      { stat: 'sum', result: 'sum(values)' },
      { stat: 'average', result: '(sum(values) / len(values)) if values else None' },
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
      },
    ],
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
      { norm: '', key: 'line' },
      { norm: ' (lines that differ only in case or surrounding whitespace count as equal)', key: 'line.strip().lower()' },
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
      },
    ],
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
    variants: [{ unit: 'lines' }, { unit: 'bytes (never splitting a line unless the line alone is longer)' }],
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
      { log: 'access', key: 'HTTP status code (the ninth field of the common log format)' },
      { log: 'application', key: 'log level (the word in brackets after the timestamp, such as [ERROR])' },
    ],
  },
];
