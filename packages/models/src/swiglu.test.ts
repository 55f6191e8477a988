// The fused SwiGLU gradient (swiglu.ts) against tfjs' autodiff of the plain expression and against central
// differences in float64; its forward equals the plain expression exactly; it keeps fewer tensors on the tape.
import { initBackend, tf } from '@rfai/core';
import { swiglu } from './swiglu';

function values(n: number, seed: number, scale = 3): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

const plain = (g: tf.Tensor, u: tf.Tensor) => tf.mul(tf.mul(g, tf.sigmoid(g)), u);

describe.each(['cpu', 'wasm'] as const)('swiglu on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, threads: 1 });
  });
  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  const shape: [number, number] = [5, 24];
  const gv = values(120, 1);
  const uv = values(120, 2);
  const wv = values(120, 3, 1);

  it('forward: exactly the plain expression, with and without a tape', () => {
    const g = tf.tensor2d(gv, shape);
    const u = tf.tensor2d(uv, shape);
    const want = Array.from(plain(g, u).dataSync());
    expect(Array.from(swiglu(g, u).dataSync())).toEqual(want);
    const taped = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
      const y = swiglu(a, b);
      expect(Array.from(y.dataSync())).toEqual(want);
      return tf.sum(y);
    })([g, u]);
    tf.dispose([g, u, ...taped]);
  });

  it('gradients: equal autodiff of the plain expression, and central differences in float64', () => {
    const g = tf.tensor2d(gv, shape);
    const u = tf.tensor2d(uv, shape);
    const w = tf.tensor2d(wv, shape);
    const loss = (f: typeof swiglu) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), w));
    const [dg, du] = tf.grads(loss(swiglu))([g, u]).map((t) => Array.from(t.dataSync()));
    const [wg, wu] = tf.grads(loss(plain))([g, u]).map((t) => Array.from(t.dataSync()));
    for (let i = 0; i < dg.length; i++) {
      expect(Math.abs(dg[i] - wg[i])).toBeLessThan(1e-5 * (1 + Math.abs(wg[i])));
      expect(Math.abs(du[i] - wu[i])).toBeLessThan(1e-5 * (1 + Math.abs(wu[i])));
    }
    // Central differences of sum(w * silu(g) * u) in float64, element by element.
    const f64 = (x: number, y: number) => (x / (1 + Math.exp(-x))) * y;
    const h = 1e-5;
    for (const i of [0, 17, 63, 119]) {
      const fdG = (wv[i] * (f64(gv[i] + h, uv[i]) - f64(gv[i] - h, uv[i]))) / (2 * h);
      const fdU = (wv[i] * (f64(gv[i], uv[i] + h) - f64(gv[i], uv[i] - h))) / (2 * h);
      expect(Math.abs(dg[i] - fdG)).toBeLessThan(1e-4 * (1 + Math.abs(fdG)));
      expect(Math.abs(du[i] - fdU)).toBeLessThan(1e-4 * (1 + Math.abs(fdU)));
    }
    tf.dispose([g, u, w]);
  });

  it('keeps 2 tensors on the tape where the plain expression keeps 5, and leaks nothing', () => {
    const g = tf.tensor2d(gv, shape);
    const u = tf.tensor2d(uv, shape);
    const savedBy = (f: typeof swiglu) => {
      let saved = -1;
      const r = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
        const y = f(a, b);
        const tape = (tf.engine() as unknown as { state: { activeTape: Array<{ saved?: tf.Tensor[] }> } }).state.activeTape;
        saved = tape.reduce((n, node) => n + (node.saved?.length ?? 0), 0);
        return tf.sum(y);
      })([g, u]);
      tf.dispose(r);
      return saved;
    };
    const n0 = tf.memory().numTensors;
    expect(savedBy(swiglu)).toBe(2);
    expect(savedBy(plain)).toBe(5);
    expect(tf.memory().numTensors).toBe(n0);
    tf.dispose([g, u]);
  });
});
