// tfjs-backend-wasm 4.22 allocates every tensor with the module's malloc and never checks the result: when the heap
// cannot grow any more (wasm32: 4 GiB) or is too fragmented for the size, malloc returns 0 and the kernel writes
// its output from address 0 on, over the module's static data and the allocator's own state. Nothing fails there:
// a later free() traps with "memory access out of bounds" (full fine-tuning of a 100 M-parameter model with the
// 151,936-token vocabulary did, in its third step). The guard wraps the JS-side malloc that tfjs calls for tensor
// memory so that failure throws WasmHeapExhaustedError at the allocation, with the figures to act on.
import { tf } from './tf';
import { WasmHeapExhaustedError } from './errors';

/** The wasm32 heap's ceiling as emscripten sets it (4 GiB less one 64 KiB page). */
export const WASM_HEAP_MAX_BYTES = 4294901760;

interface GuardedModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  asm?: { malloc?: (bytes: number) => number };
  HEAPU8: Uint8Array;
  __rfaiMallocGuard?: boolean;
}

/** Wraps the wasm backend's JS-side malloc (idempotent per module); a no-op for another backend. */
export function guardWasmHeap(backend: unknown): void {
  const module = (backend as { wasm?: GuardedModule } | null)?.wasm;
  if (module == null || typeof module._malloc !== 'function' || module.__rfaiMallocGuard) return;
  // Emscripten's `_malloc` starts as a stub that, on its first call, replaces itself on the module with the raw
  // export: wrap the export itself, or a wrapper installed before that first call would be overwritten by it.
  let malloc = module.asm?.malloc;
  if (typeof malloc !== 'function') {
    module._free(module._malloc(8));
    malloc = module._malloc.bind(module);
  }
  module._malloc = (bytes: number): number => {
    // malloc takes a u32: a request of 4 GiB or more would wrap to a small one and succeed.
    const p = bytes >= WASM_HEAP_MAX_BYTES ? 0 : (malloc as (n: number) => number)(bytes);
    if (p === 0 && bytes > 0) {
      throw new WasmHeapExhaustedError(bytes, module.HEAPU8.buffer.byteLength, tf.memory().numBytes, WASM_HEAP_MAX_BYTES);
    }
    return p;
  };
  module.__rfaiMallocGuard = true;
}
