// Rust runner: rustc --edition 2021 -C opt-level=1 on one file: the allow(...) prelude, the candidate at the crate
// root, then `fn main` running each case as a closure under std::panic::catch_unwind with a silent panic hook.
// The nonce comes on stdin at run time, so the compiled program (which holds no nonce) can be cached.
import { firstLines, type Runner, type RunnerInput, type RunPlan } from './runner';

// opt-level 1: about 0.15 s more CPU per compile than 0 here, much faster programs (release-like semantics:
// no overflow checks). No symbols: smaller artifacts to cache and copy.
export const RUST_FLAGS = ['--edition', '2021', '-C', 'opt-level=1', '-C', 'debuginfo=0', '-C', 'strip=symbols'] as const;

const PRELUDE = '#![allow(unused, dead_code, unused_imports, unused_mut, unused_variables)]';

const MAIN_HEAD = `
fn rfai_panic_message(e: &(dyn std::any::Any + Send)) -> String {
    let s = if let Some(s) = e.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = e.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_string()
    };
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    s.chars().take(300).collect()
}

fn main() {
    let mut rfai_nonce = String::new();
    let _ = std::io::stdin().read_line(&mut rfai_nonce);
    let rfai_nonce = rfai_nonce.trim().to_string();
    if std::env::var_os("TMPDIR").is_none() {
        if let Some(h) = std::env::var_os("HOME") {
            std::env::set_var("TMPDIR", h);
        }
    }
    std::panic::set_hook(Box::new(|_| {}));
    let rfai_emit = |text: String| {
        use std::io::Write;
        let line = format!("\\n{} {}\\n", rfai_nonce, text);
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(line.as_bytes());
        let _ = out.flush();
    };
`;

function caseBlock(i: number, body: string): string {
  return `    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
${body}
    })) {
        Ok(_) => rfai_emit(format!("{} ok", ${i})),
        Err(e) => rfai_emit(format!("{} fail {}", ${i}, rfai_panic_message(&*e))),
    }
`;
}

/** The compiler's first error, paths shortened. */
export function summarizeRustc(stderr: string): string {
  const lines = stderr.split('\n');
  const first = lines.findIndex((l) => /^error/.test(l));
  return firstLines(lines.slice(Math.max(0, first)).join('\n'), 8);
}

export const rustRunner: Runner = {
  plan(input: RunnerInput): RunPlan {
    // The harness defines main; a candidate's own `fn main` is kept under another name.
    const code = input.code.replace(/\bfn\s+main\s*\(/g, 'fn rfai_candidate_main(');
    // The prelude shares the candidate's first line, so compiler messages carry the candidate's line numbers.
    const source = [PRELUDE + ' ' + code, MAIN_HEAD + input.tests.map((t, i) => caseBlock(i, t)).join('') + '}\n'].join('\n');
    const flags = [...RUST_FLAGS];
    return {
      files: {},
      compile: {
        sourceFile: 'main.rs',
        source,
        artifact: 'prog',
        flags,
        argv: [input.toolchain.path ?? 'rustc', ...flags, '-o', 'prog', 'main.rs'],
        addressSpaceMb: 8192,
        summarize: summarizeRustc,
      },
      argv: ['prog'],
      stdin: input.nonce + '\n',
      addressSpaceMb: input.memoryMb,
      flags,
    };
  },
};
