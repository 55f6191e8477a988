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

// Batch mode: one sandboxed python3 (the batch parent) runs several programs, each in a child forked from it (so
// python's ~50-100 ms start-up and the sandbox's process chain are paid once per batch, not per program). Each
// child gets its own process group, fresh directory, /dev/null stdin, pipes for stdout and stderr (it never sees
// the parent's stdout, where the results go), its own RLIMIT_CPU and RLIMIT_AS, and nothing of the other
// programs but what fork copied. The parent enforces each child's wall-clock limit and output cap, kills its
// process group when it ends, and writes one line per child:
//   <batch nonce> item <k> <exit code|-> <signal number|-> <timed out 0|1> <output exceeded 0|1> <wall ms> <stdout b64> <stderr b64>
const BATCH = String.raw`

def _rfai_batch(bnonce, out_cap, items):
    import binascii, resource, select, shutil, signal, time
    os = _rfai_os
    base = os.getcwd()
    for k, (nonce, source, cases, wall_ms, cpu_s, as_bytes) in enumerate(items):
        d = os.path.join(base, "run%d" % k)
        os.mkdir(d, 0o700)
        o_r, o_w = os.pipe()
        e_r, e_w = os.pipe()
        t0 = time.monotonic()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.setpgid(0, 0)
                os.dup2(o_w, 1)
                os.dup2(e_w, 2)
                nul = os.open(os.devnull, os.O_RDONLY)
                os.dup2(nul, 0)
                os.closerange(3, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
                os.chdir(d)
                os.environ["HOME"] = d
                os.environ["TMPDIR"] = d
                resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
                resource.setrlimit(resource.RLIMIT_AS, (as_bytes, as_bytes))
                del items
                try:
                    _rfai_main(nonce, source, cases)
                    code = 0
                except SystemExit as e:
                    if e.code is None:
                        code = 0
                    elif isinstance(e.code, int):
                        code = e.code & 0xFF
                    else:
                        try:
                            _rfai_sys.stderr.write(str(e.code) + "\n")
                        except BaseException:
                            pass
                        code = 1
                except BaseException:
                    try:
                        import traceback
                        traceback.print_exc()
                    except BaseException:
                        pass
                    code = 1
            finally:
                for f in (_rfai_sys.stdout, _rfai_sys.stderr):
                    try:
                        f.flush()
                    except BaseException:
                        pass
                os._exit(code)
        os.close(o_w)
        os.close(e_w)
        bufs = {o_r: [], e_r: []}
        total = 0
        timed_out = False
        exceeded = False
        deadline = t0 + wall_ms / 1000.0
        open_fds = [o_r, e_r]
        status = None
        exited_at = 0.0
        try:
            pfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            pfd = None
        pause = 0.0005
        # Until the child has exited and its pipes are closed; a descendant that keeps them open after the child
        # exited gets 200 ms (then the group is killed), the wall-clock limit bounds everything.
        while True:
            now = time.monotonic()
            if status is None:
                done, st = os.waitpid(pid, os.WNOHANG)
                if done != 0:
                    status = st
                    exited_at = now
            if status is not None and (not open_fds or now - exited_at >= 0.2):
                break
            left = deadline - now
            if left <= 0:
                timed_out = True
                break
            wait_fds = list(open_fds)
            if status is not None:
                tmo = min(left, exited_at + 0.2 - now)
            elif pfd is not None:
                wait_fds.append(pfd)
                tmo = left
            else:
                tmo = min(left, pause)
                pause = min(pause * 2, 0.02)
            if not wait_fds:
                time.sleep(max(tmo, 0))
                continue
            try:
                ready = select.select(wait_fds, [], [], max(tmo, 0))[0]
            except InterruptedError:
                continue
            for fd in ready:
                if fd == pfd:
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    open_fds.remove(fd)
                    continue
                room = out_cap - total
                if len(chunk) > room:
                    if room > 0:
                        bufs[fd].append(chunk[:room])
                    total = out_cap
                    exceeded = True
                else:
                    bufs[fd].append(chunk)
                    total += len(chunk)
            if exceeded:
                break
        if pfd is not None:
            os.close(pfd)
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        if status is None:
            status = os.waitpid(pid, 0)[1]
        wall = (time.monotonic() - t0) * 1000.0
        os.close(o_r)
        os.close(e_r)
        exit_code = str(os.WEXITSTATUS(status)) if os.WIFEXITED(status) else "-"
        sig = str(os.WTERMSIG(status)) if os.WIFSIGNALED(status) else "-"
        line = "%s item %d %s %s %d %d %d %s %s\n" % (
            bnonce, k, exit_code, sig, timed_out, exceeded, int(wall),
            binascii.b2a_base64(b"".join(bufs[o_r]), newline=False).decode("ascii") or "-",
            binascii.b2a_base64(b"".join(bufs[e_r]), newline=False).decode("ascii") or "-")
        data = line.encode("ascii")
        while data:
            data = data[os.write(1, data):]
        shutil.rmtree(d, ignore_errors=True)
`;

/** One program of a python batch. */
export interface PythonBatchItem {
  nonce: string;
  code: string;
  tests: readonly string[];
  wallMs: number;
  cpuSeconds: number;
  memoryMb: number;
}

/** The batch parent's program (see BATCH above): `python3 -I -B main.py` runs it. */
export function pythonBatchProgram(batchNonce: string, outputCapBytes: number, items: readonly PythonBatchItem[]): string {
  const rows = items.map((it) => [it.nonce, it.code, it.tests, it.wallMs, it.cpuSeconds, it.memoryMb * 1024 * 1024]);
  return DRIVER + BATCH + `_rfai_batch(${JSON.stringify(batchNonce)}, ${outputCapBytes}, ${JSON.stringify(rows)})\n`;
}

/** One child's outcome as the batch parent reported it. */
export interface PythonBatchFrame {
  index: number;
  exitCode: number | null;
  signal: number | null;
  timedOut: boolean;
  outputExceeded: boolean;
  wallMs: number;
  stdout: string;
  stderr: string;
}

/** Reads the batch parent's `<nonce> item ...` lines (others are ignored; the first line of an index wins). */
export function parsePythonBatch(stdout: string, batchNonce: string, count: number): Map<number, PythonBatchFrame> {
  const frames = new Map<number, PythonBatchFrame>();
  const prefix = `${batchNonce} item `;
  const b64 = (s: string): string => (s === '-' ? '' : Buffer.from(s, 'base64').toString('utf8'));
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const f = line.slice(prefix.length).split(' ');
    if (f.length !== 8) continue;
    const index = Number(f[0]);
    if (!Number.isInteger(index) || index < 0 || index >= count || frames.has(index)) continue;
    frames.set(index, {
      index,
      exitCode: f[1] === '-' ? null : Number(f[1]),
      signal: f[2] === '-' ? null : Number(f[2]),
      timedOut: f[3] === '1',
      outputExceeded: f[4] === '1',
      wallMs: Number(f[5]),
      stdout: b64(f[6]!),
      stderr: b64(f[7]!),
    });
  }
  return frames;
}

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
