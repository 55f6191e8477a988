/**
 * Seeded, resumable sampling of prompts for training: a new shuffle every
 * epoch, batches by prompt count that run across epoch boundaries, and a JSON
 * cursor that restores the exact order after a restart.
 */
import { mixSeed, Rng } from '@rfai/random';
import { DatasetCursorError } from './errors';

/**
 * Where a {@link DatasetSampler} stands; plain JSON, saved in trainer_state.json.
 * The next item is `order(epoch)[position]`.
 */
export interface SamplerCursor {
  /** 0-based epoch. */
  epoch: number;
  /** Items of this epoch already handed out, in [0, size]. */
  position: number;
  /** The sampler's seed. */
  seed: number;
  /** Dataset size when the cursor was taken; checked on restore when present. */
  size?: number;
}

/** Options of {@link DatasetSampler}. */
export interface DatasetSamplerOptions {
  /** Seed of the per-epoch shuffles (a safe integer). Default 0. */
  seed?: number;
  /** Shuffle every epoch (default true); false hands items out in order. */
  shuffle?: boolean;
  /** Resume from this cursor instead of the start. */
  cursor?: SamplerCursor;
}

/**
 * Hands out items of a fixed list in seeded random order, epoch after epoch.
 * Epoch e's order is a Fisher–Yates shuffle seeded from (seed, e), so it does
 * not depend on how batches were cut, and a cursor restores exactly.
 */
export class DatasetSampler<T> {
  /** The items sampled (not copied). */
  readonly items: readonly T[];
  /** The shuffle seed. */
  readonly seed: number;
  /** Whether epochs are shuffled. */
  readonly shuffle: boolean;
  private epochValue = 0;
  private positionValue = 0;
  private orderCache: { epoch: number; order: number[] } | undefined;

  /**
   * @throws DatasetCursorError when `items` is empty, the seed is not a safe
   *         integer, or `cursor` does not fit this dataset.
   */
  constructor(items: readonly T[], opts: DatasetSamplerOptions = {}) {
    if (items.length === 0) {
      throw new DatasetCursorError('DatasetSampler needs at least one item; the dataset is empty (check the file and the languages filter)');
    }
    const seed = opts.seed ?? 0;
    if (!Number.isSafeInteger(seed)) throw new DatasetCursorError(`sampler seed must be a safe integer, got ${seed}`);
    this.items = items;
    this.seed = seed;
    this.shuffle = opts.shuffle ?? true;
    if (opts.cursor) this.setCursor(opts.cursor);
  }

  /** The current epoch (0-based). */
  get epoch(): number {
    return this.epochValue;
  }

  /** Items of the current epoch already handed out. */
  get position(): number {
    return this.positionValue;
  }

  /** Number of items. */
  get size(): number {
    return this.items.length;
  }

  /** The index order of epoch `epoch` (a permutation of 0..size-1). */
  order(epoch: number): readonly number[] {
    if (this.orderCache?.epoch === epoch) return this.orderCache.order;
    const order = Array.from({ length: this.items.length }, (_, i) => i);
    if (this.shuffle) new Rng(mixSeed(this.seed, epoch)).shuffle(order);
    this.orderCache = { epoch, order };
    return order;
  }

  /**
   * The next `n` items (n ≥ 1). A batch that reaches the end of an epoch
   * continues with the next epoch's shuffle, so every batch has exactly n items.
   */
  nextBatch(n: number): T[] {
    if (!Number.isInteger(n) || n < 1) throw new DatasetCursorError(`batch size must be a positive integer, got ${n}`);
    const out: T[] = [];
    while (out.length < n) {
      if (this.positionValue >= this.items.length) {
        this.epochValue++;
        this.positionValue = 0;
      }
      const order = this.order(this.epochValue);
      out.push(this.items[order[this.positionValue]]);
      this.positionValue++;
    }
    return out;
  }

  /** The cursor to save: `{ epoch, position, seed, size }`. */
  getCursor(): SamplerCursor {
    return { epoch: this.epochValue, position: this.positionValue, seed: this.seed, size: this.items.length };
  }

  /**
   * Moves to a saved cursor.
   * @throws DatasetCursorError when it is malformed, was taken with another
   *         seed, or for a dataset of another size.
   */
  setCursor(cursor: SamplerCursor): void {
    if (cursor === null || typeof cursor !== 'object') {
      throw new DatasetCursorError(`sampler cursor must be an object {epoch, position, seed}, got ${JSON.stringify(cursor)}`);
    }
    const { epoch, position, seed, size } = cursor;
    if (!Number.isInteger(epoch) || epoch < 0) {
      throw new DatasetCursorError(`sampler cursor epoch must be a non-negative integer, got ${JSON.stringify(epoch)}`);
    }
    if (seed !== this.seed) {
      throw new DatasetCursorError(
        `sampler cursor was saved with seed ${JSON.stringify(seed)} but this sampler uses seed ${this.seed}; resume with the same data seed`,
      );
    }
    if (size !== undefined && size !== this.items.length) {
      throw new DatasetCursorError(
        `sampler cursor was saved for ${size} items but the dataset now has ${this.items.length}; ` +
          'resume with the same dataset file, languages and max samples',
      );
    }
    if (!Number.isInteger(position) || position < 0 || position > this.items.length) {
      throw new DatasetCursorError(
        `sampler cursor position must be an integer in [0, ${this.items.length}], got ${JSON.stringify(position)}`,
      );
    }
    this.epochValue = epoch;
    this.positionValue = position;
  }

  /** A new sampler over `items` positioned at `cursor` (its seed is taken from the cursor). */
  static fromCursor<T>(items: readonly T[], cursor: SamplerCursor, opts: { shuffle?: boolean } = {}): DatasetSampler<T> {
    return new DatasetSampler(items, { seed: cursor?.seed, shuffle: opts.shuffle, cursor });
  }
}
