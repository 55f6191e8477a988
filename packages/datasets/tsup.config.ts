import { rfaiTsup } from '../../tools/tsup-preset';

export default rfaiTsup({
  entry: ['src/index.ts', 'src/languages.ts'], // languages: the language table alone (no task bank, no dependencies)
  shims: true, // __dirname in the ESM build (the task bank loader finds bank/ beside package.json)
});
