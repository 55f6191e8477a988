// Deterministic random numbers: xoshiro128** (Blackman & Vigna) seeded through
// splitmix32, with a JSON-serialisable state so a resumed run draws exactly the
// numbers the uninterrupted run would have drawn.
import { RngOptionError, RngStateError } from './errors';

/** Serialised state of an Rng: plain JSON, restored exactly by Rng.fromState(). */
export interface RngState {
  /** Always 'xoshiro128**'. */
  algorithm: 'xoshiro128**';
  /** The four 32-bit state words, as unsigned integers. */
  s: [number, number, number, number];
  /** The second normal deviate of the last Box-Muller pair, not yet returned (or null). */
  spareNormal: number | null;
}

const TWO_POW_32 = 4294967296;

/** splitmix32 step: spreads a seed over 32 bits (used only to fill the initial state). */
function splitmix32(x: number): [number, number] {
  const next = (x + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [next, (z ^ (z >>> 16)) >>> 0];
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/**
 * Seeded pseudo-random generator (xoshiro128**, period 2^128 - 1).
 *
 * The same seed gives the same sequence on every platform. rfai's one generator: parameter
 * init, sampling, shuffling, data order and the generated datasets all draw from it;
 * `getState()` / `Rng.fromState()` resume a stream exactly.
 */
export class Rng {
  private s: Uint32Array;
  private spare: number | null = null;

  /**
   * @param seed a non-negative safe integer (e.g. 42). Different seeds give unrelated streams;
   *   seeds up to 2^53 - 1 are all distinct.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RngOptionError('Rng seed', 'a non-negative safe integer', seed);
    }
    this.s = new Uint32Array(4);
    let x = (seed % TWO_POW_32) >>> 0;
    let hi = Math.floor(seed / TWO_POW_32) >>> 0;
    for (let i = 0; i < 4; i++) {
      let out: number;
      [x, out] = splitmix32(x ^ hi);
      hi = 0;
      this.s[i] = out;
    }
    if (this.s.every((w) => w === 0)) this.s[0] = 1; // the all-zero state is a fixed point
  }

  /** Restores a generator from getState(); the next draws continue the saved stream. */
  static fromState(state: RngState): Rng {
    if (state == null || typeof state !== 'object') throw new RngStateError(`Rng state: expected an object, found ${String(state)}`);
    if (state.algorithm !== 'xoshiro128**') {
      throw new RngStateError(`Rng state: algorithm must be 'xoshiro128**', found ${JSON.stringify(state.algorithm)}`);
    }
    if (!Array.isArray(state.s) || state.s.length !== 4 || !state.s.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32)) {
      throw new RngStateError(`Rng state: s must be four unsigned 32-bit integers, found ${JSON.stringify(state.s)}`);
    }
    if (state.s.every((w) => w === 0)) throw new RngStateError('Rng state: s is all zeros, which xoshiro128** never reaches');
    if (state.spareNormal !== null && !Number.isFinite(state.spareNormal)) {
      throw new RngStateError(`Rng state: spareNormal must be a finite number or null, found ${JSON.stringify(state.spareNormal)}`);
    }
    const rng = new Rng(0);
    rng.s = Uint32Array.from(state.s);
    rng.spare = state.spareNormal;
    return rng;
  }

  /** A JSON-safe snapshot of the generator; JSON.stringify / parse round-trips it exactly. */
  getState(): RngState {
    return { algorithm: 'xoshiro128**', s: [this.s[0], this.s[1], this.s[2], this.s[3]], spareNormal: this.spare };
  }

  /** An independent copy with the same state. */
  clone(): Rng {
    return Rng.fromState(this.getState());
  }

  /** Next raw 32-bit output, an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** The same as uniform(): a float in [0, 1). */
  next(): number {
    return this.uniform();
  }

  /**
   * Normal deviate (Box-Muller). Each pair of uniforms gives two deviates; the second
   * is kept in the state (spareNormal) and returned by the next call.
   * @param mean default 0
   * @param std default 1
   */
  normal(mean = 0, std = 1): number {
    let z: number;
    if (this.spare !== null) {
      z = this.spare;
      this.spare = null;
    } else {
      const u1 = 1 - this.uniform(); // (0, 1]: log never sees 0
      const u2 = this.uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      const theta = 2 * Math.PI * u2;
      z = r * Math.cos(theta);
      this.spare = r * Math.sin(theta);
    }
    return mean + std * z;
  }

  /**
   * Uniform integer in [0, n), without modulo bias (rejection sampling).
   * @param n a positive safe integer
   */
  int(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) throw new RngOptionError('Rng.int n', 'a positive safe integer', n);
    if (n <= TWO_POW_32) {
      const limit = TWO_POW_32 - (TWO_POW_32 % n); // accept draws below the largest multiple of n
      for (;;) {
        const x = this.nextUint32();
        if (x < limit) return x % n;
      }
    }
    const max = 9007199254740992; // 2^53
    const limit = max - (max % n);
    for (;;) {
      const x = this.uniform() * max;
      if (x < limit) return x % n;
    }
  }

  /** Shuffles `arr` in place (Fisher-Yates) and returns it. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = arr[i];
      arr[i] = arr[j];
      arr[j] = tmp;
    }
    return arr;
  }

  /** One element of a non-empty array, each with probability 1 / arr.length (one int() draw). */
  pick<T>(arr: readonly T[]): T {
    if (!Array.isArray(arr) || arr.length === 0) throw new RngOptionError('Rng.pick arr', 'a non-empty array', arr);
    return arr[this.int(arr.length)];
  }

  /**
   * Index i drawn with probability probs[i] / sum(probs). probs need not sum to 1;
   * each must be finite and >= 0, and the sum > 0.
   */
  categorical(probs: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < probs.length; i++) {
      const p = probs[i];
      if (!Number.isFinite(p) || p < 0) {
        throw new RngOptionError(`Rng.categorical probs[${i}]`, 'a finite number >= 0', p);
      }
      total += p;
    }
    if (!(total > 0)) throw new RngOptionError('Rng.categorical probs', 'at least one positive probability', Array.from(probs));
    const u = this.uniform() * total;
    let acc = 0;
    let last = -1;
    for (let i = 0; i < probs.length; i++) {
      if (probs[i] === 0) continue;
      acc += probs[i];
      last = i;
      if (u < acc) return i;
    }
    return last; // u landed in the rounding gap above the accumulated sum
  }

  /** Float32Array of n normal deviates (mean, std): e.g. weight init. */
  normalArray(n: number, mean = 0, std = 1): Float32Array {
    if (!Number.isSafeInteger(n) || n < 0) throw new RngOptionError('Rng.normalArray n', 'a non-negative integer', n);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** Float32Array of n uniforms in [low, high). */
  uniformArray(n: number, low = 0, high = 1): Float32Array {
    if (!Number.isSafeInteger(n) || n < 0) throw new RngOptionError('Rng.uniformArray n', 'a non-negative integer', n);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = low + (high - low) * this.uniform();
    return out;
  }

  /**
   * A new generator whose stream is independent of this one, derived from this one's next
   * outputs (advances this generator by four draws). Use to give each consumer its own stream.
   */
  fork(): Rng {
    const child = new Rng(0);
    child.s = Uint32Array.from([this.nextUint32(), this.nextUint32(), this.nextUint32(), this.nextUint32()]);
    if (child.s.every((w) => w === 0)) child.s[0] = 1;
    return child;
  }
}
