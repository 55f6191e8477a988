import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  shims: true, // __filename in the ESM build (grammars.ts locates the tree-sitter wasm files)
  target: 'node20',
  tsconfig: 'tsconfig.lib.json',
});
