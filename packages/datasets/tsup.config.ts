import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/languages.ts'], // languages: the language table alone (no task bank, no dependencies)
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  shims: true, // __dirname in the ESM build (the task bank loader finds bank/ beside package.json)
  target: 'node20',
  tsconfig: 'tsconfig.lib.json',
});
