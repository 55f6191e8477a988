// The build every publishable @rfai package shares: ESM + CommonJS from src/index.ts, .d.ts/.d.mts types, source
// maps, Node 20, the package's tsconfig.lib.json. A package's tsup.config.ts passes only what differs.
import { defineConfig, type Options } from 'tsup';

export function rfaiTsup(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    tsconfig: 'tsconfig.lib.json',
    ...overrides,
  });
}
