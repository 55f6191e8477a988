// Python runner: python3 -I -B on one file: a driver that deletes itself, compiles the candidate (a syntax error is
// reported as compile_error), runs it as a module named 'solution' (its `if __name__ == '__main__':` block does
// not run), then each case as the body of its own function whose globals are the candidate's, under
// try/except BaseException, reporting `<nonce> <i> ok|fail <reason>` straight to fd 1.
import type { Runner, RunnerInput, RunPlan } from './runner';

const DRIVER = String.raw`import os as _rfai_os, sys as _rfai_sys
try:
    _rfai_os.unlink(__file__)
except OSError:
    pass
# Running as root, glibc's secure-execution mode drops TMPDIR at exec: restore it (the run directory).
if "TMPDIR" not in _rfai_os.environ and "HOME" in _rfai_os.environ:
    _rfai_os.environ["TMPDIR"] = _rfai_os.environ["HOME"]


def _rfai_main(nonce, source, cases):
    write = _rfai_os.write

    def emit(text):
        try:
            write(1, ("\n" + nonce + " " + text + "\n").encode("utf-8", "replace"))
        except OSError:
            pass

    def one_line(e, i=None, body=None):
        try:
            msg = str(e)
        except BaseException:
            msg = ""
        try:
            name = type(e).__name__
        except BaseException:
            name = "exception"
        where = ""
        if body is not None:
            try:
                tb = e.__traceback__
                line = None
                while tb is not None:
                    if tb.tb_frame.f_code.co_filename == "<test %d>" % i:
                        line = tb.tb_lineno
                    tb = tb.tb_next
                if line is not None:
                    lines = body.split("\n")
                    if 2 <= line <= len(lines) + 1:
                        where = " at: " + lines[line - 2].strip()
            except BaseException:
                pass
        text = name + (": " + msg if msg else "") + where
        return " ".join(text.split())[:300]

    try:
        code = compile(source, "solution.py", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        line = getattr(e, "lineno", None)
        emit("compile_error " + one_line(e) + (" (solution.py line %d)" % line if line else ""))
        _rfai_sys.exit(3)
    g = {"__name__": "solution", "__builtins__": __builtins__}
    # A SystemExit (or any exception) here ends the run: the cases then count as failed.
    exec(code, g)
    for i, body in enumerate(cases):
        try:
            text = "def __rfai_case():\n" + "".join("    " + l + "\n" for l in body.split("\n")) + "    pass\n"
            ns = {}
            exec(compile(text, "<test %d>" % i, "exec", dont_inherit=True), g, ns)
            ns["__rfai_case"]()
        except BaseException as e:
            emit("%d fail %s" % (i, one_line(e, i, body)))
        else:
            emit("%d ok" % i)


`;

export const pythonRunner: Runner = {
  plan(input: RunnerInput): RunPlan {
    // JSON string literals are valid Python string literals (the escapes JSON uses are a subset of Python's).
    const program = DRIVER + `_rfai_main(${JSON.stringify(input.nonce)}, ${JSON.stringify(input.code)}, ${JSON.stringify(input.tests)})\n`;
    return {
      files: { 'main.py': program },
      argv: [input.toolchain.path ?? 'python3', '-I', '-B', 'main.py'],
      addressSpaceMb: input.memoryMb,
      flags: ['-I', '-B'],
    };
  },
};
