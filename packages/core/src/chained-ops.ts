// Chained tensor methods (x.reshape(...), x.mul(y), ...) for the one tfjs-core instance.
//
// tfjs-core installs these from ES-module-only files (dist/public/chained_ops/*.js) that
// the union package @tensorflow/tfjs imports; rfai uses tfjs-core alone, and jest here
// cannot load those ES modules from node_modules. This file holds the same definitions,
// generated from tfjs-core 4.22.0's chained_ops/*.js (each method calls the op of the
// same name with `this` as its first argument). Their TypeScript declarations come from
// tfjs-core's own .d.ts files, pulled in by the type-only import below.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tf from '@tensorflow/tfjs-core';

const Tensor = tf.Tensor;
const assert = tf.util.assert;
const proto: any = tf.Tensor.prototype;
const {
  abs,
  acos,
  acosh,
  add,
  all,
  any,
  argMax,
  argMin,
  asin,
  asinh,
  atan,
  atan2,
  atanh,
  avgPool,
  batchNorm,
  batchToSpaceND,
  broadcastTo,
  cast,
  ceil,
  clipByValue,
  concat,
  conv1d,
  conv2d,
  conv2dTranspose,
  cos,
  cosh,
  cumprod,
  cumsum,
  depthToSpace,
  depthwiseConv2d,
  dilation2d,
  div,
  divNoNan,
  dot,
  elu,
  equal,
  erf,
  euclideanNorm,
  exp,
  expandDims,
  expm1,
  fft,
  floor,
  floorDiv,
  gather,
  greater,
  greaterEqual,
  ifft,
  irfft,
  isFinite,
  isInf,
  isNaN,
  leakyRelu,
  less,
  lessEqual,
  localResponseNormalization,
  log,
  log1p,
  logSigmoid,
  logSoftmax,
  logSumExp,
  logicalAnd,
  logicalNot,
  logicalOr,
  logicalXor,
  matMul,
  max,
  maxPool,
  maximum,
  mean,
  min,
  minimum,
  mirrorPad,
  mod,
  mul,
  neg,
  norm,
  notEqual,
  oneHot,
  onesLike,
  pad,
  pool,
  pow,
  prelu,
  prod,
  reciprocal,
  relu,
  relu6,
  reshape,
  resizeBilinear,
  resizeNearestNeighbor,
  reverse,
  rfft,
  round,
  rsqrt,
  selu,
  separableConv2d,
  sigmoid,
  sign,
  sin,
  sinh,
  slice,
  softmax,
  softplus,
  spaceToBatchND,
  split,
  sqrt,
  square,
  squaredDifference,
  squeeze,
  stack,
  step,
  stridedSlice,
  sub,
  sum,
  tan,
  tanh,
  tile,
  topk,
  transpose,
  unique,
  unsortedSegmentSum,
  unstack,
  where,
  zerosLike
} = tf as any;

/** Installs the chained methods on tf.Tensor.prototype. Idempotent. */
export function registerChainedOps(): void {
  if (proto.__rfaiChainedOps) return;
  proto.__rfaiChainedOps = true;
  proto.abs = function (this: any) {
      this.throwIfDisposed();
      return abs(this);
  };
  proto.acos = function (this: any) {
      this.throwIfDisposed();
      return acos(this);
  };
  proto.acosh = function (this: any) {
      this.throwIfDisposed();
      return acosh(this);
  };
  proto.add = function (this: any, b: any) {
      this.throwIfDisposed();
      return add(this, b);
  };
  proto.all = function (this: any, axis: any, keepDims: any) {
      this.throwIfDisposed();
      return all(this, axis, keepDims);
  };
  proto.any = function (this: any, axis: any, keepDims: any) {
      this.throwIfDisposed();
      return any(this, axis, keepDims);
  };
  proto.argMax = function (this: any, axis: any) {
      this.throwIfDisposed();
      return argMax(this, axis);
  };
  proto.argMin = function (this: any, axis: any) {
      this.throwIfDisposed();
      return argMin(this, axis);
  };
  proto.as1D = function (this: any) {
      this.throwIfDisposed();
      return reshape(this, [this.size]);
  };
  proto.as2D = function (this: any, rows: any, columns: any) {
      this.throwIfDisposed();
      return reshape(this, [rows, columns]);
  };
  proto.as3D = function (this: any, rows: any, columns: any, depth: any) {
      this.throwIfDisposed();
      return reshape(this, [rows, columns, depth]);
  };
  proto.as4D = function (this: any, rows: any, columns: any, depth: any, depth2: any) {
      this.throwIfDisposed();
      return reshape(this, [rows, columns, depth, depth2]);
  };
  proto.as5D = function (this: any, rows: any, columns: any, depth: any, depth2: any, depth3: any) {
      this.throwIfDisposed();
      return reshape(this, [rows, columns, depth, depth2, depth3]);
  };
  proto.asScalar = function (this: any) {
      this.throwIfDisposed();
      assert(this.size === 1, () => 'The array must have only 1 element.');
      return reshape(this, []);
  };
  proto.asType = function (this: any, dtype: any) {
      this.throwIfDisposed();
      return cast(this, dtype);
  };
  proto.asin = function (this: any) {
      this.throwIfDisposed();
      return asin(this);
  };
  proto.asinh = function (this: any) {
      this.throwIfDisposed();
      return asinh(this);
  };
  proto.atan = function (this: any) {
      this.throwIfDisposed();
      return atan(this);
  };
  proto.atan2 = function (this: any, b: any) {
      this.throwIfDisposed();
      return atan2(this, b);
  };
  proto.atanh = function (this: any) {
      this.throwIfDisposed();
      return atanh(this);
  };
  proto.avgPool =
      function (this: any, filterSize: any, strides: any, pad: any, dimRoundingMode: any) {
          this.throwIfDisposed();
          return avgPool(this, filterSize, strides, pad, dimRoundingMode);
      };
  proto.batchToSpaceND = function (this: any, blockShape: any, crops: any) {
      this.throwIfDisposed();
      return batchToSpaceND(this, blockShape, crops);
  };
  proto.batchNorm = function (this: any, mean: any, variance: any, offset: any, scale: any, varianceEpsilon: any) {
      this.throwIfDisposed();
      return batchNorm(this, mean, variance, offset, scale, varianceEpsilon);
  };
  proto.broadcastTo = function (this: any, shape: any) {
      this.throwIfDisposed();
      return broadcastTo(this, shape);
  };
  proto.cast = function (this: any, dtype: any) {
      this.throwIfDisposed();
      return cast(this, dtype);
  };
  proto.ceil = function (this: any) {
      this.throwIfDisposed();
      return ceil(this);
  };
  proto.clipByValue = function (this: any, min: any, max: any) {
      this.throwIfDisposed();
      return clipByValue(this, min, max);
  };
  proto.concat = function (this: any, x: any, axis: any) {
      this.throwIfDisposed();
      if (x instanceof Tensor) {
          x = [x];
      }
      return concat([this, ...x], axis);
  };
  proto.conv1d = function (this: any, filter: any, stride: any, pad: any, dataFormat: any, dilation: any, dimRoundingMode: any) {
      this.throwIfDisposed();
      return conv1d(this, filter, stride, pad, dataFormat, dilation, dimRoundingMode);
  };
  proto.conv2d = function (this: any, filter: any, strides: any, pad: any, dataFormat: any, dilations: any, dimRoundingMode: any) {
      this.throwIfDisposed();
      return conv2d(this, filter, strides, pad, dataFormat, dilations, dimRoundingMode);
  };
  proto.conv2dTranspose =
      function (this: any, filter: any, outputShape: any, strides: any, pad: any, dimRoundingMode: any) {
          this.throwIfDisposed();
          return conv2dTranspose(this, filter, outputShape, strides, pad, dimRoundingMode);
      };
  proto.cos = function (this: any) {
      this.throwIfDisposed();
      return cos(this);
  };
  proto.cosh = function (this: any) {
      this.throwIfDisposed();
      return cosh(this);
  };
  proto.cumprod = function (this: any, axis: any, exclusive: any, reverse: any) {
      this.throwIfDisposed();
      return cumprod(this, axis, exclusive, reverse);
  };
  proto.cumsum = function (this: any, axis: any, exclusive: any, reverse: any) {
      this.throwIfDisposed();
      return cumsum(this, axis, exclusive, reverse);
  };
  proto.depthToSpace = function (this: any, blockSize: any, dataFormat: any) {
      this.throwIfDisposed();
      return depthToSpace(this, blockSize, dataFormat);
  };
  proto.depthwiseConv2d =
      function (this: any, filter: any, strides: any, pad: any, dataFormat: any, dilations: any, dimRoundingMode: any) {
          this.throwIfDisposed();
          return depthwiseConv2d(this, filter, strides, pad, dataFormat, dilations, dimRoundingMode);
      };
  proto.dilation2d =
      function (this: any, filter: any, strides: any, pad: any, dilations: any, dataFormat: any) {
          this.throwIfDisposed();
          return dilation2d(this, filter, strides, pad, dilations, dataFormat);
      };
  proto.div = function (this: any, b: any) {
      this.throwIfDisposed();
      return div(this, b);
  };
  proto.divNoNan = function (this: any, b: any) {
      this.throwIfDisposed();
      return divNoNan(this, b);
  };
  proto.dot = function (this: any, b: any) {
      this.throwIfDisposed();
      return dot(this, b);
  };
  proto.elu = function (this: any) {
      this.throwIfDisposed();
      return elu(this);
  };
  proto.equal = function (this: any, b: any) {
      this.throwIfDisposed();
      return equal(this, b);
  };
  proto.erf = function (this: any) {
      this.throwIfDisposed();
      return erf(this);
  };
  proto.euclideanNorm = function (this: any, axis: any, keepDims: any) {
      this.throwIfDisposed();
      return euclideanNorm(this, axis, keepDims);
  };
  proto.exp = function (this: any) {
      this.throwIfDisposed();
      return exp(this);
  };
  proto.expandDims = function (this: any, axis: any) {
      this.throwIfDisposed();
      return expandDims(this, axis);
  };
  proto.expm1 = function (this: any) {
      this.throwIfDisposed();
      return expm1(this);
  };
  proto.fft = function (this: any) {
      this.throwIfDisposed();
      return fft(this);
  };
  proto.flatten = function (this: any) {
      this.throwIfDisposed();
      return reshape(this, [this.size]);
  };
  proto.floor = function (this: any) {
      this.throwIfDisposed();
      return floor(this);
  };
  proto.floorDiv = function (this: any, b: any) {
      this.throwIfDisposed();
      return floorDiv(this, b);
  };
  proto.gather = function (this: any, indices: any, axis: any, batchDims: any) {
      this.throwIfDisposed();
      return gather(this, indices, axis, batchDims);
  };
  proto.greater = function (this: any, b: any) {
      this.throwIfDisposed();
      return greater(this, b);
  };
  proto.greaterEqual = function (this: any, b: any) {
      this.throwIfDisposed();
      return greaterEqual(this, b);
  };
  proto.ifft = function (this: any) {
      this.throwIfDisposed();
      return ifft(this);
  };
  proto.irfft = function (this: any) {
      this.throwIfDisposed();
      return irfft(this);
  };
  proto.isFinite = function (this: any) {
      this.throwIfDisposed();
      return isFinite(this);
  };
  proto.isInf = function (this: any) {
      this.throwIfDisposed();
      return isInf(this);
  };
  proto.isNaN = function (this: any) {
      this.throwIfDisposed();
      return isNaN(this);
  };
  proto.leakyRelu = function (this: any, alpha: any) {
      this.throwIfDisposed();
      return leakyRelu(this, alpha);
  };
  proto.less = function (this: any, b: any) {
      this.throwIfDisposed();
      return less(this, b);
  };
  proto.lessEqual = function (this: any, b: any) {
      this.throwIfDisposed();
      return lessEqual(this, b);
  };
  proto.localResponseNormalization =
      function (this: any, depthRadius: any, bias: any, alpha: any, beta: any) {
          this.throwIfDisposed();
          return localResponseNormalization(this, depthRadius, bias, alpha, beta);
      };
  proto.log = function (this: any) {
      this.throwIfDisposed();
      return log(this);
  };
  proto.log1p = function (this: any) {
      this.throwIfDisposed();
      return log1p(this);
  };
  proto.logSigmoid = function (this: any) {
      this.throwIfDisposed();
      return logSigmoid(this);
  };
  proto.logSoftmax = function (this: any, axis: any) {
      this.throwIfDisposed();
      return logSoftmax(this, axis);
  };
  proto.logSumExp = function (this: any, axis: any, keepDims: any) {
      this.throwIfDisposed();
      return logSumExp(this, axis, keepDims);
  };
  proto.logicalAnd = function (this: any, b: any) {
      this.throwIfDisposed();
      return logicalAnd(this, b);
  };
  proto.logicalNot = function (this: any) {
      this.throwIfDisposed();
      return logicalNot(this);
  };
  proto.logicalOr = function (this: any, b: any) {
      this.throwIfDisposed();
      return logicalOr(this, b);
  };
  proto.logicalXor = function (this: any, b: any) {
      this.throwIfDisposed();
      return logicalXor(this, b);
  };
  proto.matMul = function (this: any, b: any, transposeA: any, transposeB: any) {
      this.throwIfDisposed();
      return matMul(this, b, transposeA, transposeB);
  };
  proto.max = function (this: any, axis: any, keepDims: any) {
      this.throwIfDisposed();
      return max(this, axis, keepDims);
  };
  proto.maxPool =
      function (this: any, filterSize: any, strides: any, pad: any, dimRoundingMode: any) {
          this.throwIfDisposed();
          return maxPool(this, filterSize, strides, pad, dimRoundingMode);
      };
  proto.maximum = function (this: any, b: any) {
      this.throwIfDisposed();
      return maximum(this, b);
  };
  proto.mean = function (this: any, axis: any, keepDims: any) {
      this.throwIfDisposed();
      return mean(this, axis, keepDims);
  };
  proto.min = function (this: any, axis: any, keepDims: any) {
      this.throwIfDisposed();
      return min(this, axis, keepDims);
  };
  proto.minimum = function (this: any, b: any) {
      this.throwIfDisposed();
      return minimum(this, b);
  };
  proto.mirrorPad = function (this: any, paddings: any, mode: any) {
      this.throwIfDisposed();
      return mirrorPad(this, paddings, mode);
  };
  proto.mod = function (this: any, b: any) {
      this.throwIfDisposed();
      return mod(this, b);
  };
  proto.mul = function (this: any, b: any) {
      this.throwIfDisposed();
      return mul(this, b);
  };
  proto.neg = function (this: any) {
      this.throwIfDisposed();
      return neg(this);
  };
  proto.norm = function (this: any, ord: any, axis: any, keepDims: any) {
      this.throwIfDisposed();
      return norm(this, ord, axis, keepDims);
  };
  proto.notEqual = function (this: any, b: any) {
      this.throwIfDisposed();
      return notEqual(this, b);
  };
  proto.oneHot = function (this: any, depth: any, onValue: any = 1, offValue: any = 0) {
      this.throwIfDisposed();
      return oneHot(this, depth, onValue, offValue);
  };
  proto.onesLike = function (this: any) {
      this.throwIfDisposed();
      return onesLike(this);
  };
  proto.pad = function (this: any, paddings: any, constantValue: any) {
      this.throwIfDisposed();
      return pad(this, paddings, constantValue);
  };
  proto.pool = function (this: any, windowShape: any, poolingType: any, padding: any, dilationRate: any, strides: any, dimRoundingMode: any) {
      this.throwIfDisposed();
      return pool(this, windowShape, poolingType, padding, dilationRate, strides, dimRoundingMode);
  };
  proto.pow = function (this: any, exp: any) {
      this.throwIfDisposed();
      return pow(this, exp);
  };
  proto.prelu = function (this: any, alpha: any) {
      this.throwIfDisposed();
      return prelu(this, alpha);
  };
  proto.prod = function (this: any, axis: any, keepDims: any) {
      this.throwIfDisposed();
      return prod(this, axis, keepDims);
  };
  proto.reciprocal = function (this: any) {
      this.throwIfDisposed();
      return reciprocal(this);
  };
  proto.relu = function (this: any) {
      this.throwIfDisposed();
      return relu(this);
  };
  proto.relu6 = function (this: any) {
      this.throwIfDisposed();
      return relu6(this);
  };
  proto.reshape = function (this: any, shape: any) {
      this.throwIfDisposed();
      return reshape(this, shape);
  };
  proto.reshapeAs = function (this: any, x: any) {
      this.throwIfDisposed();
      return reshape(this, x.shape);
  };
  proto.resizeBilinear =
      function (this: any, newShape2D: any, alignCorners: any, halfPixelCenters: any) {
          this.throwIfDisposed();
          return resizeBilinear(this, newShape2D, alignCorners, halfPixelCenters);
      };
  proto.resizeNearestNeighbor =
      function (this: any, newShape2D: any, alignCorners: any, halfFloatCenters: any) {
          this.throwIfDisposed();
          return resizeNearestNeighbor(this, newShape2D, alignCorners, halfFloatCenters);
      };
  proto.reverse = function (this: any, axis: any) {
      this.throwIfDisposed();
      return reverse(this, axis);
  };
  proto.rfft = function (this: any) {
      this.throwIfDisposed();
      return rfft(this);
  };
  proto.round = function (this: any) {
      this.throwIfDisposed();
      return round(this);
  };
  proto.rsqrt = function (this: any) {
      this.throwIfDisposed();
      return rsqrt(this);
  };
  proto.selu = function (this: any) {
      this.throwIfDisposed();
      return selu(this);
  };
  proto.separableConv2d =
      function (this: any, depthwiseFilter: any, pointwiseFilter: any, strides: any, pad: any, dilation: any, dataFormat: any) {
          this.throwIfDisposed();
          return separableConv2d(this, depthwiseFilter, pointwiseFilter, strides, pad, dilation, dataFormat);
      };
  proto.sigmoid = function (this: any) {
      this.throwIfDisposed();
      return sigmoid(this);
  };
  proto.sign = function (this: any) {
      this.throwIfDisposed();
      return sign(this);
  };
  proto.sin = function (this: any) {
      this.throwIfDisposed();
      return sin(this);
  };
  proto.sinh = function (this: any) {
      this.throwIfDisposed();
      return sinh(this);
  };
  proto.slice = function (this: any, begin: any, size: any) {
      this.throwIfDisposed();
      return slice(this, begin, size);
  };
  proto.softmax = function (this: any, dim: any) {
      this.throwIfDisposed();
      return softmax(this, dim);
  };
  proto.softplus = function (this: any) {
      this.throwIfDisposed();
      return softplus(this);
  };
  proto.spaceToBatchND = function (this: any, blockShape: any, paddings: any) {
      this.throwIfDisposed();
      return spaceToBatchND(this, blockShape, paddings);
  };
  proto.split = function (this: any, numOrSizeSplits: any, axis: any) {
      this.throwIfDisposed();
      return split(this, numOrSizeSplits, axis);
  };
  proto.sqrt = function (this: any) {
      this.throwIfDisposed();
      return sqrt(this);
  };
  proto.square = function (this: any) {
      this.throwIfDisposed();
      return square(this);
  };
  proto.squaredDifference = function (this: any, b: any) {
      this.throwIfDisposed();
      return squaredDifference(this, b);
  };
  proto.squeeze = function (this: any, axis: any) {
      this.throwIfDisposed();
      return squeeze(this, axis);
  };
  proto.stack = function (this: any, x: any, axis: any) {
      this.throwIfDisposed();
      const tensorsToBeStacked = x instanceof Tensor ? [this, x] : [this, ...x];
      return stack(tensorsToBeStacked, axis);
  };
  proto.step = function (this: any, alpha: any) {
      this.throwIfDisposed();
      return step(this, alpha);
  };
  proto.stridedSlice = function (this: any, begin: any, end: any, strides: any, beginMask: any, endMask: any, ellipsisMask: any, newAxisMask: any, shrinkAxisMask: any) {
      this.throwIfDisposed();
      return stridedSlice(this, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask);
  };
  proto.sub = function (this: any, b: any) {
      this.throwIfDisposed();
      return sub(this, b);
  };
  proto.sum = function (this: any, axis: any, keepDims: any) {
      this.throwIfDisposed();
      return sum(this, axis, keepDims);
  };
  proto.tan = function (this: any) {
      this.throwIfDisposed();
      return tan(this);
  };
  proto.tanh = function (this: any) {
      this.throwIfDisposed();
      return tanh(this);
  };
  proto.tile = function (this: any, reps: any) {
      this.throwIfDisposed();
      return tile(this, reps);
  };
  proto.toBool = function (this: any) {
      this.throwIfDisposed();
      return cast(this, 'bool');
  };
  proto.toFloat = function (this: any) {
      this.throwIfDisposed();
      return cast(this, 'float32');
  };
  proto.toInt = function (this: any) {
      this.throwIfDisposed();
      return cast(this, 'int32');
  };
  proto.topk = function (this: any, k: any, sorted: any) {
      this.throwIfDisposed();
      return topk(this, k, sorted);
  };
  proto.transpose = function (this: any, perm: any) {
      this.throwIfDisposed();
      return transpose(this, perm);
  };
  proto.unique = function (this: any, axis: any) {
      this.throwIfDisposed();
      return unique(this, axis);
  };
  proto.unsortedSegmentSum =
      function (this: any, segmentIds: any, numSegments: any) {
          this.throwIfDisposed();
          return unsortedSegmentSum(this, segmentIds, numSegments);
      };
  proto.unstack = function (this: any, axis: any) {
      this.throwIfDisposed();
      return unstack(this, axis);
  };
  proto.where = function (this: any, condition: any, x: any) {
      this.throwIfDisposed();
      return where(condition, this, x);
  };
  proto.zerosLike = function (this: any) {
      this.throwIfDisposed();
      return zerosLike(this);
  };
}
