/**
 * A parsed task bank YAML file that can say where a value sits (line and column), so that schema and
 * cross-check problems point at the offending line.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { TaskBankProblem } from '../errors';

/** A YAML file's plain value and the positions of its nodes. */
export interface YamlSource {
  /** The file name used in problems. */
  file: string;
  /** The file's content as plain data (null for an empty file). */
  value: unknown;
  /**
   * Line and column (1-based) of the value at `path` (keys and list indexes from the top), or of its key when
   * `at` is `'key'`; the nearest existing parent's position when the path goes further than the file does.
   */
  position(path: readonly (string | number)[], at?: 'key' | 'value'): { line: number; column: number };
}

/** The outcome of {@link parseYaml}: a source, or the syntax problems (each with its line). */
export type ParsedYaml = { ok: true; source: YamlSource } | { ok: false; problems: TaskBankProblem[] };

/** Parses YAML text (YAML 1.2 core schema; duplicate keys are errors). */
export function parseYaml(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems = [...doc.errors, ...doc.warnings].map((e) => ({
    file,
    ...at(e.pos[0]),
    message: `invalid YAML: ${e.message.split('\n')[0]} (${e.code}); fix the syntax there (code belongs in a block literal "|")`,
  }));
  if (problems.length > 0) return { ok: false, problems };
  const position = (path: readonly (string | number)[], where: 'key' | 'value' = 'value') => {
    let node: unknown = doc.contents;
    let place = node as Node | null;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
        if (!pair) break;
        if (i === path.length - 1 && where === 'key' && isScalar(pair.key)) return at(pair.key.range?.[0] ?? 0);
        node = pair.value;
      } else if (isSeq(node)) {
        node = node.items[Number(segment)];
      } else {
        break;
      }
      if (node && (node as Node).range) place = node as Node;
      else break;
    }
    return at(place?.range?.[0] ?? 0);
  };
  return { ok: true, source: { file, value: doc.toJS({ maxAliasCount: 1000 }), position } };
}
