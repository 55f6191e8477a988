import { loraProductNorm, tensorStats } from './tensor-stats';

test('tensorStats: norm, rms, mean, range, non-finite', () => {
  const s = tensorStats('w', 'F32', [2, 3], Float32Array.from([3, -4, 0, NaN, 12, Infinity]));
  expect(s.numel).toBe(6);
  expect(s.nonFinite).toBe(2);
  expect(s.l2).toBeCloseTo(13, 12); // sqrt(9 + 16 + 144)
  expect(s.rms).toBeCloseTo(13 / 2, 12); // 4 finite values
  expect(s.mean).toBeCloseTo(11 / 4, 12);
  expect([s.min, s.max]).toEqual([-4, 12]);
});

test('tensorStats: integer and bigint values; empty tensor', () => {
  expect(tensorStats('i', 'I64', [2], [BigInt(-2), BigInt(5)]).max).toBe(5);
  const e = tensorStats('e', 'F32', [0], new Float32Array(0));
  expect([e.l2, e.rms, e.min, e.max]).toEqual([0, 0, null, null]);
});

test('loraProductNorm equals the Frobenius norm of the explicit product', () => {
  // deterministic pseudo-random values (LCG)
  let x = 12345;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const r = 3, inDim = 5, outDim = 4;
  const a = Float32Array.from({ length: r * inDim }, rnd);
  const b = Float32Array.from({ length: outDim * r }, rnd);
  let sq = 0;
  for (let o = 0; o < outDim; o++) {
    for (let k = 0; k < inDim; k++) {
      let v = 0;
      for (let i = 0; i < r; i++) v += b[o * r + i] * a[i * inDim + k];
      sq += v * v;
    }
  }
  expect(loraProductNorm(a, [r, inDim], b, [outDim, r])).toBeCloseTo(Math.sqrt(sq), 10);
  expect(loraProductNorm(a, [r, inDim], new Float32Array(outDim * r), [outDim, r])).toBe(0);
});

test('loraProductNorm rejects shapes that do not chain', () => {
  expect(() => loraProductNorm(new Float32Array(6), [2, 3], new Float32Array(12), [4, 3])).toThrow(
    'LoRA shapes do not chain: lora_A is [2, 3], lora_B is [4, 3]; expected A [r, in] and B [out, r].',
  );
});
