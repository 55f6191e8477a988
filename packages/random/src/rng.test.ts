import { RandomError, Rng, RngOptionError, RngStateError } from './index';

/** Reference xoshiro128** written with BigInt, independent of rng.ts. */
function referenceStream(s0: number[], n: number): number[] {
  const M = 0xffffffffn;
  const s = s0.map(BigInt);
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Number((rotl((s[1] * 5n) & M, 7n) * 9n) & M));
    const t = (s[1] << 9n) & M;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
  }
  return out;
}

describe('Rng', () => {
  it('implements xoshiro128** (reference outputs for state [1, 2, 3, 4])', () => {
    const rng = Rng.fromState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 4], spareNormal: null });
    const got = Array.from({ length: 200 }, () => rng.nextUint32());
    expect(got.slice(0, 4)).toEqual([11520, 0, 5927040, 70819200]);
    expect(got).toEqual(referenceStream([1, 2, 3, 4], 200));
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43), d = new Rng(2 ** 40 + 42);
    const draw = (r: Rng) => Array.from({ length: 8 }, () => r.nextUint32());
    const da = draw(a);
    expect(draw(b)).toEqual(da);
    expect(draw(c)).not.toEqual(da);
    expect(draw(d)).not.toEqual(da);
    expect(new Rng(0).getState().s.some((w) => w !== 0)).toBe(true);
  });

  it('keeps the seeding and the state that checkpoints store (values of the Rng as it shipped in @rfai/core)', () => {
    const rng = new Rng(42);
    expect(rng.getState()).toEqual({ algorithm: 'xoshiro128**', s: [939911724, 3948730756, 321366731, 3317318717], spareNormal: null });
    rng.normal();
    const saved = { algorithm: 'xoshiro128**' as const, s: [2211311650, 1639752229, 3329302215, 2393945593] as [number, number, number, number], spareNormal: 0.9491474351894811 };
    expect(rng.getState()).toEqual(saved);
    const resumed = Rng.fromState(saved);
    expect([resumed.nextUint32(), resumed.int(1000), resumed.normal()]).toEqual([339756180, 290, 0.9491474351894811]);
  });

  it('uniform() is in [0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = new Rng(7);
    const xs = Array.from({ length: 20000 }, () => rng.uniform());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.003);
  });

  it('uniform() combines two outputs into 53 bits', () => {
    const rng = Rng.fromState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 4], spareNormal: null });
    const [a, b] = referenceStream([1, 2, 3, 4], 2);
    expect(rng.uniform()).toBe(((a >>> 5) * 2 ** 26 + (b >>> 6)) / 2 ** 53);
  });

  it('normal() is Box-Muller with the spare kept in the state', () => {
    const rng = new Rng(11);
    const copy = rng.clone();
    const z1 = rng.normal();
    expect(rng.getState().spareNormal).not.toBeNull();
    const z2 = rng.normal();
    expect(rng.getState().spareNormal).toBeNull();
    const u1 = 1 - copy.uniform(), u2 = copy.uniform();
    expect(z1).toBe(Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    expect(z2).toBe(Math.sqrt(-2 * Math.log(u1)) * Math.sin(2 * Math.PI * u2));
    expect(rng.normal(3, 0)).toBe(3);

    const xs = Array.from({ length: 40000 }, () => rng.normal(1, 2));
    const mean = xs.reduce((a, b) => a + b) / xs.length;
    const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean - 1)).toBeLessThan(0.03);
    expect(Math.abs(std - 2)).toBeLessThan(0.03);
  });

  it('resumes exactly from a JSON round-tripped state, also with a spare normal pending', () => {
    const run = (r: Rng) => [r.uniform(), r.normal(), r.int(1000), r.categorical([0.2, 0.5, 0.3]), ...r.shuffle([1, 2, 3, 4, 5]), r.normal(), r.nextUint32()];
    const uninterrupted = new Rng(2024);
    const resumedFrom = new Rng(2024);
    run(uninterrupted);
    run(resumedFrom);
    uninterrupted.normal(); // leaves a spare
    resumedFrom.normal();
    const json = JSON.stringify(resumedFrom.getState());
    const restored = Rng.fromState(JSON.parse(json));
    expect(restored.getState()).toEqual(resumedFrom.getState());
    for (let i = 0; i < 5; i++) expect(run(restored)).toEqual(run(uninterrupted));
  });

  it('int(n) covers [0, n) evenly, including n above 2^32', () => {
    const rng = new Rng(5);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60000; i++) counts[rng.int(6)]++;
    counts.forEach((c) => expect(Math.abs(c - 10000)).toBeLessThan(400));
    for (let i = 0; i < 100; i++) {
      const v = rng.int(2 ** 40 + 3);
      expect(Number.isInteger(v) && v >= 0 && v < 2 ** 40 + 3).toBe(true);
    }
    expect(rng.int(1)).toBe(0);
  });

  it('shuffle() is a uniform in-place permutation', () => {
    const rng = new Rng(9);
    const arr = [1, 2, 3, 4, 5, 6, 7];
    expect(rng.shuffle(arr)).toBe(arr);
    expect([...arr].sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 6000; i++) {
      const k = rng.shuffle(['a', 'b', 'c']).join('');
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(['abc', 'acb', 'bac', 'bca', 'cab', 'cba']);
    Object.values(counts).forEach((c) => expect(Math.abs(c - 1000)).toBeLessThan(120));
    expect(rng.shuffle([])).toEqual([]);
  });

  it('next() is uniform(), and pick() takes the element at one int() draw', () => {
    const rng = new Rng(21);
    const copy = rng.clone();
    expect([rng.next(), rng.next()]).toEqual([copy.uniform(), copy.uniform()]);
    const items = ['a', 'b', 'c', 'd', 'e'] as const;
    const picked = Array.from({ length: 50 }, () => rng.pick(items));
    expect(picked).toEqual(Array.from({ length: 50 }, () => items[copy.int(items.length)]));
    expect(new Set(picked)).toEqual(new Set(items));
    expect(rng.pick(['only'])).toBe('only');
  });

  it('categorical() follows the given (unnormalised) probabilities and never picks a zero', () => {
    const rng = new Rng(13);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40000; i++) counts[rng.categorical(new Float32Array([1, 0, 3, 4]))]++;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[0] / 40000 - 1 / 8)).toBeLessThan(0.01);
    expect(Math.abs(counts[2] / 40000 - 3 / 8)).toBeLessThan(0.01);
    expect(Math.abs(counts[3] / 40000 - 4 / 8)).toBeLessThan(0.01);
    expect(rng.categorical([0, 0, 5])).toBe(2);
  });

  it('fork() gives an independent stream and advances the parent', () => {
    const a = new Rng(1);
    const b = new Rng(1);
    const child = a.fork();
    for (let i = 0; i < 4; i++) b.nextUint32();
    expect(a.nextUint32()).toBe(b.nextUint32());
    expect(child.nextUint32()).not.toBe(new Rng(1).nextUint32());
  });

  it('fills Float32Arrays for weight init', () => {
    const rng = new Rng(3);
    const copy = rng.clone();
    const w = rng.normalArray(5, 0, 0.02);
    expect(w).toBeInstanceOf(Float32Array);
    expect(Array.from(w)).toEqual(Array.from({ length: 5 }, () => Math.fround(copy.normal(0, 0.02))));
    const u = rng.uniformArray(1000, -1, 1);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u)).toBeLessThan(1);
  });

  it('rejects bad seeds, arguments and states with the value found', () => {
    expect(() => new Rng(-1)).toThrow(new RngOptionError('Rng seed', 'a non-negative safe integer', -1));
    expect(() => new Rng(1.5)).toThrow('Rng seed: expected a non-negative safe integer, found 1.5');
    expect(() => new Rng(2 ** 53)).toThrow(RngOptionError);
    const rng = new Rng(1);
    expect(() => rng.int(0)).toThrow('Rng.int n: expected a positive safe integer, found 0');
    expect(() => rng.int(2.5)).toThrow('found 2.5');
    expect(() => rng.categorical([0.5, -0.1])).toThrow('Rng.categorical probs[1]: expected a finite number >= 0, found -0.1');
    expect(() => rng.categorical([0.5, NaN])).toThrow('Rng.categorical probs[1]: expected a finite number >= 0, found NaN');
    expect(() => rng.categorical([0, 0])).toThrow('Rng.categorical probs: expected at least one positive probability, found [0, 0]');
    expect(() => rng.normalArray(-1)).toThrow('Rng.normalArray n: expected a non-negative integer, found -1');
    expect(() => Rng.fromState({ algorithm: 'pcg32', s: [1, 2, 3, 4], spareNormal: null } as never)).toThrow(
      new RngStateError(`Rng state: algorithm must be 'xoshiro128**', found "pcg32"`),
    );
    expect(() => Rng.fromState({ algorithm: 'xoshiro128**', s: [1, 2, 3], spareNormal: null } as never)).toThrow(
      'Rng state: s must be four unsigned 32-bit integers, found [1,2,3]',
    );
    expect(() => Rng.fromState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 2 ** 32], spareNormal: null })).toThrow('found [1,2,3,4294967296]');
    expect(() => Rng.fromState({ algorithm: 'xoshiro128**', s: [0, 0, 0, 0], spareNormal: null })).toThrow('Rng state: s is all zeros');
    expect(() => Rng.fromState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 4], spareNormal: 'x' as never })).toThrow(
      'Rng state: spareNormal must be a finite number or null, found "x"',
    );
    expect(() => Rng.fromState(null as never)).toThrow('Rng state: expected an object, found null');
    expect(() => rng.pick([])).toThrow('Rng.pick arr: expected a non-empty array, found []');
    expect(() => new Rng('5' as never)).toThrow('Rng seed: expected a non-negative safe integer, found "5"');
    for (const bad of [() => new Rng(-1), () => Rng.fromState(null as never)]) expect(bad).toThrow(RandomError);
  });
});
