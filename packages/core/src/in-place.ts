// Additions into a tensor's own memory on the wasm heap, for the few places where a [V, E] gradient of the Qwen
// vocabulary (311 MB at 512 wide) would otherwise be copied by tf.add: a worker's gradient summed into this
// process's, the embedding rows' gradients added to a tied head's. tfjs tensors are immutable by contract; these
// helpers write only into a tensor no other tensor shares (the backend's reference count is 1), which the caller
// made and still owns alone (a fresh gradient), and report false where that does not hold or the backend is not
// wasm, so the caller falls back to tf.add. Every element is one float32 addition, as tf.add does it.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from './tf';
import { CoreError } from './errors';
import type { WasmBackendHeap } from './wasm-encoder';

type RefCountedHeap = WasmBackendHeap & { refCount(dataId: object): number };

/** `t`'s float32 data on the wasm heap when only `t` holds it (so writing it changes no other tensor); else null. */
function ownedHeapView(t: tf.Tensor): Float32Array | null {
  if (t.isDisposed || t.dtype !== 'float32' || tf.getBackend() !== 'wasm') return null;
  const b = tf.backend() as unknown as Partial<RefCountedHeap>;
  if (typeof b.refCount !== 'function' || typeof b.typedArrayFromHeap !== 'function') return null;
  if (b.refCount(t.dataId) !== 1) return null;
  return b.typedArrayFromHeap(t as unknown as TensorInfo) as Float32Array;
}

/**
 * target += addend, elementwise, in target's memory (wasm, target owned alone); false (target untouched) otherwise.
 * addend must have target's size.
 */
export function addIntoOwned(target: tf.Tensor, addend: Float32Array): boolean {
  if (addend.length !== target.size) {
    throw new CoreError(`addIntoOwned: the addend has ${addend.length} elements, the target [${target.shape}] ${target.size}`);
  }
  const view = ownedHeapView(target);
  if (!view) return false;
  for (let i = 0; i < view.length; i++) view[i] += addend[i];
  return true;
}

/**
 * target[ids[i], :] += rows[i, :] for every i, in order, in target's memory (wasm, target [V, E] owned alone);
 * false (target untouched) otherwise. rows is [ids.length, E] (any float32 tensor: it is only read).
 */
export function addRowsIntoOwned(target: tf.Tensor, ids: Int32Array, rows: tf.Tensor): boolean {
  const [V, E] = target.shape;
  if (target.rank !== 2 || rows.size !== ids.length * E) {
    throw new CoreError(`addRowsIntoOwned: expected rows of [${ids.length}, ${E}] for ${ids.length} ids into [${target.shape}], got [${rows.shape}]`);
  }
  for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] >= 0 && ids[i] < V)) throw new CoreError(`addRowsIntoOwned: id ${ids[i]} at ${i} is outside 0..${V - 1}`);
  }
  const view = ownedHeapView(target);
  if (!view) return false;
  // A view exists only on wasm: the rows are read from the heap too (float32) or copied out (another dtype).
  const src = rows.dtype === 'float32' ? ((tf.backend() as unknown as RefCountedHeap).typedArrayFromHeap(rows as unknown as TensorInfo) as Float32Array) : Float32Array.from(rows.dataSync());
  for (let i = 0; i < ids.length; i++) {
    const d = ids[i] * E;
    const s = i * E;
    for (let j = 0; j < E; j++) view[d + j] += src[s + j];
  }
  return true;
}
