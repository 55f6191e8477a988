// Does the code define the asked-for function or class with a real body, and does that body use its parameters?
//
// These are hard gates of the execution-verified rubric: a signature over `pass`, `...`, `todo!()`, an empty block
// or a bare `throw` is a stub, and a function that never reads its parameters returns a constant (for example the
// expected value of an example it saw). Both are answered from one tree-sitter parse.
import type Parser from 'web-tree-sitter';
import type { LoadedGrammar } from './grammars';

/** What the parse says about the entry point. */
export interface EntryPointFacts {
  /** A definition with this name exists (function, method, class, struct, or a const bound to a function). */
  defined: boolean;
  /** 'function' or 'class' (struct, impl, class), when defined. */
  kind?: 'function' | 'class';
  /** At least one definition of it has a statement that is not a stub (pass, ..., todo!(), throw, empty). */
  realBody: boolean;
  /** For a function with parameters: whether its body reads any of them; undefined when it has none or for a class. */
  usesParams?: boolean;
}

const FUNCTION_TYPES = new Set([
  'function_definition', // python, cpp
  'function_declaration', // typescript, javascript
  'generator_function_declaration',
  'function_item', // rust
  'method_definition',
]);
const CLASS_TYPES = new Set(['class_definition', 'class_declaration', 'class_specifier', 'struct_specifier', 'struct_item', 'impl_item']);
const ARROW_TYPES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);
/** Node types whose subtree is a type, not a parameter name. */
const TYPE_FIELDS = new Set(['type', 'type_annotation', 'type_identifier', 'primitive_type', 'template_type', 'qualified_identifier', 'generic_type']);

/** One statement that does nothing useful, per language family. Whitespace is removed before matching. */
const STUB_STATEMENTS = [
  /^pass;?$/,
  /^\.\.\.;?$/,
  /^raise(NotImplementedError(\(.*\))?)?$/,
  /^return(None|null|undefined)?;?$/,
  /^(todo|unimplemented|unreachable|panic)!\(.*\);?$/,
  /^throw.*;?$/,
  /^(std::)?abort\(\);?$/,
  /^(Default::default\(\)|None)$/,
  /^return\{\};?$/,
  /^["'`].*["'`];?$/s, // a lone string: a docstring or a description, not code
];

function isCommentType(node: Parser.SyntaxNode): boolean {
  return node.type.includes('comment');
}

function nameOf(node: Parser.SyntaxNode): string | undefined {
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
  if (n === null) return undefined;
  const parts = n.text.split(/::|\./);
  return parts[parts.length - 1].replace(/[^A-Za-z0-9_$]/g, '') || undefined;
}

/** The parameters node of a function definition (C/C++ keep it inside the declarator). */
function parametersOf(node: Parser.SyntaxNode): Parser.SyntaxNode | null {
  const direct = node.childForFieldName('parameters') ?? node.childForFieldName('parameter');
  if (direct !== null) return direct;
  let d = node.childForFieldName('declarator');
  while (d !== null) {
    const p = d.childForFieldName('parameters');
    if (p !== null) return p;
    d = d.childForFieldName('declarator');
  }
  return null;
}

/** Parameter names: identifiers inside the parameter list, skipping type subtrees, defaults and `self`. */
function parameterNames(params: Parser.SyntaxNode): string[] {
  if (params.type === 'identifier') return [params.text]; // `x => ...`
  const names: string[] = [];
  const visit = (n: Parser.SyntaxNode, field: string | null) => {
    if (field !== null && (TYPE_FIELDS.has(field) || field === 'value' || field === 'default_value')) return;
    if (TYPE_FIELDS.has(n.type)) return;
    if (n.type === 'identifier' && n.text !== 'self') {
      names.push(n.text);
      return;
    }
    const cursor = n.walk();
    try {
      if (!cursor.gotoFirstChild()) return;
      do {
        const child = cursor.currentNode;
        visit(child, cursor.currentFieldName);
      } while (cursor.gotoNextSibling());
    } finally {
      cursor.delete();
    }
  };
  visit(params, null);
  return names;
}

/** Whether a body has a statement that is not a stub (comments and docstrings do not count). */
function hasRealStatement(body: Parser.SyntaxNode): boolean {
  const statements = body.namedChildren.filter((c) => !isCommentType(c));
  if (statements.length === 0) {
    // an expression body (`x => x + 1`) is real when it is not itself a stub
    return body.namedChildCount === 0 && !/^[{}\s]*$/.test(body.text) && !isStub(body.text);
  }
  return statements.some((s) => !isStub(s.text));
}

function isStub(text: string): boolean {
  const t = text.replace(/\s+/g, '');
  return STUB_STATEMENTS.some((re) => re.test(t));
}

/** The text of a node with its comment nodes removed. */
function codeWithoutComments(node: Parser.SyntaxNode): string {
  let text = node.text;
  const comments: Parser.SyntaxNode[] = [];
  const visit = (n: Parser.SyntaxNode) => {
    if (isCommentType(n)) comments.push(n);
    else for (const child of n.namedChildren) visit(child);
  };
  visit(node);
  for (const c of comments.sort((a, b) => b.startIndex - a.startIndex)) {
    const from = c.startIndex - node.startIndex;
    text = text.slice(0, from) + ' ' + text.slice(from + (c.endIndex - c.startIndex));
  }
  return text;
}

function identifiersIn(node: Parser.SyntaxNode): Set<string> {
  const out = new Set<string>();
  for (const n of node.descendantsOfType(['identifier', 'shorthand_property_identifier'])) out.add(n.text);
  return out;
}

interface Candidate {
  kind: 'function' | 'class';
  node: Parser.SyntaxNode;
  body: Parser.SyntaxNode | null;
  params: Parser.SyntaxNode | null;
}

function candidates(root: Parser.SyntaxNode, entryPoint: string): Candidate[] {
  const out: Candidate[] = [];
  const types = [...FUNCTION_TYPES, ...CLASS_TYPES, 'variable_declarator'];
  for (const node of root.descendantsOfType(types)) {
    if (node.type === 'variable_declarator') {
      const value = node.childForFieldName('value');
      if (value === null || !ARROW_TYPES.has(value.type) || nameOf(node) !== entryPoint) continue;
      out.push({ kind: 'function', node, body: value.childForFieldName('body'), params: parametersOf(value) });
    } else if (nameOf(node) === entryPoint) {
      const kind = CLASS_TYPES.has(node.type) ? 'class' : 'function';
      out.push({ kind, node, body: node.childForFieldName('body'), params: kind === 'function' ? parametersOf(node) : null });
    }
  }
  return out;
}

/** A class is real when some method or function defined inside it (or in an impl of it) has a real body. */
function classIsReal(c: Candidate, root: Parser.SyntaxNode, entryPoint: string): boolean {
  const scopes = [c.node, ...root.descendantsOfType('impl_item').filter((i) => nameOf(i) === entryPoint)];
  for (const scope of scopes) {
    for (const fn of scope.descendantsOfType([...FUNCTION_TYPES])) {
      const body = fn.childForFieldName('body');
      if (body !== null && hasRealStatement(body)) return true;
    }
  }
  // a struct with data fields only (C++/Rust) is a real definition of a record type
  return c.body !== null && c.node.type !== 'class_definition' && c.body.namedChildren.some((n) => !isCommentType(n));
}

/**
 * Inspects the definition of `entryPoint` in `code`. Several definitions (overloads, a struct and its impl) count
 * when any one of them is real.
 */
export function inspectEntryPoint(grammar: LoadedGrammar, code: string, entryPoint: string): EntryPointFacts {
  const tree = grammar.parser.parse(code);
  try {
    const root = tree.rootNode;
    const found = candidates(root, entryPoint);
    if (found.length === 0) return { defined: false, realBody: false };
    const fn = found.filter((c) => c.kind === 'function');
    // A class wins over same-named functions: those are its constructors (C++), whose body may be empty when a
    // member initializer list does the work.
    if (found.some((c) => c.kind === 'class')) {
      return { defined: true, kind: 'class', realBody: found.some((c) => c.kind === 'class' && classIsReal(c, root, entryPoint)) };
    }
    let realBody = false;
    let usesParams: boolean | undefined;
    for (const c of fn) {
      const real = c.body !== null && hasRealStatement(c.body);
      realBody ||= real;
      const names = c.params ? parameterNames(c.params) : [];
      if (real && names.length > 0 && c.body !== null) {
        // Syntax nodes alone miss uses the grammar misreads (C++'s `std::istringstream in(text);` parses as a
        // function declaration), so a parameter counts as read when its name appears as a word in the body's code.
        const used = identifiersIn(c.body);
        const code = codeWithoutComments(c.body);
        const uses = names.some((n) => used.has(n) || new RegExp(`(^|[^A-Za-z0-9_$])${n.replace(/\$/g, '\\$')}([^A-Za-z0-9_$]|$)`).test(code));
        usesParams = (usesParams ?? false) || uses;
      }
    }
    return { defined: true, kind: 'function', realBody, usesParams };
  } finally {
    tree.delete();
  }
}
