// The one TensorFlow.js instance of rfai. Importing this module registers the
// cpu and wasm backends and the wasm fallback kernels, then makes cpu the
// current backend so code that never calls initBackend() still runs.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmFallbacks } from './wasm-fallbacks';
import { registerExtraGradients } from './extra-gradients';
// tfjs-core's CommonJS entry registers neither gradients nor chained methods (x.reshape()):
// these generated modules do (see scripts/generate-tfjs-registrations.mjs).
import './generated/register-gradients';
import './generated/register-chained-ops';
// Type declarations of the chained methods, from tfjs-core's own .d.ts files.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

registerWasmFallbacks();
registerExtraGradients();

// tfjs-core would otherwise pick wasm (priority 2) on first use, which needs an
// asynchronous initialisation: every op before `await tf.ready()` would throw.
// setBackend('cpu') completes synchronously because cpu initialises synchronously.
if (tf.engine().backendName == null) void tf.setBackend('cpu');

// The cpu backend prints an advert for tfjs-node on its first write. initBackend()
// already explains which backend is used and why, so the advert is switched off.
const cpuBackend = tf.engine().findBackend('cpu') as unknown as { firstUse?: boolean } | null;
if (cpuBackend != null) cpuBackend.firstUse = false;

/**
 * The @tensorflow/tfjs-core namespace shared by every rfai package (one engine, one kernel
 * and gradient registry), with the cpu and wasm backends registered.
 */
export { tf };
