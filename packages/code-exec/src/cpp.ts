// C++ runner: g++ -std=c++17 -O1 -pthread on one file: `#include <bits/stdc++.h>`, the candidate verbatim, then
// the harness: every identifier it uses is #undef'd first (a candidate macro cannot rewrite it), RFAI_CHECK /
// RFAI_EQ / RFAI_NEAR, one `[&]() { ... }` lambda per case under try/catch(...) in `main`. The nonce comes on
// stdin at run time, so the compiled program (which holds no nonce) can be cached.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashKey } from './cache';
import { firstLines, type PrepareContext, type Runner, type RunnerInput, type RunPlan } from './runner';

export const CPP_FLAGS = ['-std=c++17', '-O1', '-pthread'] as const;

const HELPERS = String.raw`namespace rfai_h {
struct check_failure : std::exception {
  std::string msg;
  explicit check_failure(std::string m) : msg(std::move(m)) {}
  const char* what() const noexcept override { return msg.c_str(); }
};
template <typename T, typename = void> struct printable : std::false_type {};
template <typename T> struct printable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>> : std::true_type {};
template <typename T> std::string show(const T& v) {
  if constexpr (printable<T>::value) {
    std::ostringstream os;
    os << std::setprecision(17) << v;
    std::string s = os.str();
    return s.size() > 80 ? s.substr(0, 77) + "..." : s;
  } else {
    return "<value>";
  }
}
inline void emit(const std::string& nonce, const std::string& text) {
  std::string line = "\n" + nonce + " " + text + "\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}
inline std::string one_line(std::string s) {
  for (char& c : s) if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s.size() > 300 ? s.substr(0, 300) : s;
}
}  // namespace rfai_h
#define RFAI_CHECK(cond) do { if (!(cond)) throw ::rfai_h::check_failure(std::string("RFAI_CHECK(") + #cond + ") failed"); } while (0)
#define RFAI_EQ(actual, expected) do { const auto& rfai_a_ = (actual); const auto& rfai_e_ = (expected); if (!(rfai_a_ == rfai_e_)) throw ::rfai_h::check_failure(std::string("RFAI_EQ(") + #actual + ", " + #expected + ") failed: expected " + ::rfai_h::show(rfai_e_) + ", got " + ::rfai_h::show(rfai_a_)); } while (0)
#define RFAI_NEAR(a, b, tol) do { const double rfai_x_ = (a), rfai_y_ = (b); if (!(std::fabs(rfai_x_ - rfai_y_) <= (tol))) throw ::rfai_h::check_failure(std::string("RFAI_NEAR(") + #a + ", " + #b + ") failed: expected " + ::rfai_h::show(rfai_y_) + ", got " + ::rfai_h::show(rfai_x_)); } while (0)
`;

const MAIN_HEAD = String.raw`int main() {
  std::string rfai_nonce;
  std::getline(std::cin, rfai_nonce);
  if (const char* h = std::getenv("HOME")) setenv("TMPDIR", h, 0);
`;

function caseBlock(i: number, body: string): string {
  return `  try {
    [&]() {
${body}
    }();
    ::rfai_h::emit(rfai_nonce, "${i} ok");
  } catch (const std::exception& rfai_e) {
    ::rfai_h::emit(rfai_nonce, std::string("${i} fail ") + ::rfai_h::one_line(rfai_e.what()));
  } catch (...) {
    ::rfai_h::emit(rfai_nonce, "${i} fail unknown exception");
  }
`;
}

/** `#undef` for every identifier of the harness text (keywords included: a macro may be named like one). */
function undefs(harness: string): string {
  const names = new Set(harness.replace(/"(?:[^"\\]|\\.)*"/g, '').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
  for (const n of ['define', 'undef', 'include']) names.delete(n);
  return [...names].map((n) => `#undef ${n}`).join('\n');
}

/** The compiler's first error lines, paths shortened. */
export function summarizeGcc(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.replace(/^[^\s:]*main\.cpp:/, 'main.cpp:'));
  const firstError = lines.findIndex((l) => /\berror\b/.test(l));
  return firstLines(lines.slice(Math.max(0, firstError - 1)).join('\n'), 6);
}

/**
 * Precompiles bits/stdc++.h once per (g++ version, flags) into `<cacheDir>/pch-<hash>/bits/stdc++.h.gch`;
 * `-I` that folder and g++ uses it (about 3.5x less compile CPU per program here). Returns the folder, or
 * undefined (with one warning) when the build fails.
 */
async function buildPch(ctx: PrepareContext): Promise<string | undefined> {
  const dir = path.join(ctx.cacheDir, `pch-${hashKey(['pch', ctx.toolchain.version, CPP_FLAGS]).slice(0, 16)}`);
  const gch = path.join(dir, 'bits', 'stdc++.h.gch');
  if (fs.existsSync(gch)) return dir;
  const r = await ctx.build({
    files: { 'pch.h': '#include <bits/stdc++.h>\n' },
    argv: [ctx.toolchain.path ?? 'g++', ...CPP_FLAGS, '-x', 'c++-header', 'pch.h', '-o', 'stdc++.h.gch'],
    collect: 'stdc++.h.gch',
    dest: gch,
    timeoutMs: 180_000,
    addressSpaceMb: 4096,
  });
  if (r.ok) return dir;
  ctx.logger.warn(`@rfai/code-exec: could not precompile bits/stdc++.h (C++ compiles will be slower): ${firstLines(r.stderr, 3)}`);
  return undefined;
}

export const cppRunner: Runner = {
  prepare: buildPch,
  plan(input: RunnerInput): RunPlan {
    const pch = typeof input.prepared === 'string' ? ['-I', input.prepared] : [];
    const cases = input.tests.map((t, i) => caseBlock(i, t)).join('');
    // The harness defines main; a candidate's own `int main(` is kept under another name.
    const code = input.code.replace(/\b(int|signed|auto)(\s+)main\s*\(/g, '$1$2rfai_candidate_main(');
    const harnessFixed = HELPERS + MAIN_HEAD + '  return 0;\n}\n';
    const source = [
      '#include <bits/stdc++.h>',
      '#line 1 "solution.cpp"',
      code,
      '',
      '#line 1 "harness.cpp"',
      undefs(harnessFixed + 'rfai_a_ rfai_e_ rfai_x_ rfai_y_ rfai_e rfai_nonce emit one_line show check_failure setenv getenv'),
      HELPERS,
      MAIN_HEAD + cases + '  std::fflush(stdout);\n  return 0;\n}\n',
    ].join('\n');
    const flags = [...CPP_FLAGS];
    return {
      files: {},
      compile: {
        sourceFile: 'main.cpp',
        source,
        artifact: 'prog',
        flags,
        argv: [input.toolchain.path ?? 'g++', ...flags, ...pch, '-o', 'prog', 'main.cpp'],
        addressSpaceMb: 4096,
        summarize: summarizeGcc,
      },
      argv: ['prog'],
      stdin: input.nonce + '\n',
      addressSpaceMb: input.memoryMb,
      flags,
    };
  },
};
