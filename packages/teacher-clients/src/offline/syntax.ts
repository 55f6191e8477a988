// Syntax facts from one tree-sitter parse: error coverage, missing tokens, comments, definitions and docstrings.
import type Parser from 'web-tree-sitter';
import type { LoadedGrammar } from './grammars';

/** What the syntax walk found in one piece of code. */
export interface SyntaxFacts {
  /** Characters of tokens the parser could not fit anywhere (leaf children of ERROR nodes, childless ERROR nodes). */
  errorBytes: number;
  /** Number of ERROR nodes (error regions). */
  errorRegions: number;
  /** Zero-width tokens the parser had to invent (a missing ')' or ';'). */
  missingNodes: number;
  /** Characters inside comment nodes. */
  commentBytes: number;
  /** Number of comment nodes. */
  comments: number;
  /** Letters and spaces among comment characters (prose-like comments ~0.9, noise ~0.55); 0 without comments. */
  commentProse: number;
  /** Names of functions, methods, classes, structs... defined (outside error regions). */
  definitions: string[];
  /** Definitions with a docstring or a comment right before them. */
  documentedDefinitions: number;
  /** Total syntax nodes visited (error regions count as one). */
  nodes: number;
}

const ERROR_TYPE_ID = 65535; // tree-sitter's builtin ts_builtin_sym_error

/** Node types that define a named thing, across the supported grammars. */
const DEFINITION_TYPES = new Set([
  'function_definition', 'class_definition', 'decorated_definition',
  'function_declaration', 'generator_function_declaration', 'class_declaration', 'abstract_class_declaration',
  'method_definition', 'method_declaration', 'constructor_declaration', 'interface_declaration', 'enum_declaration',
  'record_declaration', 'class_specifier', 'struct_specifier', 'function_item', 'struct_item', 'enum_item',
  'trait_item', 'impl_item', 'type_spec', 'method', 'singleton_method', 'class', 'module', 'object_declaration',
  'function_signature', 'type_alias_declaration', 'variable_declarator', 'local_function_statement',
]);

interface TypeIds {
  definitions: Set<number>;
  comments: Set<number>;
}
const typeIdCache = new WeakMap<Parser.Language, TypeIds>();

function typeIds(lang: Parser.Language): TypeIds {
  let ids = typeIdCache.get(lang);
  if (ids === undefined) {
    ids = { definitions: new Set(), comments: new Set() };
    for (let id = 0; id < lang.nodeTypeCount; id++) {
      const t = lang.nodeTypeForId(id);
      if (t === null) continue;
      if (DEFINITION_TYPES.has(t) && t !== 'decorated_definition') ids.definitions.add(id);
      if (t.includes('comment')) ids.comments.add(id);
    }
    typeIdCache.set(lang, ids);
  }
  return ids;
}

const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

/** The defined name of a definition node, or undefined (e.g. a variable that is not a function). */
function definitionName(node: Parser.SyntaxNode): string | undefined {
  if (node.type === 'variable_declarator') {
    const value = node.childForFieldName('value');
    if (value === null || !FUNCTION_VALUES.has(value.type)) return undefined;
  }
  let n: Parser.SyntaxNode | null = node.childForFieldName('name');
  if (n === null && node.type === 'impl_item') n = node.childForFieldName('type');
  if (n === null) {
    // C/C++: function_definition -> declarator (function_declarator) -> declarator (identifier / qualified name)
    let d = node.childForFieldName('declarator');
    while (d !== null) {
      const inner = d.childForFieldName('declarator');
      if (inner === null) break;
      d = inner;
    }
    n = d;
  }
  if (n === null) {
    for (const c of node.namedChildren) {
      if (c.type.includes('identifier') || c.type === 'constant') {
        n = c;
        break;
      }
    }
  }
  if (n === null) return undefined;
  const text = n.text;
  const parts = text.split(/::|\./);
  const last = parts[parts.length - 1].replace(/[^A-Za-z0-9_$]/g, '');
  return last.length > 0 ? last : undefined;
}

function hasDocstring(node: Parser.SyntaxNode, commentIds: Set<number>): boolean {
  const prev = node.previousNamedSibling;
  if (prev !== null && commentIds.has(prev.typeId) && node.startPosition.row - prev.endPosition.row <= 1) return true;
  // Python: a string as the first statement of the body.
  const body = node.childForFieldName('body');
  const first = body?.firstNamedChild;
  if (first && first.type === 'expression_statement' && first.firstNamedChild?.type === 'string') return true;
  // Rust/JS: a doc comment as the first thing inside the body.
  if (first && commentIds.has(first.typeId)) return true;
  return false;
}

/** Parses `code` and walks the tree once (ERROR subtrees are skipped as one region). */
export function analyzeSyntax(grammar: LoadedGrammar, code: string): SyntaxFacts {
  const ids = typeIds(grammar.lang);
  const tree = grammar.parser.parse(code);
  const facts: SyntaxFacts = {
    errorBytes: 0,
    errorRegions: 0,
    missingNodes: 0,
    commentBytes: 0,
    comments: 0,
    commentProse: 0,
    definitions: [],
    documentedDefinitions: 0,
    nodes: 0,
  };
  const cursor = tree.walk();
  // errorParents[d] is true when the node at depth d + 1 has an ERROR parent. Inside an ERROR region, subtrees that
  // parsed are fine; only tokens the parser could not attach to anything (direct leaf children of ERROR, and
  // childless ERROR nodes) count as error bytes. This keeps the measure graded on half-broken code.
  const errorParents: boolean[] = [];
  let proseChars = 0;
  try {
    for (;;) {
      facts.nodes++;
      const typeId = cursor.nodeTypeId;
      const isError = typeId === ERROR_TYPE_ID;
      let descend = true;
      if (isError) {
        facts.errorRegions++;
      } else if (cursor.nodeIsMissing) {
        facts.missingNodes++;
      } else if (ids.comments.has(typeId)) {
        const start = cursor.startIndex;
        const end = cursor.endIndex;
        facts.commentBytes += end - start;
        facts.comments++;
        for (let i = start; i < end; i++) {
          const c = code.charCodeAt(i) | 32;
          if ((c >= 97 && c <= 122) || c === 32) proseChars++;
        }
        descend = false;
      } else if (ids.definitions.has(typeId)) {
        const node = cursor.currentNode;
        const name = definitionName(node);
        if (name !== undefined) {
          facts.definitions.push(name);
          const outer = node.parent?.type === 'decorated_definition' ? node.parent : node;
          if (hasDocstring(outer, ids.comments) || hasDocstring(node, ids.comments)) facts.documentedDefinitions++;
        }
      }
      if (descend && cursor.gotoFirstChild()) {
        errorParents.push(isError);
        continue;
      }
      // a leaf (or a skipped comment)
      if (descend && (isError || (errorParents.length > 0 && errorParents[errorParents.length - 1]))) {
        facts.errorBytes += cursor.endIndex - cursor.startIndex;
      }
      if (cursor.gotoNextSibling()) continue;
      let more = false;
      while (cursor.gotoParent()) {
        errorParents.pop();
        if (cursor.gotoNextSibling()) {
          more = true;
          break;
        }
      }
      if (!more) break;
    }
  } finally {
    cursor.delete();
    tree.delete();
  }
  facts.commentProse = facts.commentBytes === 0 ? 0 : proseChars / facts.commentBytes;
  return facts;
}

/** Multiplies the additive counts of `facts` by `factor` (to extrapolate a prefix's facts to the whole text). */
export function scaleSyntaxFacts(facts: SyntaxFacts, factor: number): SyntaxFacts {
  return {
    ...facts,
    errorBytes: facts.errorBytes * factor,
    errorRegions: facts.errorRegions * factor,
    missingNodes: facts.missingNodes * factor,
    commentBytes: facts.commentBytes * factor,
    comments: facts.comments * factor,
    nodes: facts.nodes * factor,
  };
}
