// A [rows, cols] float32 tensor assembled from blocks of rows that arrive one at a time (an LM head's weight
// gradient, vocabulary chunk by chunk). tf.concat needs every block alive at once and then allocates the result
// beside them: twice the tensor at its peak (2 x 311 MB for a [151,936, 512] head). Here the result is allocated
// first and each block is copied into its rows as it comes, so the caller can free the block at once: the peak is
// the result plus one block. On wasm the copy goes heap to heap; elsewhere through one JavaScript array that becomes
// the tensor's data.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from './tf';
import { CoreError } from './errors';
import type { WasmBackendHeap } from './wasm-encoder';

type HeapBackend = WasmBackendHeap & { disposeData(dataId: object, force?: boolean): boolean };

function heapBackend(): HeapBackend | null {
  if (tf.getBackend() !== 'wasm') return null;
  const b = tf.backend() as unknown as Partial<HeapBackend>;
  return typeof b.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function' ? (b as HeapBackend) : null;
}

/** Builds a float32 [rows, cols] tensor block by block (see the file comment); every row must be written once. */
export class RowAssembler {
  private readonly heap: HeapBackend | null;
  private info: TensorInfo | null = null;
  private values: Float32Array | null = null;
  private readonly written: Uint8Array;
  private remaining: number;
  private done = false;

  constructor(
    readonly rows: number,
    readonly cols: number,
  ) {
    if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1) {
      throw new CoreError(`RowAssembler: rows and cols must be positive integers, got [${rows}, ${cols}]`);
    }
    this.heap = heapBackend();
    if (this.heap) this.info = this.heap.makeOutput([rows, cols], 'float32');
    else this.values = new Float32Array(rows * cols);
    this.written = new Uint8Array(rows);
    this.remaining = rows;
  }

  /** Copies `block` [m, cols] (float32) into rows row0 .. row0 + m - 1. Does not dispose it. */
  write(row0: number, block: tf.Tensor): void {
    if (this.done) throw new CoreError('RowAssembler.write: the tensor was already finished or disposed');
    const [m, c] = block.shape;
    if (block.rank !== 2 || c !== this.cols || block.dtype !== 'float32') {
      throw new CoreError(`RowAssembler.write: expected a float32 [m, ${this.cols}] block, got ${block.dtype} [${block.shape}]`);
    }
    if (!Number.isInteger(row0) || row0 < 0 || row0 + m > this.rows) {
      throw new CoreError(`RowAssembler.write: rows ${row0}..${row0 + m - 1} fall outside 0..${this.rows - 1}`);
    }
    for (let r = row0; r < row0 + m; r++) {
      if (this.written[r]) throw new CoreError(`RowAssembler.write: row ${r} was already written`);
    }
    if (this.heap && this.info) {
      // Views made now: an allocation since the last write may have grown (and detached) the heap.
      const src = this.heap.typedArrayFromHeap(block as unknown as TensorInfo) as Float32Array;
      (this.heap.typedArrayFromHeap(this.info) as Float32Array).set(src, row0 * this.cols);
    } else {
      (this.values as Float32Array).set(block.dataSync() as Float32Array, row0 * this.cols);
    }
    this.written.fill(1, row0, row0 + m);
    this.remaining -= m;
  }

  /** The assembled tensor (the caller owns it); throws when a row was never written. */
  finish(): tf.Tensor2D {
    if (this.done) throw new CoreError('RowAssembler.finish: the tensor was already finished or disposed');
    if (this.remaining > 0) {
      const first = this.written.indexOf(0);
      throw new CoreError(`RowAssembler.finish: ${this.remaining} of ${this.rows} rows were never written (the first: row ${first})`);
    }
    this.done = true;
    if (this.info) {
      const t = tf.engine().makeTensorFromTensorInfo(this.info) as tf.Tensor2D;
      this.info = null;
      return t;
    }
    const t = tf.tensor2d(this.values as Float32Array, [this.rows, this.cols], 'float32');
    this.values = null;
    return t;
  }

  /** Frees the partial result (after an error); a no-op once finished. */
  dispose(): void {
    if (this.done) return;
    this.done = true;
    if (this.info && this.heap) this.heap.disposeData(this.info.dataId, true);
    this.info = null;
    this.values = null;
  }
}
