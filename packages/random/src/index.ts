// @rfai/random: rfai's one seeded pseudo-random generator (xoshiro128** with a JSON-serialisable state) and the
// seed mixer. No dependencies, so the light packages (datasets) and the tensor ones (core) share it.
export { Rng } from './rng';
export type { RngState } from './rng';
export { mixSeed } from './mix-seed';
export { RandomError, RngOptionError, RngStateError } from './errors';
