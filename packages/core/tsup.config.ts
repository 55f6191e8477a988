import { rfaiTsup } from '../../tools/tsup-preset';

export default rfaiTsup({
  // The ESM build needs `require` to locate the .wasm binaries and to load the optional
  // @tensorflow/tfjs-node at run time.
  banner: ({ format }) =>
    format === 'esm' ? { js: "import { createRequire as __rfaiCreateRequire } from 'node:module'; const require = __rfaiCreateRequire(import.meta.url);" } : {},
});
