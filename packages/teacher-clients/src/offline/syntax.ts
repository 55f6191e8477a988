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

/** Node types that define a named thing, across the supported grammars. */
const DEFINITION_TYPES = new Set([
  'function_definition', 'class_definition', 'decorated_definition',
  'function_declaration', 'generator_function_declaration', 'class_declaration', 'abstract_class_declaration',
  'method_definition', 'method_declaration', 'constructor_declaration', 'interface_declaration', 'enum_declaration',
  'record_declaration', 'class_specifier', 'struct_specifier', 'function_item', 'struct_item', 'enum_item',
  'trait_item', 'impl_item', 'type_spec', 'method', 'singleton_method', 'class', 'module', 'object_declaration',
  'function_signature', 'type_alias_declaration', 'variable_declarator', 'local_function_statement',
]);

/** Names of the comment and definition node types a grammar has (looked up once per grammar). */
interface TypeNames {
  definitions: string[];
  comments: string[];
  commentIds: Set<number>;
}
const typeNameCache = new WeakMap<Parser.Language, TypeNames>();

function typeNames(lang: Parser.Language): TypeNames {
  let t = typeNameCache.get(lang);
  if (t === undefined) {
    const definitions = new Set<string>();
    const comments = new Set<string>();
    const commentIds = new Set<number>();
    for (let id = 0; id < lang.nodeTypeCount; id++) {
      const name = lang.nodeTypeForId(id);
      if (name === null || !lang.nodeTypeIsNamed(id)) continue;
      if (DEFINITION_TYPES.has(name) && name !== 'decorated_definition') definitions.add(name);
      if (name.includes('comment')) {
        comments.add(name);
        commentIds.add(id);
      }
    }
    t = { definitions: [...definitions], comments: [...comments], commentIds };
    typeNameCache.set(lang, t);
  }
  return t;
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

const ERROR_TYPE_ID = 65535; // tree-sitter's builtin ts_builtin_sym_error

/**
 * Adds the error facts of a tree that has errors, in one cursor walk (cheaper than node objects): ERROR nodes count
 * as regions; tokens the parser could not attach (leaf children of an ERROR node, childless ERROR nodes) count as
 * error characters; subtrees that parsed inside an error region are fine; MISSING tokens are counted.
 */
function collectErrors(tree: Parser.Tree, facts: SyntaxFacts, commentIds: Set<number>): void {
  const cursor = tree.walk();
  // errorParent[d]: the parent of the node at depth d + 1 is an ERROR node
  const errorParent: boolean[] = [];
  try {
    for (;;) {
      const typeId = cursor.nodeTypeId;
      const isError = typeId === ERROR_TYPE_ID;
      if (isError) facts.errorRegions++;
      if (!commentIds.has(typeId) && cursor.gotoFirstChild()) {
        errorParent.push(isError);
        continue;
      }
      // a leaf (or a comment, never an error)
      if (cursor.nodeIsMissing) facts.missingNodes++;
      else if (!commentIds.has(typeId) && (isError || (errorParent.length > 0 && errorParent[errorParent.length - 1]))) {
        facts.errorBytes += cursor.endIndex - cursor.startIndex;
      }
      if (cursor.gotoNextSibling()) continue;
      let more = false;
      while (cursor.gotoParent()) {
        errorParent.pop();
        if (cursor.gotoNextSibling()) {
          more = true;
          break;
        }
      }
      if (!more) break;
    }
  } finally {
    cursor.delete();
  }
}

/**
 * Parses `code` and gathers its facts with a few bulk queries (comments, definitions) plus a walk that only enters
 * subtrees containing errors, so valid code costs little more than the parse.
 */
export function analyzeSyntax(grammar: LoadedGrammar, code: string): SyntaxFacts {
  const names = typeNames(grammar.lang);
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
  try {
    const root = tree.rootNode;
    facts.nodes = root.descendantCount;
    if (root.hasError) collectErrors(tree, facts, names.commentIds);
    let proseChars = 0;
    if (names.comments.length > 0) {
      for (const c of root.descendantsOfType(names.comments)) {
        const start = c.startIndex;
        const end = c.endIndex;
        facts.commentBytes += end - start;
        facts.comments++;
        for (let i = start; i < end; i++) {
          const ch = code.charCodeAt(i) | 32;
          if ((ch >= 97 && ch <= 122) || ch === 32) proseChars++;
        }
      }
    }
    facts.commentProse = facts.commentBytes === 0 ? 0 : proseChars / facts.commentBytes;
    if (names.definitions.length > 0) {
      for (const node of root.descendantsOfType(names.definitions)) {
        const name = definitionName(node);
        if (name === undefined) continue;
        facts.definitions.push(name);
        const outer = node.parent?.type === 'decorated_definition' ? node.parent : node;
        if (hasDocstring(outer, names.commentIds) || hasDocstring(node, names.commentIds)) facts.documentedDefinitions++;
      }
    }
  } finally {
    tree.delete();
  }
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
