import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  tsconfig: 'tsconfig.lib.json',
  // The ESM build needs `require` to locate the .wasm binaries and to load the optional
  // @tensorflow/tfjs-node at run time.
  banner: ({ format }) =>
    format === 'esm' ? { js: "import { createRequire as __rfaiCreateRequire } from 'node:module'; const require = __rfaiCreateRequire(import.meta.url);" } : {},
});
