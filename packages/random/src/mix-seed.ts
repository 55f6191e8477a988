// Seed derivation: one 32-bit seed from a base seed and any other numbers (an epoch, a purpose tag, a hash),
// so each consumer gets its own Rng stream from the one configured seed.

/** Mixes a 32-bit value (murmur3 finaliser). */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Derives an unsigned 32-bit seed from any number of safe integers (e.g. a base seed and an epoch):
 * `new Rng(mixSeed(seed, epoch))`. Both 32-bit halves of each part count, so 2^40 + 1 and 1 differ.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    const lo = p >>> 0;
    const hi = Math.floor(p / 0x100000000) >>> 0;
    h = fmix32((h ^ lo) + 0x7f4a7c15);
    h = fmix32((h ^ hi) + 0x165667b1);
  }
  return h;
}
