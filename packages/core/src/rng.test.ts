// The seeded generator is @rfai/random's (tested there); @rfai/core re-exports it so its API is unchanged.
import * as random from '@rfai/random';
import { Rng, RngOptionError, RngStateError, CoreError } from './index';

describe('Rng (re-exported from @rfai/random)', () => {
  it('is the same class, with the same errors, as @rfai/random', () => {
    expect(Rng).toBe(random.Rng);
    expect(RngStateError).toBe(random.RngStateError);
    expect(RngOptionError).toBe(random.RngOptionError);
    expect(() => new Rng(-1)).toThrow(new RngOptionError('Rng seed', 'a non-negative safe integer', -1));
    expect(() => Rng.fromState(null as never)).toThrow(RngStateError);
    expect(() => Rng.fromState(null as never)).not.toThrow(CoreError);
  });

  it('resumes a state saved by the Rng that lived in @rfai/core', () => {
    const rng = Rng.fromState({ algorithm: 'xoshiro128**', s: [2211311650, 1639752229, 3329302215, 2393945593], spareNormal: 0.9491474351894811 });
    expect([rng.nextUint32(), rng.int(1000), rng.normal()]).toEqual([339756180, 290, 0.9491474351894811]);
  });
});
