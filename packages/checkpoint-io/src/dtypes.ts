// The safetensors dtypes this package reads and writes, with their byte sizes
// and the typed array that holds each one's raw little-endian values.

/** Element types of safetensors. F16 and BF16 are held as raw bits in Uint16Array. */
export type SafetensorsDtype =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U64'
  | 'U32'
  | 'U16'
  | 'U8'
  | 'BOOL';

/** Any typed array a tensor's data can live in. */
export type TypedArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array
  | BigInt64Array
  | BigUint64Array;

/**
 * A named tensor's dtype, shape (row-major, outermost first) and data.
 * `data` is the typed array of {@link typedArrayFor}: Float32Array for F32, Uint16Array of raw bits for F16/BF16,
 * BigInt64Array for I64, Uint8Array of 0/1 for BOOL. Writers also accept a Float32Array for F16/BF16 (converted).
 */
export interface TensorData {
  dtype: SafetensorsDtype;
  shape: number[];
  data: TypedArray;
}

interface DtypeSpec {
  bytes: number;
  /** Order of the official writer's Dtype enum; higher sorts first. */
  rank: number;
  float: boolean;
  array: string;
}

/** Per-dtype facts. `rank` reproduces the official writer's tensor order (alignment descending). */
export const DTYPES: Readonly<Record<SafetensorsDtype, DtypeSpec>> = {
  BOOL: { bytes: 1, rank: 0, float: false, array: 'Uint8Array' },
  U8: { bytes: 1, rank: 1, float: false, array: 'Uint8Array' },
  I8: { bytes: 1, rank: 2, float: false, array: 'Int8Array' },
  I16: { bytes: 2, rank: 5, float: false, array: 'Int16Array' },
  U16: { bytes: 2, rank: 6, float: false, array: 'Uint16Array' },
  F16: { bytes: 2, rank: 7, float: true, array: 'Uint16Array' },
  BF16: { bytes: 2, rank: 8, float: true, array: 'Uint16Array' },
  I32: { bytes: 4, rank: 9, float: false, array: 'Int32Array' },
  U32: { bytes: 4, rank: 10, float: false, array: 'Uint32Array' },
  F32: { bytes: 4, rank: 11, float: true, array: 'Float32Array' },
  F64: { bytes: 8, rank: 12, float: true, array: 'Float64Array' },
  I64: { bytes: 8, rank: 13, float: false, array: 'BigInt64Array' },
  U64: { bytes: 8, rank: 14, float: false, array: 'BigUint64Array' },
};

/** Every supported dtype name. */
export const DTYPE_NAMES: readonly SafetensorsDtype[] = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL'];

/** True when `s` names a supported dtype. */
export function isDtype(s: unknown): s is SafetensorsDtype {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, s);
}

/** Bytes per element of `dtype`. */
export function dtypeSize(dtype: SafetensorsDtype): number {
  return DTYPES[dtype].bytes;
}

/** Name of the typed array class that holds `dtype` (e.g. 'Uint16Array' for BF16). */
export function typedArrayFor(dtype: SafetensorsDtype): string {
  return DTYPES[dtype].array;
}

/** Views `bytes` (aligned for the dtype) as the typed array of `dtype`, without copying. */
export function viewAs(dtype: SafetensorsDtype, buffer: ArrayBuffer, byteOffset: number, byteLength: number): TypedArray {
  const n = byteLength / DTYPES[dtype].bytes;
  switch (dtype) {
    case 'F64':
      return new Float64Array(buffer, byteOffset, n);
    case 'F32':
      return new Float32Array(buffer, byteOffset, n);
    case 'F16':
    case 'BF16':
    case 'U16':
      return new Uint16Array(buffer, byteOffset, n);
    case 'I64':
      return new BigInt64Array(buffer, byteOffset, n);
    case 'U64':
      return new BigUint64Array(buffer, byteOffset, n);
    case 'I32':
      return new Int32Array(buffer, byteOffset, n);
    case 'U32':
      return new Uint32Array(buffer, byteOffset, n);
    case 'I16':
      return new Int16Array(buffer, byteOffset, n);
    case 'I8':
      return new Int8Array(buffer, byteOffset, n);
    case 'U8':
    case 'BOOL':
      return new Uint8Array(buffer, byteOffset, n);
  }
}

/** Product of a shape's dimensions (1 for a scalar `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
