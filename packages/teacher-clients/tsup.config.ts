import { rfaiTsup } from '../../tools/tsup-preset';

export default rfaiTsup({
  shims: true, // __filename in the ESM build (grammars.ts locates the tree-sitter wasm files)
});
