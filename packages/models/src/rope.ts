/**
 * Rotary position embeddings (default rope type), computed in JS with float32 rounding where transformers uses
 * float32: inv_freq[i] = 1 / theta^(2i/D) (i < D/2), angle = position * inv_freq, emb = concat(angles, angles).
 */

/** Cos/sin rows for any position; positions below `cachedPositions` come from a precomputed table. */
export class RopeTables {
  private readonly invFreq: Float32Array;
  private readonly cos: Float32Array;
  private readonly sin: Float32Array;

  /**
   * @param headDim D (even)
   * @param theta rope_theta
   * @param cachedPositions positions precomputed (max_position_embeddings)
   */
  constructor(
    readonly headDim: number,
    readonly theta: number,
    readonly cachedPositions: number,
  ) {
    const half = headDim / 2;
    this.invFreq = new Float32Array(half);
    for (let i = 0; i < half; i++) {
      this.invFreq[i] = 1 / Math.fround(Math.pow(theta, Math.fround((2 * i) / headDim)));
    }
    this.cos = new Float32Array(cachedPositions * headDim);
    this.sin = new Float32Array(cachedPositions * headDim);
    for (let p = 0; p < cachedPositions; p++) this.fill(p, this.cos, this.sin, p * headDim);
  }

  private fill(pos: number, cos: Float32Array, sin: Float32Array, off: number): void {
    const half = this.headDim / 2;
    for (let i = 0; i < half; i++) {
      const a = Math.fround(pos * this.invFreq[i]);
      const c = Math.cos(a);
      const s = Math.sin(a);
      cos[off + i] = c;
      cos[off + half + i] = c;
      sin[off + i] = s;
      sin[off + half + i] = s;
    }
  }

  /**
   * Cos and sin for a flat list of positions, each row D wide: returns two Float32Arrays of length positions*D.
   */
  gather(positions: ArrayLike<number>): { cos: Float32Array; sin: Float32Array } {
    const D = this.headDim;
    const cos = new Float32Array(positions.length * D);
    const sin = new Float32Array(positions.length * D);
    for (let j = 0; j < positions.length; j++) {
      const p = positions[j];
      if (p < this.cachedPositions) {
        cos.set(this.cos.subarray(p * D, (p + 1) * D), j * D);
        sin.set(this.sin.subarray(p * D, (p + 1) * D), j * D);
      } else {
        this.fill(p, cos, sin, j * D);
      }
    }
    return { cos, sin };
  }
}
