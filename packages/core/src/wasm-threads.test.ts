// The threaded wasm build: it starts under Node.js, its pool has the asked size, and every
// result equals the single-threaded build's (XNNPACK splits the output into tiles; each output
// element is still summed by one thread in the same order).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, initBackend, BackendError, Rng, MAX_WASM_THREADS, fewRowsSupported, fewRowsXWt, gemmAW, gemmAWSupported } from './index';
import { heapRowOps } from './wasm-rows';
import { setModuleLoaderForTests } from './backend';
import { setWorkerDirForTests, threadedWorkerScript, wasmThreadPool } from './wasm-threads';

const lines: string[] = [];
const log = (l: string) => lines.push(l);

/** Matmul cases: shapes, transposes, a batch, a broadcast batch, and a fused bias + activation. */
type Case = { name: string; a: number[]; b: number[]; ta?: boolean; tb?: boolean; fused?: boolean };
const CASES: Case[] = [
  { name: 'square 128', a: [128, 128], b: [128, 128] },
  { name: 'odd 257x130 . 130x67', a: [257, 130], b: [130, 67] },
  { name: 'transposeA', a: [96, 150], b: [96, 70], ta: true },
  { name: 'transposeB (weight [out, in])', a: [150, 96], b: [70, 96], tb: true },
  { name: 'both transposed', a: [40, 90], b: [60, 40], ta: true, tb: true },
  { name: 'batched [4,33,40] . [4,40,21]', a: [4, 33, 40], b: [4, 40, 21] },
  { name: 'batched [16,128,64] . [16,64,128]', a: [16, 128, 64], b: [16, 64, 128] },
  { name: 'batched, transposeB', a: [3, 50, 32], b: [3, 45, 32], tb: true },
  { name: 'broadcast batch [2,3,17,19] . [19,23]', a: [2, 3, 17, 19], b: [19, 23] },
  { name: 'fused bias + relu', a: [200, 64], b: [64, 96], fused: true },
];

function operands(c: Case, seed: number): [tf.Tensor, tf.Tensor] {
  const rng = new Rng(seed);
  const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
  return [tf.tensor(rng.uniformArray(size(c.a), -1, 1), c.a), tf.tensor(rng.uniformArray(size(c.b), -1, 1), c.b)];
}

function runCases(): Float32Array[] {
  return CASES.map((c, i) => {
    return tf.tidy(() => {
      const [a, b] = operands(c, 100 + i);
      const y = c.fused
        ? tf.fused.matMul({ a, b, bias: tf.linspace(-1, 1, c.b[1]), activation: 'relu' })
        : tf.matMul(a, b, c.ta ?? false, c.tb ?? false);
      return y.dataSync() as Float32Array;
    });
  });
}

/**
 * A 2-layer decoder forward and its gradients, from core ops only: embedding gather,
 * RMSNorm, attention with a causal mask and weights in [out, in] layout, SiLU MLP, tied LM
 * head, log-softmax cross-entropy. Returns the loss, the logits and every gradient, flattened.
 */
function tinyDecoder(): Float32Array[] {
  const V = 97, D = 64, H = 4, Hd = 16, F = 160, T = 24, B = 2, L = 2;
  const rng = new Rng(7);
  // tidy keeps variables and frees the tensors they were made from.
  const w = (shape: number[], std = 0.08) => tf.tidy(() => tf.variable(tf.tensor(rng.normalArray(shape.reduce((x, y) => x * y, 1), 0, std), shape)));
  const emb = w([V, D], 0.5);
  const ones = (n: number) => tf.tidy(() => tf.variable(tf.ones([n])));
  const layers = Array.from({ length: L }, () => ({ q: w([D, D]), k: w([D, D]), v: w([D, D]), o: w([D, D]), up: w([F, D]), gate: w([F, D]), down: w([D, F]), n1: ones(D), n2: ones(D) }));
  const ids = tf.tensor2d(Array.from({ length: B * T }, () => rng.int(V)), [B, T], 'int32');
  const targets = tf.tensor2d(Array.from({ length: B * T }, () => rng.int(V)), [B, T], 'int32');
  const rms = (x: tf.Tensor, g: tf.Tensor) => x.mul(x.square().mean(-1, true).add(1e-6).rsqrt()).mul(g);
  const lin = (x: tf.Tensor, wt: tf.Tensor) => tf.matMul(x.reshape([-1, x.shape[x.shape.length - 1]!]), wt, false, true).reshape([...x.shape.slice(0, -1), wt.shape[0]!]);
  const mask = tf.tidy(() => tf.linalg.bandPart(tf.ones([T, T]), -1, 0).sub(1).mul(1e9)); // 0 on and below the diagonal
  const forward = () => {
    let x = tf.gather(emb, ids); // [B, T, D]
    for (const p of layers) {
      const h = rms(x, p.n1);
      const heads = (t: tf.Tensor) => t.reshape([B, T, H, Hd]).transpose([0, 2, 1, 3]); // [B, H, T, Hd]
      const q = heads(lin(h, p.q)), k = heads(lin(h, p.k)), v = heads(lin(h, p.v));
      const att = tf.softmax(tf.matMul(q, k, false, true).div(Math.sqrt(Hd)).add(mask)); // [B, H, T, T]
      const ctx = tf.matMul(att, v).transpose([0, 2, 1, 3]).reshape([B, T, D]);
      x = x.add(lin(ctx, p.o));
      const m = rms(x, p.n2);
      x = x.add(lin(tf.mul(tf.sigmoid(lin(m, p.gate)).mul(lin(m, p.gate)), lin(m, p.up)), p.down));
    }
    const logits = tf.matMul(x.reshape([B * T, D]), emb, false, true); // [B*T, V]
    const logp = tf.logSoftmax(logits);
    const loss = tf.neg(tf.mean(tf.sum(logp.mul(tf.oneHot(targets.reshape([-1]), V)), -1))) as tf.Scalar;
    return { loss, logits };
  };
  const vars = [emb, ...layers.flatMap((p) => Object.values(p))];
  const out = tf.tidy(() => {
    const { logits } = forward();
    const { value, grads } = tf.variableGrads(() => forward().loss, vars);
    return [value, logits, ...vars.map((v) => grads[v.name])].map((t) => t.dataSync() as Float32Array);
  });
  tf.dispose([...vars, ids, targets, mask]);
  return out;
}

/**
 * @rfai/core's own wasm modules on the backend's heap (imported memory: the threaded build's is shared): the
 * few-rows product for 1-4 rows, the in-place gemmAW, batched products row by row (163 columns), and the SIMD
 * transpose, each checked as available first.
 */
function heapKernels(): Float32Array[] {
  const rng = new Rng(11);
  const t = (shape: number[]) => tf.tensor(rng.uniformArray(shape.reduce((x, y) => x * y, 1), -1, 1), shape);
  expect(heapRowOps(tf.backend())).not.toBeNull();
  return tf.tidy(() => {
    const w = t([37, 64]) as tf.Tensor2D;
    const out: tf.Tensor[] = [];
    for (let m = 1; m <= 4; m++) {
      const x = t([m, 64]) as tf.Tensor2D;
      expect(fewRowsSupported(x, w)).toBe(true);
      out.push(fewRowsXWt(x, w));
    }
    const dy = t([20, 37]) as tf.Tensor2D;
    expect(gemmAWSupported(dy, w)).toBe(true);
    out.push(gemmAW(dy, w));
    out.push(tf.matMul(t([8, 13, 32]), t([8, 32, 163])));
    out.push(tf.transpose(t([37, 45])));
    return out.map((y) => y.dataSync() as Float32Array);
  });
}

function maxAbsDiff(x: Float32Array, y: Float32Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

describe('wasm threads', () => {
  let realLoader: (name: string) => unknown;
  let single: { mm: Float32Array[]; model: Float32Array[]; heap: Float32Array[] };
  beforeAll(async () => {
    // As if @tensorflow/tfjs-node were not installed, whatever this machine has.
    realLoader = setModuleLoaderForTests((name) => {
      throw new Error(`Cannot find module '${name}'`);
    });
    const info = await initBackend({ backend: 'wasm', threads: 1, log });
    expect(info.reason).toMatch(/^wasm asked for explicitly; SIMD binary from .*, 1 thread$/);
    expect(wasmThreadPool()).toBeNull();
    single = { mm: runCases(), model: tinyDecoder(), heap: heapKernels() };
  });
  afterAll(() => setModuleLoaderForTests(realLoader));
  beforeEach(() => (lines.length = 0));

  it.each([2, 3])('starts the threaded build with %i threads and computes the same matmuls', async (threads) => {
    const info = await initBackend({ backend: 'wasm', threads, log });
    expect(info.threads).toBe(threads);
    expect(info.simd).toBe(true);
    expect(info.reason).toMatch(new RegExp(`^wasm asked for explicitly; threaded SIMD binary from .*, ${threads} threads`));
    expect(lines).toEqual([]);
    // The calling thread works too: threads - 1 pool workers, the pre-spawned spares freed.
    const pool = wasmThreadPool()!;
    expect(pool.runningWorkers.length).toBe(threads - 1);
    expect(pool.unusedWorkers.length).toBe(0);
    const mm = runCases();
    for (let i = 0; i < CASES.length; i++) {
      expect([CASES[i].name, mm[i].length]).toEqual([CASES[i].name, single.mm[i].length]);
      expect([CASES[i].name, maxAbsDiff(mm[i], single.mm[i])]).toEqual([CASES[i].name, 0]);
    }
  });

  it('runs a small decoder forward and backward to the same numbers on 2 threads', async () => {
    expect((await initBackend({ backend: 'wasm', threads: 2, log })).threads).toBe(2);
    const model = tinyDecoder();
    expect(model.length).toBe(single.model.length);
    expect(single.model[0][0]).toBeGreaterThan(Math.log(97) - 1); // a loss near ln(V): the model is untrained
    for (let i = 0; i < model.length; i++) {
      // Bit-identical: no kernel changes its summation order with the thread count.
      expect([i, maxAbsDiff(model[i], single.model[i])]).toEqual([i, 0]);
    }
  });

  it("runs @rfai/core's heap kernels on the threaded build's shared memory, to the same numbers", async () => {
    expect((await initBackend({ backend: 'wasm', threads: 2, log })).threads).toBe(2);
    const b = tf.backend() as unknown as { wasm: { wasmMemory: { buffer: ArrayBufferLike } } };
    expect(b.wasm.wasmMemory.buffer).toBeInstanceOf(SharedArrayBuffer);
    const heap = heapKernels();
    expect(heap.length).toBe(single.heap.length);
    for (let i = 0; i < heap.length; i++) expect([i, heap[i].length, maxAbsDiff(heap[i], single.heap[i])]).toEqual([i, single.heap[i].length, 0]);
  });

  it('keeps the module while tensors live on it, and says so', async () => {
    await initBackend({ backend: 'wasm', threads: 2, log });
    const held = tf.tensor1d([1, 2, 3]);
    try {
      const info = await initBackend({ backend: 'wasm', threads: 3, log });
      expect(info.threads).toBe(2);
      const note =
        'threads=3 not applied: the wasm backend already runs 2 threads and holds 1 tensor; ' +
        'call initBackend() before creating tensors on wasm (or dispose them first)';
      expect(info.reason).toMatch(new RegExp(`, 2 threads; ${note.replace(/[()]/g, '\\$&')}$`));
      expect(lines).toEqual([`@rfai/core: ${note}`]);
      expect(Array.from(tf.tidy(() => held.add(1).dataSync()))).toEqual([2, 3, 4]);
    } finally {
      held.dispose();
    }
  });

  it(`caps the pool at ${MAX_WASM_THREADS} threads and logs it`, async () => {
    const info = await initBackend({ backend: 'wasm', threads: 12, log });
    expect(info.threads).toBe(MAX_WASM_THREADS);
    expect(lines).toEqual([`@rfai/core: threads=12 capped at ${MAX_WASM_THREADS}: tfjs-backend-wasm 4.22 runs XNNPACK on at most ${MAX_WASM_THREADS} threads`]);
    const cores = os.availableParallelism();
    const oversubscribed = ` (more than the ${cores} cores Node.js reports: they time-share)`;
    expect(info.reason).toContain(`${MAX_WASM_THREADS} threads${MAX_WASM_THREADS > cores ? oversubscribed : ''}`);
    if (MAX_WASM_THREADS <= cores) expect(info.reason).not.toContain('time-share');
    expect(Array.from(tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()))).toEqual([11]);
    expect(wasmThreadPool()!.runningWorkers.length).toBe(MAX_WASM_THREADS - 1);
  });

  it('falls back to the single-threaded build, and says why, when the worker script cannot be written', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rfai-core-')), 'not-a-dir');
    fs.writeFileSync(file, '');
    setWorkerDirForTests(file);
    try {
      const info = await initBackend({ backend: 'wasm', threads: 2, log });
      expect(info.threads).toBe(1);
      expect(wasmThreadPool()).toBeNull();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^@rfai\/core: threads=2 not applied: the threaded wasm build failed to start \(wasm threads: cannot write the pthread worker script to .*not-a-dir\/rfai-tfjs-wasm-[0-9a-f]{16}\.worker\.js \(.*\); point TMPDIR at a writable directory, or use threads: 1\); using the single-threaded build$/,
      );
      expect(info.reason).toMatch(/; SIMD binary from .*, 1 thread; threads=2 not applied: /);
    } finally {
      setWorkerDirForTests(null);
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
    const err = (() => {
      setWorkerDirForTests(file);
      try {
        return threadedWorkerScript();
      } catch (e) {
        return e;
      } finally {
        setWorkerDirForTests(null);
      }
    })();
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).packageName).toBe('@tensorflow/tfjs-backend-wasm');
  });

  it('writes the worker script once, named by its content', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfai-core-'));
    setWorkerDirForTests(dir);
    try {
      const a = threadedWorkerScript();
      const b = threadedWorkerScript();
      expect(b.file).toBe(a.file);
      expect(fs.readdirSync(dir)).toEqual([path.basename(a.file)]);
      const text = fs.readFileSync(a.file, 'utf8');
      expect(text.startsWith(a.text)).toBe(true);
      expect(text.slice(a.text.length)).toContain('tfjs-backend-wasm-threaded-simd.js');
    } finally {
      setWorkerDirForTests(null);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
