// Node runner for typescript and javascript: one ES module (main.mjs) = prelude (the `__t` helpers, report
// channel captured before the candidate runs) + the candidate (TypeScript transpiled by `typescript`'s
// transpileModule: ESNext modules, ES2022, types erased, no type check) + one async function per case, run in
// order under try/catch with await. A syntax error the transpiler (or node) reports is a compile_error.
import type { Runner, RunnerInput, RunPlan } from './runner';

type Ts = typeof import('typescript');
let tsModule: Promise<Ts> | undefined;
function loadTs(): Promise<Ts> {
  tsModule ??= import('typescript').then((m) => ((m as { default?: Ts }).default ?? m) as Ts);
  return tsModule;
}

/** Transpiles TypeScript (or syntax-checks JavaScript); returns the JS, or the first syntax errors. */
async function transpile(source: string, fileName: string): Promise<{ js: string; error?: string }> {
  const ts = await loadTs();
  const out = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, isolatedModules: true, sourceMap: false, removeComments: false },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length === 0) return { js: out.outputText };
  const text = errors
    .slice(0, 3)
    .map((d) => {
      const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      const where = d.file && d.start !== undefined ? ` (${fileName} line ${d.file.getLineAndCharacterOfPosition(d.start).line + 1})` : '';
      return `TS${d.code}: ${msg}${where}`;
    })
    .join('; ');
  return { js: out.outputText, error: text };
}

// Written in JavaScript that is also valid TypeScript-free ES2022; runs before the candidate's statements.
const IMPORTS = `import __rfai_fs from 'node:fs';
import __rfai_path from 'node:path';
import __rfai_os from 'node:os';
import __rfai_util from 'node:util';
`;

function prelude(nonce: string): string {
  return `const __rfai_w = __rfai_fs.writeSync;
const __rfai_emit = (text) => { try { __rfai_w(1, '\\n' + ${JSON.stringify(nonce)} + ' ' + text + '\\n'); } catch {} };
__rfai_emit('started');
try { __rfai_fs.unlinkSync(new URL(import.meta.url)); } catch {}
// Running as root, glibc's secure-execution mode drops TMPDIR at exec: restore it (the run directory).
if (!process.env.TMPDIR && process.env.HOME) process.env.TMPDIR = process.env.HOME;
const __rfai_exit = process.exit.bind(process);
const __rfai_inspect = __rfai_util.inspect;
const __rfai_keys = Object.keys;
const __rfai_proto = Object.getPrototypeOf;
const __rfai_isArray = Array.isArray;
const __rfai_show = (v) => { try { const s = __rfai_inspect(v, { depth: 3, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 80 }); return s.length > 120 ? s.slice(0, 117) + '...' : s; } catch { return '<unprintable>'; } };
const __rfai_deq = (a, b, depth) => {
  if (depth > 200) return false;
  if (typeof a === 'number' && typeof b === 'number') return a === b || (a !== a && b !== b);
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (__rfai_proto(a) !== __rfai_proto(b)) return false;
  if (a instanceof Date) return __rfai_deq(a.getTime(), b.getTime(), depth + 1);
  if (a instanceof RegExp) return String(a) === String(b);
  if (__rfai_isArray(a) || ArrayBuffer.isView(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!__rfai_deq(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (a instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !__rfai_deq(v, b.get(k), depth + 1)) return false;
    return true;
  }
  if (a instanceof Set) {
    if (a.size !== b.size) return false;
    outer: for (const v of a) {
      if (b.has(v)) continue;
      for (const w of b) if (__rfai_deq(v, w, depth + 1)) continue outer;
      return false;
    }
    return true;
  }
  const ka = __rfai_keys(a), kb = __rfai_keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !__rfai_deq(a[k], b[k], depth + 1)) return false;
  return true;
};
class __RfaiCheckError extends Error {}
const __t = Object.freeze({
  ok(cond, msg) { if (!cond) throw new __RfaiCheckError(msg === undefined ? 'expected a truthy value, got ' + __rfai_show(cond) : String(msg)); },
  eq(actual, expected) { if (!__rfai_deq(actual, expected, 0)) throw new __RfaiCheckError('expected ' + __rfai_show(expected) + ', got ' + __rfai_show(actual)); },
  close(a, b, tol = 1e-9) { if (typeof a !== 'number' || typeof b !== 'number' || !(Math.abs(a - b) <= tol)) throw new __RfaiCheckError('expected ' + __rfai_show(b) + ' within ' + tol + ', got ' + __rfai_show(a)); },
  throws(fn) { try { fn(); } catch { return; } throw new __RfaiCheckError('expected the function to throw'); },
  async rejects(p) { try { await (typeof p === 'function' ? p() : p); } catch { return; } throw new __RfaiCheckError('expected a rejection'); },
  fs: __rfai_fs,
  path: __rfai_path,
  os: __rfai_os,
});
process.on('uncaughtException', (e) => { try { __rfai_w(2, 'uncaught exception (ignored by the harness): ' + __rfai_show(e) + '\\n'); } catch {} });
process.on('unhandledRejection', (e) => { try { __rfai_w(2, 'unhandled rejection (ignored by the harness): ' + __rfai_show(e) + '\\n'); } catch {} });
`;
}

const HARNESS_END = `
const __rfai_reason = (e) => {
  let s;
  try { s = e instanceof Error ? (e instanceof __RfaiCheckError ? e.message : e.name + ': ' + e.message) : 'thrown: ' + __rfai_show(e); } catch { s = 'thrown: <unprintable>'; }
  return String(s).split(/\\s+/).join(' ').slice(0, 300);
};
for (let __rfai_i = 0; __rfai_i < __rfai_cases.length; __rfai_i++) {
  try {
    await __rfai_cases[__rfai_i]();
    __rfai_emit(__rfai_i + ' ok');
  } catch (e) {
    __rfai_emit(__rfai_i + ' fail ' + __rfai_reason(e));
  }
}
__rfai_exit(0);
`;

/**
 * V8 reserves ~10 GiB of address space (guard regions) for every WebAssembly memory when its trap handler is on, which
 * the run's address-space limit refuses: Node's own fetch (undici parses HTTP with a wasm module) then fails with
 * "Cannot allocate Wasm memory". Without the trap handler wasm checks bounds explicitly and reserves what it uses.
 * The flag exists from Node 20.15 / 22.2; the toolchain is this process's node, so its flag list tells.
 */
const NO_WASM_TRAP_HANDLER = process.allowedNodeEnvironmentFlags.has('--disable-wasm-trap-handler') ? ['--disable-wasm-trap-handler'] : [];

export const nodeRunner: Runner = {
  async plan(input: RunnerInput): Promise<RunPlan> {
    const isTs = input.language === 'typescript';
    const nodeFlags = [`--max-old-space-size=${input.memoryMb}`, ...NO_WASM_TRAP_HANDLER];
    const flags = [...nodeFlags, isTs ? 'ts:ESNext/ES2022' : 'js'];
    const base = { argv: [input.toolchain.path ?? 'node', ...nodeFlags, 'main.mjs'], addressSpaceMb: input.memoryMb + 1024, flags };
    let candidate = input.code;
    if (isTs) {
      const t = await transpile(input.code, 'solution.ts');
      if (t.error !== undefined) return { ...base, files: {}, compileError: t.error };
      candidate = t.js;
    }
    const cases: string[] = [];
    for (let i = 0; i < input.tests.length; i++) {
      const fn = `async function __rfai_case_${i}() {\n${input.tests[i]}\n}`;
      const t = await transpile(fn, isTs ? `test-${i}.ts` : `test-${i}.js`);
      cases.push(
        t.error === undefined
          ? `${isTs ? t.js.trim() : fn}`
          : `async function __rfai_case_${i}() { throw new SyntaxError(${JSON.stringify(`test case ${i} does not compile: ${t.error}`)}); }`,
      );
    }
    const head = [IMPORTS, prelude(input.nonce)].join('\n') + '\n';
    const program = [
      head + candidate,
      '\n;\n',
      cases.join('\n'),
      `\nconst __rfai_cases = [${input.tests.map((_, i) => `__rfai_case_${i}`).join(', ')}];`,
      HARNESS_END,
    ].join('\n');
    const candidateLines = { file: isTs ? 'solution.js (transpiled)' : 'solution.js', first: head.split('\n').length, count: candidate.split('\n').length };
    return { ...base, files: { 'main.mjs': program }, startMarker: true, candidateLines };
  },
};
